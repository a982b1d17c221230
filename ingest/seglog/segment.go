package seglog

import (
	"fmt"
	"os"
	"sort"
	"sync"
	"sync/atomic"
)

// indexPoint is one entry of a segment's sparse index: the entry with offset
// off starts at file position pos and arrived at arrival.
type indexPoint struct {
	off     uint64
	pos     int64
	arrival int64
}

// segment is one segment file. The fields after refs are guarded by Log.mu
// and advanced by the committer once the bytes they cover are durable
// (acknowledged), so a reader that snapshots them never reads past that.
type segment struct {
	base uint64
	path string
	f    *os.File
	refs atomic.Int32 // the log's reference plus one per reader; the file closes at zero

	size   int64  // bytes of acknowledged frames
	next   uint64 // offset after the newest acknowledged entry (base when empty)
	last   int64  // arrival of the newest entry
	points []indexPoint

	hintMu sync.Mutex
	hints  [8]indexPoint // where recent reads stopped, for the next sequential read
	hintAt int
}

func newSegment(dir string, base uint64, f *os.File) *segment {
	s := &segment{base: base, path: segPath(dir, base), f: f, next: base}
	s.refs.Store(1)
	return s
}

// createSegment creates the empty segment file of base; the caller syncs the
// directory.
func createSegment(dir string, base uint64) (*segment, error) {
	path := segPath(dir, base)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create segment %s: %w", path, err)
	}
	return newSegment(dir, base, f), nil
}

func (s *segment) empty() bool { return s.next == s.base }

// acquire takes a reader's reference; the caller holds Log.mu (read) and
// found s in the log, so the log's own reference is still there.
func (s *segment) acquire() { s.refs.Add(1) }

// release drops a reference and closes the file with the last one.
func (s *segment) release() error {
	if s.refs.Add(-1) == 0 {
		if err := s.f.Close(); err != nil {
			return fmt.Errorf("close segment %s: %w", s.path, err)
		}
	}
	return nil
}

// pointBefore returns the index of the last point in pts with offset <= off
// (pts[0] is the segment's first entry, so it is at least 0 when off is in
// the segment).
func pointBefore(pts []indexPoint, off uint64) int {
	return sort.Search(len(pts), func(i int) bool { return pts[i].off > off }) - 1
}

// hint returns the file position of offset off if a recent read stopped
// there.
func (s *segment) hint(off uint64) (int64, bool) {
	s.hintMu.Lock()
	defer s.hintMu.Unlock()
	for _, h := range s.hints {
		if h.off == off && h.off != 0 {
			return h.pos, true
		}
	}
	return 0, false
}

// remember records that offset off starts at file position pos.
func (s *segment) remember(off uint64, pos int64) {
	s.hintMu.Lock()
	defer s.hintMu.Unlock()
	s.hints[s.hintAt] = indexPoint{off: off, pos: pos}
	s.hintAt = (s.hintAt + 1) % len(s.hints)
}

// syncDir makes the creation and removal of files in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}
