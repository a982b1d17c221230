package seglog

import (
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/freshet/freshet/ingest"
)

// view is a reader's snapshot of one segment, taken under Log.mu, with a
// reference on the segment so that its file stays open.
type view struct {
	seg    *segment
	from   uint64 // the first offset to read (raised to First())
	end    int64  // acknowledged bytes: never read past them
	next   uint64 // offset after the newest acknowledged entry
	points []indexPoint
}

// view snapshots the segment holding from. ok is false, with no reference
// taken, when from (raised to First()) is at or past Next().
func (l *Log) view(from uint64, op string) (v view, ok bool, err error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return v, false, l.errClosed(op)
	}
	v.from = max(from, l.first())
	if v.from >= l.next {
		return v, false, nil
	}
	i := sort.Search(len(l.segs), func(i int) bool { return l.segs[i].base > v.from }) - 1
	s := l.segs[i]
	s.acquire()
	v.seg, v.end, v.next, v.points = s, s.size, s.next, s.points
	return v, true, nil
}

// Read implements ingest.Log. Each call reads each segment it touches with
// as few preads as the limits allow into one freshly allocated buffer that
// the returned entries' keys and data alias; it verifies every frame's CRC.
// maxBytes counts the bytes of keys and data.
func (l *Log) Read(from uint64, maxEntries, maxBytes int) ([]ingest.Entry, error) {
	var out []ingest.Entry
	total := 0
	for {
		v, ok, err := l.view(from, "read log")
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		if maxEntries <= 0 || (out != nil && v.from != from) { // trimmed meanwhile: stop at the gap
			_ = v.seg.release()
			return out, nil
		}
		var exhausted bool
		out, exhausted, err = l.readSegment(v, out, maxEntries, maxBytes, &total)
		_ = v.seg.release()
		if err != nil {
			return nil, err
		}
		if !exhausted || len(out) >= maxEntries {
			return out, nil
		}
		from = v.next
	}
}

// readSegment appends the entries of v's segment from v.from to out, within
// the limits; exhausted reports that it reached the segment's end.
func (l *Log) readSegment(v view, out []ingest.Entry, maxEntries, maxBytes int, total *int) (_ []ingest.Entry, exhausted bool, err error) {
	pos, err := l.locate(v)
	if err != nil {
		return out, false, err
	}
	off, need := v.from, 0
	corrupt := func(err error) error {
		return fmt.Errorf("read segment %s at offset %d (position %d): %w", v.seg.path, off, pos, err)
	}
	defer func() {
		if err == nil && off < v.next { // the next sequential Read starts here
			v.seg.remember(off, pos)
		}
	}()
	for off < v.next && len(out) < maxEntries {
		want := maxEntries - len(out)
		limit, count := v.end, v.next-off
		if k := sort.Search(len(v.points), func(i int) bool { return v.points[i].off >= off+uint64(want) }); k < len(v.points) {
			limit, count = v.points[k].pos, v.points[k].off-off
		}
		// The wanted entries end before limit and take at most
		// frameOverhead each plus the byte budget. Expect about the
		// segment's average frame size each: a longer run takes another
		// chunk. Read at least the frame known not to fit the last one.
		avg := max(v.end/int64(v.next-v.seg.base), frameOverhead)
		n := int64(min(uint64(want), count))
		size := min(limit-pos, frameOverhead*n+int64(maxBytes-min(*total, maxBytes)), n*avg+n*avg/4+4096)
		size = min(v.end-pos, max(size, int64(need), 4096))
		if size <= 0 {
			return out, false, corrupt(fmt.Errorf("%w: entry past the segment's end", ErrCorrupt))
		}
		if out == nil {
			out = make([]ingest.Entry, 0, min(n, size/avg+16))
		}
		buf := make([]byte, size)
		if _, err := v.seg.f.ReadAt(buf, pos); err != nil {
			if errors.Is(err, io.EOF) {
				err = fmt.Errorf("%w: segment file shorter than expected", ErrCorrupt)
			}
			return out, false, corrupt(err)
		}
		p := 0
		for off < v.next && len(out) < maxEntries {
			if len(buf)-p < headerSize {
				if pos+int64(p+headerSize) > v.end {
					pos += int64(p)
					return out, false, corrupt(fmt.Errorf("%w: frame overruns the segment", ErrCorrupt))
				}
				need = headerSize
				break
			}
			fl, err := frameLen(buf[p:])
			if err == nil && pos+int64(p+fl) > v.end {
				err = fmt.Errorf("%w: frame overruns the segment", ErrCorrupt)
			}
			if err != nil {
				pos += int64(p)
				return out, false, corrupt(err)
			}
			if len(out) > 0 && *total+fl-frameOverhead > maxBytes {
				pos += int64(p)
				return out, false, nil
			}
			if fl > len(buf)-p {
				need = fl
				break
			}
			e, err := decode(buf[p : p+fl])
			if err == nil && e.Offset != off {
				err = fmt.Errorf("%w: frame has offset %d", ErrCorrupt, e.Offset)
			}
			if err != nil {
				pos += int64(p)
				return out, false, corrupt(err)
			}
			out = append(out, e)
			*total += fl - frameOverhead
			off++
			p += fl
		}
		pos += int64(p)
	}
	return out, off >= v.next, nil
}

