package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/renameio/v2"

	"github.com/freshet/freshet/sql"
)

// ErrExists and ErrNotFound are returned by Create and Drop.
var (
	ErrExists   = errors.New("stream already exists")
	ErrNotFound = errors.New("stream not found")
)

// Catalog is a set of stream definitions. It is safe for concurrent use.
type Catalog struct {
	path string // "" keeps the catalog in memory

	mu      sync.RWMutex
	streams map[string]*sql.StreamDef
}

var _ sql.Catalog = (*Catalog)(nil)

// Open loads the catalog kept in path (created on the first change), or
// returns an in-memory catalog when path is "".
func Open(path string) (*Catalog, error) {
	c := &Catalog{path: path, streams: map[string]*sql.StreamDef{}}
	if path == "" {
		return c, nil
	}
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open catalog: %w", err)
	}
	var f fileV1
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("open catalog %s: %w", path, err)
	}
	if f.Version != 1 {
		return nil, fmt.Errorf("open catalog %s: unknown version %d", path, f.Version)
	}
	for _, s := range f.Streams {
		d, err := s.def()
		if err != nil {
			return nil, fmt.Errorf("open catalog %s: stream %s: %w", path, s.Name, err)
		}
		c.streams[d.Name] = d
	}
	return c, nil
}

// Stream implements sql.Catalog.
func (c *Catalog) Stream(name string) (*sql.StreamDef, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	d, ok := c.streams[strings.ToLower(name)]
	return d, ok
}

// List returns every definition, by name.
func (c *Catalog) List() []*sql.StreamDef {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]*sql.StreamDef, 0, len(c.streams))
	for _, d := range c.streams {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Create adds a definition and saves the catalog.
func (c *Catalog) Create(d *sql.StreamDef) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.streams[d.Name]; ok {
		return fmt.Errorf("create stream %s: %w", d.Name, ErrExists)
	}
	c.streams[d.Name] = d
	if err := c.saveLocked(); err != nil {
		delete(c.streams, d.Name)
		return err
	}
	return nil
}

// Update replaces a definition and saves the catalog.
func (c *Catalog) Update(d *sql.StreamDef) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	old, ok := c.streams[d.Name]
	if !ok {
		return fmt.Errorf("alter stream %s: %w", d.Name, ErrNotFound)
	}
	c.streams[d.Name] = d
	if err := c.saveLocked(); err != nil {
		c.streams[d.Name] = old
		return err
	}
	return nil
}

// Drop removes a definition and saves the catalog.
func (c *Catalog) Drop(name string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.streams[name]
	if !ok {
		return fmt.Errorf("drop stream %s: %w", name, ErrNotFound)
	}
	delete(c.streams, name)
	if err := c.saveLocked(); err != nil {
		c.streams[name] = d
		return err
	}
	return nil
}

type fileV1 struct {
	Version int          `json:"version"`
	Streams []streamJSON `json:"streams"`
}

type streamJSON struct {
	Name    string       `json:"name"`
	Columns []columnJSON `json:"columns"`
	Options optionsJSON  `json:"options"`
}

type columnJSON struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type optionsJSON struct {
	Shards         int      `json:"shards"`
	Format         string   `json:"format"`
	EventTime      string   `json:"event_time,omitempty"`
	WatermarkDelay string   `json:"watermark_delay,omitempty"`
	IdleTimeout    string   `json:"idle_timeout,omitempty"`
	Retention      string   `json:"retention,omitempty"`
	LateStream     string   `json:"late_stream,omitempty"`
	PartitionKey   string   `json:"partition_key,omitempty"`
	Archive        string   `json:"archive,omitempty"`
	BufferSize     int64    `json:"archive_buffer_size,omitempty"`
	BufferInterval string   `json:"archive_buffer_interval,omitempty"`
	Compression    string   `json:"archive_compression,omitempty"`
	PartitionBy    []string `json:"archive_partition_by,omitempty"`
	SSE            string   `json:"archive_sse,omitempty"`
	SSEKMSKeyID    string   `json:"archive_sse_kms_key_id,omitempty"`
}

func toJSON(d *sql.StreamDef) streamJSON {
	s := streamJSON{Name: d.Name}
	for _, c := range d.Columns {
		s.Columns = append(s.Columns, columnJSON{Name: c.Name, Type: c.Type.String()})
	}
	o := d.Options
	s.Options = optionsJSON{
		Shards: o.Shards, Format: o.Format, EventTime: o.EventTime,
		WatermarkDelay: o.WatermarkDelay.String(), IdleTimeout: o.IdleTimeout.String(), Retention: o.Retention.String(),
		LateStream: o.LateStream, PartitionKey: o.PartitionKey, Archive: o.Archive,
		BufferSize: o.ArchiveBufferSize, BufferInterval: o.ArchiveBufferInterval.String(), Compression: o.ArchiveCompression,
		PartitionBy: o.ArchivePartitionBy, SSE: o.ArchiveSSE, SSEKMSKeyID: o.ArchiveSSEKMSKeyID,
	}
	return s
}

func (s streamJSON) def() (*sql.StreamDef, error) {
	d := &sql.StreamDef{Name: s.Name}
	for _, c := range s.Columns {
		t, ok := sql.ParseType(c.Type)
		if !ok {
			return nil, fmt.Errorf("column %s: unknown type %q", c.Name, c.Type)
		}
		d.Columns = append(d.Columns, sql.Column{Name: c.Name, Type: t})
	}
	o := s.Options
	d.Options = sql.DefaultStreamOptions()
	d.Options.Shards, d.Options.Format, d.Options.EventTime = o.Shards, o.Format, o.EventTime
	d.Options.LateStream, d.Options.PartitionKey, d.Options.Archive = o.LateStream, o.PartitionKey, o.Archive
	if o.BufferSize > 0 {
		d.Options.ArchiveBufferSize = o.BufferSize
	}
	if o.Compression != "" {
		d.Options.ArchiveCompression = o.Compression
	}
	d.Options.ArchivePartitionBy, d.Options.ArchiveSSE, d.Options.ArchiveSSEKMSKeyID = o.PartitionBy, o.SSE, o.SSEKMSKeyID
	for _, f := range []struct {
		text string
		dst  *time.Duration
	}{{o.WatermarkDelay, &d.Options.WatermarkDelay}, {o.IdleTimeout, &d.Options.IdleTimeout}, {o.Retention, &d.Options.Retention},
		{o.BufferInterval, &d.Options.ArchiveBufferInterval}} {
		if f.text == "" {
			continue
		}
		v, err := time.ParseDuration(f.text)
		if err != nil {
			return nil, err
		}
		*f.dst = v
	}
	return d, nil
}

func (c *Catalog) saveLocked() error {
	if c.path == "" {
		return nil
	}
	f := fileV1{Version: 1}
	for _, d := range c.streams {
		f.Streams = append(f.Streams, toJSON(d))
	}
	sort.Slice(f.Streams, func(i, j int) bool { return f.Streams[i].Name < f.Streams[j].Name })
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("save catalog: %w", err)
	}
	return writeFileAtomic(c.path, b)
}

// writeFileAtomic replaces path with data durably: renameio writes a
// temporary file, syncs it and renames it over path; then the directory is
// synced so that the rename itself survives a crash.
func writeFileAtomic(path string, data []byte) error {
	if err := renameio.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("sync directory of %s: %w", path, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory of %s: %w", path, err)
	}
	return nil
}
