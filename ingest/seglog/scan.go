package seglog

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// frameReader reads the frames of a segment file sequentially through a
// scratch buffer, with one pread per buffer fill.
type frameReader struct {
	f     *os.File
	buf   []byte
	start int64 // file position of buf[0]
	r, w  int   // unread frames are buf[r:w]
	end   int64 // file position where reading stops
}

const minChunk = 64 << 10

// fill makes at least n bytes available at buf[r:]. It returns io.EOF when
// no bytes are left before end and a short-frame ErrCorrupt when fewer than
// n are.
func (fr *frameReader) fill(n int) error {
	if fr.w-fr.r >= n {
		return nil
	}
	left := fr.end - fr.start - int64(fr.w)
	if fr.w == fr.r && left == 0 {
		return io.EOF
	}
	if int64(fr.w-fr.r)+left < int64(n) {
		return fmt.Errorf("%w: short frame at end of segment", ErrCorrupt)
	}
	copy(fr.buf, fr.buf[fr.r:fr.w])
	fr.start += int64(fr.r)
	fr.w -= fr.r
	fr.r = 0
	if cap(fr.buf) < n {
		nb := make([]byte, max(n, minChunk))
		copy(nb, fr.buf[:fr.w])
		fr.buf = nb
	}
	fr.buf = fr.buf[:cap(fr.buf)]
	want := min(int64(len(fr.buf)-fr.w), fr.end-fr.start-int64(fr.w))
	m, err := fr.f.ReadAt(fr.buf[fr.w:fr.w+int(want)], fr.start+int64(fr.w))
	fr.w += m
	if m < int(want) {
		if err == nil || errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: segment file shorter than expected", ErrCorrupt)
		}
		return err
	}
	return nil
}

// next returns the next frame and its file position. With whole false only
// its first peekSize bytes are read (and returned) and the rest is skipped.
// At the end of the region it returns io.EOF.
func (fr *frameReader) next(whole bool) ([]byte, int64, error) {
	if err := fr.fill(headerSize); err != nil {
		return nil, 0, err
	}
	pos := fr.start + int64(fr.r)
	n, err := frameLen(fr.buf[fr.r:])
	if err != nil {
		return nil, pos, err
	}
	if pos+int64(n) > fr.end {
		return nil, pos, fmt.Errorf("%w: short frame at end of segment", ErrCorrupt)
	}
	if !whole && fr.w-fr.r < n {
		if err := fr.fill(peekSize); err != nil {
			return nil, pos, err
		}
		f := fr.buf[fr.r : fr.r+peekSize]
		fr.start = pos + int64(n) // skip the rest unread; f stays valid until the next fill
		fr.r, fr.w = 0, 0
		return f, pos, nil
	}
	if err := fr.fill(n); err != nil {
		return nil, pos, err
	}
	f := fr.buf[fr.r : fr.r+n]
	fr.r += n
	return f, pos, nil
}

// scanState is what a scan has learned about a segment so far.
type scanState struct {
	pos       int64  // end of the valid frames
	next      uint64 // offset the next frame must carry
	last      int64  // arrival of the newest frame (lower bound for the next)
	points    []indexPoint
	lastPoint int64 // position of the newest index point, -1 if none
}

func newScanState(base uint64) scanState {
	return scanState{next: base, last: math.MinInt64, lastPoint: -1}
}

// scan verifies the frames of f from st.pos up to end, advancing st past
// each valid one and adding index points. It stops at end (nil), at the
// first invalid frame (an ErrCorrupt error; st.pos is where that frame
// starts) or on an I/O error.
func (st *scanState) scan(f *os.File, end int64, buf []byte) error {
	fr := frameReader{f: f, buf: buf, start: st.pos, end: end}
	for {
		frame, pos, err := fr.next(true)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		e, err := decode(frame)
		if err != nil {
			return err
		}
		if e.Offset != st.next {
			return fmt.Errorf("%w: frame has offset %d, want %d", ErrCorrupt, e.Offset, st.next)
		}
		if e.Arrival < st.last {
			return fmt.Errorf("%w: arrival %d before the previous %d", ErrCorrupt, e.Arrival, st.last)
		}
		if st.lastPoint < 0 || pos-st.lastPoint >= indexInterval {
			st.points = append(st.points, indexPoint{off: e.Offset, pos: pos, arrival: e.Arrival})
			st.lastPoint = pos
		}
		st.next++
		st.last = e.Arrival
		st.pos = pos + int64(len(frame))
	}
}
