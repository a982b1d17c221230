package seglog

import (
	"fmt"
	"slices"
	"time"

	"github.com/freshet/freshet/ingest"
)

// request is one Append call waiting for the committer.
type request struct {
	buf     []byte // the entries, encoded by the caller; offsets, arrival and CRCs left zero
	arrival int64  // the requested arrival; the assigned one once done
	first   uint64 // the first assigned offset, once done
	done    chan error
}

const (
	maxGroupBytes = 16 << 20 // the most the committer writes in one call (at least one request)
	maxKeptBuf    = 1 << 20  // larger encode and write buffers are not kept for reuse
)

// Append implements ingest.Log. The caller's goroutine encodes the entries;
// the committer assigns offsets and arrival, writes the frames of all
// queued appends with one write and syncs once (see the package
// documentation). The log keeps no reference to entries.
func (l *Log) Append(entries []ingest.Entry, arrival int64) error {
	if err := checkEntries(entries); err != nil {
		return err
	}
	if len(entries) == 0 {
		l.mu.RLock()
		defer l.mu.RUnlock()
		if l.closed {
			return l.errClosed("append to log")
		}
		return nil
	}
	r, _ := l.reqs.Get().(*request)
	if r == nil {
		r = &request{done: make(chan error, 1)}
	}
	r.buf = appendFrames(slices.Grow(r.buf[:0], encodedSize(entries)), entries)
	r.arrival = arrival

	l.mu.Lock()
	var err error
	switch {
	case l.closed:
		err = l.errClosed("append to log")
	case l.failed != nil:
		err = fmt.Errorf("append to log %s: the log failed earlier: %w", l.dir, l.failed)
	default:
		l.queue = append(l.queue, r)
	}
	l.mu.Unlock()
	if err == nil {
		select {
		case l.wake <- struct{}{}:
		default: // the committer has been woken already
		}
		err = <-r.done
	}
	if err == nil {
		for i := range entries {
			entries[i].Offset = r.first + uint64(i)
			entries[i].Arrival = r.arrival
		}
	}
	if cap(r.buf) <= maxKeptBuf {
		l.reqs.Put(r)
	}
	return err
}

// writer is the committer's state, guarded by Log.wmu. Between groups it
// equals the published state; during one it runs ahead.
type writer struct {
	seg       *segment // the active segment
	size      int64    // bytes written to it
	next      uint64   // the next offset to assign
	last      int64    // the newest assigned arrival
	first     int64    // arrival of the active segment's first entry
	lastPoint int64    // position of its newest index point, -1 if none
	dirty     bool     // written since the last sync (SyncInterval > 0)

	buf   []byte       // the frames of the run being placed
	spare []*request   // the queue's other buffer
	pts   []indexPoint // index points of the run being placed
}

// placement is the writer state a run leads to once it is written.
type placement struct {
	next      uint64
	last      int64
	first     int64
	lastPoint int64
}

// run is the committer goroutine: it commits queued appends, syncs on the
// SyncInterval ticker, and on Close commits what is queued and exits.
func (l *Log) run() {
	defer close(l.stopped)
	var tick <-chan time.Time
	if l.opts.SyncInterval > 0 {
		t := time.NewTicker(l.opts.SyncInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-l.wake:
			l.commitQueued()
		case <-tick:
			l.syncActive()
		case <-l.quit:
			l.commitQueued()
			return
		}
	}
}

// commitQueued commits queued requests, group by group, until none is left.
func (l *Log) commitQueued() {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	for {
		l.mu.Lock()
		batch, failed := l.queue, l.failed
		l.queue = l.w.spare[:0]
		l.mu.Unlock()
		if len(batch) == 0 {
			l.w.spare = batch
			return
		}
		if failed != nil {
			fail(batch, fmt.Errorf("append to log %s: the log failed earlier: %w", l.dir, failed))
		} else {
			l.commit(batch)
		}
		clear(batch)
		l.w.spare = batch[:0]
	}
}

func fail(rs []*request, err error) {
	for _, r := range rs {
		r.done <- err
	}
}

// commit writes a group of requests: it places them run by run (a run ends
// where the active segment must roll over or the run is large), writes each
// run with one call, syncs it, and only then acknowledges its requests. On
// an error the requests not yet acknowledged all fail.
func (l *Log) commit(batch []*request) {
	for i := 0; i < len(batch); {
		j, roll, p := l.place(batch, i)
		if j > i {
			if err := l.flush(p); err != nil {
				fail(batch[i:], err)
				return
			}
			for _, r := range batch[i:j] {
				r.done <- nil
			}
		}
		if roll {
			if err := l.roll(); err != nil {
				fail(batch[j:], err)
				return
			}
		}
		i = j
	}
}

