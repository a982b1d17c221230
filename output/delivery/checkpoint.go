package delivery

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/google/renameio/v2"

	"github.com/freshet/freshet/ingest/lineage"
)

// position is where delivery stands in a stream (the shards being read and
// those read to their end), as the lineage reader keeps it.
type position = lineage.Position

// shardRange is the offsets [From, To] of one shard that a flush holds.
type shardRange struct {
	Shard string `json:"shard"`
	From  uint64 `json:"from"`
	To    uint64 `json:"to"`
}

// pending is a flush whose upload has begun but is not committed: after a
// crash it is redone from exactly these ranges, which gives the same keys
// and bytes.
type pending struct {
	Ranges   []shardRange     `json:"ranges"`
	Next     position         `json:"next"`
	MaxEvent map[string]int64 `json:"max_event"`
}

// checkpoint is the delivery state kept in the checkpoint file.
type checkpoint struct {
	Version  int              `json:"version"`
	Stream   string           `json:"stream"`
	Position position         `json:"position"`
	Started  bool             `json:"started"`
	MaxEvent map[string]int64 `json:"max_event"` // largest event time delivered per shard
	// OpenHours are hour partitions that got files but no _SUCCESS marker.
	OpenHours []string `json:"open_hours"`
	Pending   *pending `json:"pending,omitempty"`
}

func loadCheckpoint(path, stream string) (checkpoint, error) {
	cp := checkpoint{Version: 1, Stream: stream, MaxEvent: map[string]int64{}}
	if path == "" {
		return cp, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cp, nil
	}
	if err != nil {
		return cp, fmt.Errorf("load delivery checkpoint: %w", err)
	}
	if err := json.Unmarshal(b, &cp); err != nil {
		return cp, fmt.Errorf("load delivery checkpoint %s: %w", path, err)
	}
	if cp.Stream != stream {
		return cp, fmt.Errorf("load delivery checkpoint %s: it is for stream %q, not %q", path, cp.Stream, stream)
	}
	if cp.MaxEvent == nil {
		cp.MaxEvent = map[string]int64{}
	}
	return cp, nil
}

// save replaces the checkpoint file atomically (write, sync, rename, sync
// the directory).
func (cp *checkpoint) save(path string) error {
	if path == "" {
		return nil
	}
	sort.Strings(cp.OpenHours)
	b, err := json.MarshalIndent(cp, "", "  ")
	if err != nil {
		return fmt.Errorf("save delivery checkpoint: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("save delivery checkpoint: %w", err)
	}
	if err := renameio.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("save delivery checkpoint: %w", err)
	}
	return nil
}
