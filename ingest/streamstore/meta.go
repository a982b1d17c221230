package streamstore

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/google/renameio/v2"

	"github.com/freshet/freshet/ingest"
)

const metaFile = "streams.json"

// metaV1 is the on-disk form of the stream metadata.
type metaV1 struct {
	Version int          `json:"version"`
	Streams []streamMeta `json:"streams"`
}

type streamMeta struct {
	Name           string            `json:"name"`
	Incarnation    int64             `json:"incarnation"`
	Created        time.Time         `json:"created"`
	RetentionHours int               `json:"retention_hours"`
	MaxRecordSize  int               `json:"max_record_size"`
	Tags           map[string]string `json:"tags,omitempty"`
	NextOrdinal    uint32            `json:"next_ordinal"`
	Shards         []shardMeta       `json:"shards"`
}

type shardMeta struct {
	Ordinal   uint32    `json:"ordinal"`
	Parent    int64     `json:"parent"`
	Adjacent  int64     `json:"adjacent"`
	Start     string    `json:"hash_start"`
	End       string    `json:"hash_end"`
	Created   time.Time `json:"created"`
	Closed    bool      `json:"closed,omitempty"`
	ClosedAt  time.Time `json:"closed_at,omitzero"`
	EndOffset uint64    `json:"end_offset,omitempty"`
}

// save persists the metadata of every stream.
func (s *Store) save() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.saveLocked()
}

// saveLocked persists the metadata; the caller holds s.mu (read or write).
// Stream locks are taken here, so the caller must not hold one.
func (s *Store) saveLocked() error {
	return s.saveHolding(nil)
}

// saveHolding persists the metadata while the caller holds s.mu and the write
// lock of stream held (which is then read without locking).
func (s *Store) saveHolding(held *stream) error {
	if s.opts.Dir == "" {
		return nil
	}
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	m := metaV1{Version: 1}
	for _, st := range s.streams {
		if st != held {
			st.mu.RLock()
		}
		m.Streams = append(m.Streams, st.meta())
		if st != held {
			st.mu.RUnlock()
		}
	}
	sort.Slice(m.Streams, func(i, j int) bool { return m.Streams[i].Name < m.Streams[j].Name })
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("save stream metadata: %w", err)
	}
	return writeFileAtomic(filepath.Join(s.opts.Dir, metaFile), b)
}

func (st *stream) meta() streamMeta {
	m := streamMeta{
		Name: st.name, Incarnation: st.incarnation, Created: st.created,
		RetentionHours: st.retentionHours, MaxRecordSize: st.maxRecordSize,
		Tags: st.tags, NextOrdinal: st.nextOrdinal,
	}
	for _, sh := range st.shards {
		m.Shards = append(m.Shards, shardMeta{
			Ordinal: sh.ordinal, Parent: sh.parent, Adjacent: sh.adjacent,
			Start: sh.hashRange.Start.String(), End: sh.hashRange.End.String(),
			Created: sh.created, Closed: sh.closed, ClosedAt: sh.closedAt, EndOffset: sh.endOffset,
		})
	}
	return m
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

// load reads streams.json and opens every shard log. Shard directories that
// the metadata does not name (left by a crash between creating a log and
// saving the metadata, or by a deletion cut short) are removed.
func (s *Store) load() error {
	path := filepath.Join(s.opts.Dir, metaFile)
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return s.removeStrays()
	}
	if err != nil {
		return fmt.Errorf("load stream metadata: %w", err)
	}
	var m metaV1
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("load stream metadata %s: %w", path, err)
	}
	if m.Version != 1 {
		return fmt.Errorf("load stream metadata %s: unknown version %d", path, m.Version)
	}
	for _, sm := range m.Streams {
		st := &stream{
			name: sm.Name, incarnation: sm.Incarnation, created: sm.Created,
			retentionHours: sm.RetentionHours, maxRecordSize: sm.MaxRecordSize,
			tags: sm.Tags, nextOrdinal: sm.NextOrdinal,
		}
		if st.tags == nil {
			st.tags = map[string]string{}
		}
		s.streams[st.name] = st
		for _, shm := range sm.Shards {
			start, err1 := ingest.ParseHashKey(shm.Start)
			end, err2 := ingest.ParseHashKey(shm.End)
			if err1 != nil || err2 != nil {
				return fmt.Errorf("load stream metadata %s: stream %s shard %d: bad hash range", path, sm.Name, shm.Ordinal)
			}
			l, err := s.newLog(st, shm.Ordinal)
			if err != nil {
				return fmt.Errorf("load stream %s: %w", sm.Name, err)
			}
			sh := &shard{
				ordinal: shm.Ordinal, parent: shm.Parent, adjacent: shm.Adjacent,
				hashRange: ingest.HashRange{Start: start, End: end}, created: shm.Created,
				closed: shm.Closed, closedAt: shm.ClosedAt, endOffset: shm.EndOffset, log: l,
			}
			if s.opts.Limits.ShardWriteLimits {
				sh.limiter = newLimiter(s.now())
			}
			st.shards = append(st.shards, sh)
		}
		sort.Slice(st.shards, func(i, j int) bool { return st.shards[i].ordinal < st.shards[j].ordinal })
		linkChildren(st)
		st.rebuildRouting()
	}
	return s.removeStrays()
}

// linkChildren fills each shard's children from the others' parents.
func linkChildren(st *stream) {
	byOrd := map[uint32]*shard{}
	for _, sh := range st.shards {
		byOrd[sh.ordinal] = sh
		sh.children = nil
	}
	for _, sh := range st.shards {
		for _, p := range []int64{sh.parent, sh.adjacent} {
			if p >= 0 {
				if ps := byOrd[uint32(p)]; ps != nil {
					ps.children = append(ps.children, sh.ordinal)
				}
			}
		}
	}
}

func (s *Store) removeStrays() error {
	root := filepath.Join(s.opts.Dir, "streams")
	known := map[string]*stream{}
	for _, st := range s.streams {
		known[filepath.Base(s.streamDir(st))] = st
	}
	ents, err := os.ReadDir(root)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list stream directories: %w", err)
	}
	for _, e := range ents {
		st, ok := known[e.Name()]
		if !ok {
			if err := os.RemoveAll(filepath.Join(root, e.Name())); err != nil {
				return fmt.Errorf("remove stray stream directory: %w", err)
			}
			continue
		}
		shardDirs, err := os.ReadDir(filepath.Join(root, e.Name()))
		if err != nil {
			return fmt.Errorf("list shard directories of %s: %w", st.name, err)
		}
		for _, sd := range shardDirs {
			ord, err := ingest.ParseShardID(sd.Name())
			if err == nil && ord < st.nextOrdinal && st.hasShard(ord) {
				continue
			}
			if err := os.RemoveAll(filepath.Join(root, e.Name(), sd.Name())); err != nil {
				return fmt.Errorf("remove stray shard directory: %w", err)
			}
		}
	}
	return nil
}

func (st *stream) hasShard(ord uint32) bool {
	for _, sh := range st.shards {
		if sh.ordinal == ord {
			return true
		}
	}
	return false
}