// place copies the frames of batch[i:] into the write buffer, up to the
// request before which the active segment must roll over (roll true) or
// the buffer is large, and fills in offsets, arrival, CRCs and index points.
func (l *Log) place(batch []*request, i int) (j int, roll bool, p placement) {
	w := &l.w
	p = placement{next: w.next, last: w.last, first: w.first, lastPoint: w.lastPoint}
	w.buf, w.pts = w.buf[:0], w.pts[:0]
	for j = i; j < len(batch); j++ {
		r := batch[j]
		arrival := max(r.arrival, p.last)
		used := w.size + int64(len(w.buf))
		if used > 0 && (used >= l.opts.SegmentBytes || arrival-p.first >= l.segAge) {
			return j, true, p
		}
		if j > i && len(w.buf) >= maxGroupBytes {
			return j, false, p
		}
		if used == 0 {
			p.first = arrival
		}
		r.first, r.arrival = p.next, arrival
		start := len(w.buf)
		w.buf = append(w.buf, r.buf...)
		for q := start; q < len(w.buf); {
			pos := w.size + int64(q)
			if p.lastPoint < 0 || pos-p.lastPoint >= indexInterval {
				w.pts = append(w.pts, indexPoint{off: p.next, pos: pos, arrival: arrival})
				p.lastPoint = pos
			}
			q += sealFrame(w.buf[q:], p.next, arrival)
			p.next++
		}
		p.last = arrival
	}
	return j, false, p
}

// flush writes the placed run at the end of the active segment, syncs it
// (unless SyncInterval is set) and publishes it. On failure it truncates
// the segment back to where the run started; if that fails too, or the
// sync failed (after which the kernel may have dropped the dirty pages), it
// marks the log failed.
func (l *Log) flush(p placement) error {
	w := &l.w
	seg, pos := w.seg, w.size
	_, err := l.writeAt(seg.f, w.buf, pos)
	syncFailed := false
	if err == nil && l.opts.SyncInterval == 0 {
		err = l.syncf(seg.f)
		syncFailed = err != nil
	}
	if err != nil {
		err = fmt.Errorf("append to segment %s: %w", seg.path, err)
		if terr := seg.f.Truncate(pos); terr != nil || syncFailed {
			l.setFailed(err)
		}
		return err
	}
	n := int64(len(w.buf))
	w.dirty = l.opts.SyncInterval > 0
	w.size += n
	w.next, w.last, w.first, w.lastPoint = p.next, p.last, p.first, p.lastPoint
	l.mu.Lock()
	seg.size, seg.next, seg.last = w.size, w.next, w.last
	seg.points = append(seg.points, w.pts...)
	l.next, l.last = w.next, w.last
	l.size += n
	l.mu.Unlock()
	if cap(w.buf) > maxKeptBuf {
		w.buf = nil
	}
	return nil
}

// roll seals the active segment (syncs it and writes its index file) and
// starts a new one at the next offset.
func (l *Log) roll() error {
	old := l.w.seg
	if l.w.dirty {
		if err := l.syncf(old.f); err != nil {
			err = fmt.Errorf("seal segment %s: %w", old.path, err)
			l.setFailed(err)
			return err
		}
		l.w.dirty = false
	}
	// The index is a cache: without it the next Open scans the segment.
	_ = writeIndex(idxPath(l.dir, old.base), old.base, old.size, old.points, l.syncf)
	s, err := l.startSegment()
	if err != nil {
		return fmt.Errorf("roll log %s: %w", l.dir, err)
	}
	l.mu.Lock()
	l.segs = append(l.segs, s)
	l.mu.Unlock()
	return nil
}

// startSegment creates the segment file for the next offset, syncs the
// directory and makes the segment the writer's active one; the caller
// publishes it.
func (l *Log) startSegment() (*segment, error) {
	s, err := createSegment(l.dir, l.w.next)
	if err != nil {
		return nil, err
	}
	if err := syncDir(l.dir); err != nil {
		_ = s.release()
		return nil, err
	}
	l.w.seg, l.w.size, l.w.first, l.w.lastPoint, l.w.dirty = s, 0, 0, -1, false
	return s, nil
}

// syncActive syncs what was written since the last sync (SyncInterval > 0).
func (l *Log) syncActive() {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if !l.w.dirty {
		return
	}
	if err := l.syncf(l.w.seg.f); err != nil {
		l.setFailed(fmt.Errorf("sync segment %s: %w", l.w.seg.path, err))
	}
	l.w.dirty = false
}

func (l *Log) setFailed(err error) {
	l.mu.Lock()
	if l.failed == nil {
		l.failed = err
	}
	l.mu.Unlock()
}