// scratchReader returns a frameReader over f from start to end with a
// pooled buffer; done returns the buffer.
func (l *Log) scratchReader(v view, start int64, end int64) (fr *frameReader, done func()) {
	bp, _ := l.scratch.Get().(*[]byte)
	if bp == nil {
		b := make([]byte, 0, minChunk)
		bp = &b
	}
	fr = &frameReader{f: v.seg.f, buf: (*bp)[:0], start: start, end: end}
	return fr, func() {
		if cap(fr.buf) <= 1<<20 {
			*bp = fr.buf[:0]
			l.scratch.Put(bp)
		}
	}
}

// locate returns the file position of the frame of v.from: a recent read's
// stopping point, else the nearest index point before it and a walk over
// the frame headers from there (at most about indexInterval bytes).
func (l *Log) locate(v view) (int64, error) {
	if pos, ok := v.seg.hint(v.from); ok {
		return pos, nil
	}
	i := pointBefore(v.points, v.from)
	if i < 0 {
		return 0, fmt.Errorf("read segment %s at offset %d: %w: no index point", v.seg.path, v.from, ErrCorrupt)
	}
	pt := v.points[i]
	if pt.off == v.from {
		return pt.pos, nil
	}
	fr, done := l.scratchReader(v, pt.pos, v.end)
	defer done()
	for off := pt.off; ; off++ {
		frame, pos, err := fr.next(false)
		if errors.Is(err, io.EOF) {
			err = fmt.Errorf("%w: offset not found", ErrCorrupt)
		}
		if err == nil {
			if o, _ := peek(frame); o != off {
				err = fmt.Errorf("%w: frame at %d has offset %d, want %d", ErrCorrupt, pos, o, off)
			}
		}
		if err != nil {
			return 0, fmt.Errorf("read segment %s at offset %d: %w", v.seg.path, v.from, err)
		}
		if off == v.from {
			return pos, nil
		}
	}
}

// SeekTime implements ingest.Log: a binary search over the segments by
// their newest arrival, then over the chosen segment's index points, then a
// walk over the frame headers between two points.
func (l *Log) SeekTime(ms int64) (uint64, error) {
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return 0, l.errClosed("seek log")
	}
	i := sort.Search(len(l.segs), func(i int) bool {
		s := l.segs[i]
		return s.empty() || s.last >= ms
	})
	if i == len(l.segs) || l.segs[i].empty() {
		next := l.next
		l.mu.RUnlock()
		return next, nil
	}
	s := l.segs[i]
	v := view{seg: s, end: s.size, next: s.next, points: s.points}
	j := sort.Search(len(v.points), func(j int) bool { return v.points[j].arrival >= ms })
	if j == 0 {
		l.mu.RUnlock()
		return s.base, nil
	}
	s.acquire()
	l.mu.RUnlock()
	defer func() { _ = s.release() }()

	start, limit, none := v.points[j-1], v.end, uint64(0)
	if j < len(v.points) {
		limit, none = v.points[j].pos, v.points[j].off
	}
	fr, done := l.scratchReader(v, start.pos, limit)
	defer done()
	for off := start.off; ; off++ {
		frame, pos, err := fr.next(false)
		if errors.Is(err, io.EOF) {
			if none == 0 {
				err = fmt.Errorf("%w: no entry arrived at or after %d", ErrCorrupt, ms)
			} else {
				return none, nil
			}
		}
		if err == nil {
			if o, a := peek(frame); o != off {
				err = fmt.Errorf("%w: frame at %d has offset %d, want %d", ErrCorrupt, pos, o, off)
			} else if a >= ms {
				return off, nil
			}
		}
		if err != nil {
			return 0, fmt.Errorf("seek segment %s: %w", s.path, err)
		}
	}
}
