package seglog

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/freshet/freshet/ingest"
)

// Default options.
const (
	DefaultSegmentBytes = 64 << 20
	DefaultSegmentAge   = time.Hour
)

// Log is a durable ingest.Log kept in a directory of segment files.
type Log struct {
	dir    string
	opts   ingest.LogOptions
	segAge int64 // SegmentAge in milliseconds

	// mu guards the published (acknowledged) state below, the request queue
	// and the segments' published fields.
	mu     sync.RWMutex
	segs   []*segment // oldest first; the last one is the active segment
	next   uint64
	last   int64
	size   int64
	closed bool
	failed error // set when the log can no longer append safely
	queue  []*request

	// wmu is held by the committer while it places, writes and syncs a group,
	// and by Trim and Close, which change the active segment.
	wmu sync.Mutex
	w   writer

	wake    chan struct{} // a request was queued
	quit    chan struct{} // Close was called
	stopped chan struct{} // the committer has exited
	reqs    sync.Pool     // *request, with their encode buffers
	scratch sync.Pool     // *[]byte for locating and seeking

	// File operations, replaced in tests to inject failures.
	writeAt func(f *os.File, b []byte, off int64) (int, error)
	syncf   func(f *os.File) error
}

var _ ingest.Log = (*Log)(nil)

// Open opens the shard log in dir, creating dir and an empty log (first
// offset 1) if there is none, and recovering from a crash if the log was not
// closed (see the package documentation). Zero options take the defaults:
// SegmentBytes 64 MiB, SegmentAge 1 h, SyncInterval 0 (sync every append).
func Open(dir string, opts ingest.LogOptions) (*Log, error) {
	if opts.SegmentBytes <= 0 {
		opts.SegmentBytes = DefaultSegmentBytes
	}
	if opts.SegmentAge <= 0 {
		opts.SegmentAge = DefaultSegmentAge
	}
	opts.SyncInterval = max(opts.SyncInterval, 0)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open log %s: %w", dir, err)
	}
	segs, err := loadSegments(dir, datasync)
	if err != nil {
		return nil, err
	}
	l := &Log{
		dir:     dir,
		opts:    opts,
		segAge:  max(opts.SegmentAge.Milliseconds(), 1),
		segs:    segs,
		wake:    make(chan struct{}, 1),
		quit:    make(chan struct{}),
		stopped: make(chan struct{}),
		writeAt: (*os.File).WriteAt,
		syncf:   datasync,
	}
	act := segs[len(segs)-1]
	l.next = act.next
	for i := len(segs) - 1; i >= 0; i-- {
		if !segs[i].empty() {
			l.last = segs[i].last
			break
		}
	}
	for _, s := range segs {
		l.size += s.size
	}
	l.w = writer{seg: act, size: act.size, next: l.next, last: l.last, lastPoint: -1}
	if n := len(act.points); n > 0 {
		l.w.first, l.w.lastPoint = act.points[0].arrival, act.points[n-1].pos
	}
	go l.run()
	return l, nil
}

func (l *Log) first() uint64 {
	if len(l.segs) == 0 {
		return l.next
	}
	return l.segs[0].base
}

// First implements ingest.Log.
func (l *Log) First() uint64 { l.mu.RLock(); defer l.mu.RUnlock(); return l.first() }

// Next implements ingest.Log. Appends still in flight are not counted.
func (l *Log) Next() uint64 { l.mu.RLock(); defer l.mu.RUnlock(); return l.next }

// LastArrival implements ingest.Log.
func (l *Log) LastArrival() int64 { l.mu.RLock(); defer l.mu.RUnlock(); return l.last }

// Size implements ingest.Log: the bytes of the segment files (the small
// index files are not counted).
func (l *Log) Size() int64 { l.mu.RLock(); defer l.mu.RUnlock(); return l.size }

func (l *Log) errClosed(op string) error {
	return fmt.Errorf("%s %s: %w", op, l.dir, ingest.ErrClosed)
}

// Trim implements ingest.Log. It deletes the files of the dropped segments;
// when the active segment goes too, a new empty segment named by Next() is
// created first, so that the directory always records the next offset.
func (l *Log) Trim(before int64) error {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return l.errClosed("trim log")
	}
	k := sort.Search(len(l.segs), func(i int) bool {
		s := l.segs[i]
		return s.empty() || s.last >= before
	})
	all := k == len(l.segs)
	l.mu.RUnlock()
	if k == 0 {
		return nil
	}
	var fresh *segment
	if all {
		s, err := l.startSegment()
		if err != nil {
			return fmt.Errorf("trim log %s: %w", l.dir, err)
		}
		fresh = s
	}
	l.mu.Lock()
	drop := l.segs[:k:k]
	rest := append([]*segment(nil), l.segs[k:]...)
	if fresh != nil {
		rest = append(rest, fresh)
	}
	l.segs = rest
	for _, s := range drop {
		l.size -= s.size
	}
	l.mu.Unlock()
	var errs []error
	for _, s := range drop {
		if err := os.Remove(s.path); err != nil {
			errs = append(errs, fmt.Errorf("trim log: remove segment %s: %w", s.path, err))
		}
		if err := os.Remove(idxPath(l.dir, s.base)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("trim log: %w", err))
		}
		if err := s.release(); err != nil {
			errs = append(errs, fmt.Errorf("trim log: %w", err))
		}
	}
	if err := syncDir(l.dir); err != nil {
		errs = append(errs, fmt.Errorf("trim log: %w", err))
	}
	return errors.Join(errs...)
}

// Close implements ingest.Log: it waits for the appends in flight, syncs the
// active segment, writes its index file and closes the files. Calling it
// again does nothing.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	l.mu.Unlock()
	close(l.quit)
	<-l.stopped

	l.wmu.Lock()
	defer l.wmu.Unlock()
	l.mu.Lock()
	segs, failed := l.segs, l.failed
	l.segs = nil
	l.mu.Unlock()
	var errs []error
	if act := l.w.seg; failed == nil {
		if err := l.syncf(act.f); err != nil {
			errs = append(errs, fmt.Errorf("close log: sync segment %s: %w", act.path, err))
		} else if !act.empty() {
			// The index is a cache: without it the next Open scans the segment.
			_ = writeIndex(idxPath(l.dir, act.base), act.base, act.size, act.points, l.syncf)
		}
	}
	for _, s := range segs {
		if err := s.release(); err != nil {
			errs = append(errs, fmt.Errorf("close log: %w", err))
		}
	}
	return errors.Join(errs...)
}

// Remove implements ingest.Log: it closes the log and deletes its directory.
func (l *Log) Remove() error {
	err := l.Close()
	if rerr := os.RemoveAll(l.dir); rerr != nil {
		err = errors.Join(err, fmt.Errorf("remove log: %w", rerr))
	}
	return err
}
