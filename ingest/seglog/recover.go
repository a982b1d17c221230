package seglog

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// loadSegments opens the segments of the log in dir, creating the first one
// for a new log, and recovers the last segment (see openSegment).
func loadSegments(dir string, syncf func(*os.File) error) ([]*segment, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("open log %s: %w", dir, err)
	}
	var bases, idxs []uint64
	for _, de := range des {
		name := de.Name()
		if strings.HasSuffix(name, tmpSuffix) {
			_ = os.Remove(filepath.Join(dir, name)) // an index write cut short
			continue
		}
		base, suffix, ok := parseName(name)
		switch {
		case !ok || de.IsDir():
		case suffix == segSuffix:
			bases = append(bases, base)
		default:
			idxs = append(idxs, base)
		}
	}
	slices.Sort(bases)
	for _, base := range idxs {
		if _, found := slices.BinarySearch(bases, base); !found {
			_ = os.Remove(idxPath(dir, base)) // left by a Trim cut short
		}
	}
	if len(bases) == 0 {
		s, err := createSegment(dir, 1)
		if err != nil {
			return nil, fmt.Errorf("open log %s: %w", dir, err)
		}
		if err := syncDir(dir); err != nil {
			_ = s.release()
			return nil, fmt.Errorf("open log %s: %w", dir, err)
		}
		return []*segment{s}, nil
	}
	segs := make([]*segment, 0, len(bases))
	for i, base := range bases {
		s, err := openSegment(dir, base, i == len(bases)-1, syncf)
		if err == nil && i > 0 && base != segs[i-1].next {
			err = fmt.Errorf("open segment %s: %w: it starts at offset %d but the previous segment ends before %d",
				s.path, ErrCorrupt, base, segs[i-1].next)
			_ = s.release()
		}
		if err != nil {
			for _, s := range segs {
				_ = s.release()
			}
			return nil, err
		}
		segs = append(segs, s)
	}
	return segs, nil
}

// openSegment opens the segment of base and verifies it. If the segment has
// a valid index file, the frames before its last point are trusted and only
// the rest is verified; otherwise the whole segment is.
//
// A sealed segment (last false) must consist of valid frames only: anything
// else is an error naming the file and position. In the last segment an
// invalid frame past the index's trusted prefix is a torn or corrupt tail
// left by a crash: it and everything after it is truncated away.
func openSegment(dir string, base uint64, last bool, syncf func(*os.File) error) (*segment, error) {
	path := segPath(dir, base)
	flag := os.O_RDONLY
	if last {
		flag = os.O_RDWR
	}
	f, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return nil, fmt.Errorf("open segment %s: %w", path, err)
	}
	fail := func(err error) (*segment, error) {
		_ = f.Close()
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		return fail(fmt.Errorf("open segment %s: %w", path, err))
	}
	size := fi.Size()
	st := newScanState(base)
	pts, idxSize, haveIdx := readIndex(idxPath(dir, base), base, size)
	var trusted int64
	if haveIdx && len(pts) > 0 {
		lp := pts[len(pts)-1]
		st.points, st.lastPoint, st.pos, st.next, st.last = pts, lp.pos, lp.pos, lp.off, lp.arrival
		trusted = idxSize
	}
	err = st.scan(f, size, make([]byte, 0, min(size-st.pos, 1<<20)))
	switch {
	case err == nil:
	case errors.Is(err, ErrCorrupt) && last && st.pos >= trusted:
		if err := f.Truncate(st.pos); err != nil {
			return fail(fmt.Errorf("open segment %s: truncate torn tail at %d: %w", path, st.pos, err))
		}
		if err := syncf(f); err != nil {
			return fail(fmt.Errorf("open segment %s: truncate torn tail at %d: %w", path, st.pos, err))
		}
	default:
		return fail(fmt.Errorf("open segment %s: position %d (offset %d): %w", path, st.pos, st.next, err))
	}
	s := newSegment(dir, base, f)
	s.size, s.next, s.points = st.pos, st.next, st.points
	if !s.empty() {
		s.last = st.last
	}
	if !last && !(haveIdx && idxSize == size) {
		// The index is a cache: if it cannot be written, the next Open scans.
		_ = writeIndex(idxPath(dir, base), base, s.size, s.points, syncf)
	}
	return s, nil
}
