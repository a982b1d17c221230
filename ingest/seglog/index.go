package seglog

import (
	"fmt"
	"os"
)

// An index file (NNN.idx beside NNN.seg) stores a segment's sparse index so
// that Open need not scan the segment:
//
//	magic   [8]byte "FRSHIDX1"
//	base    u64     the segment's first offset
//	size    i64     the bytes of the segment the points cover
//	count   u32
//	points  count × (offset u64, position i64, arrival i64)
//	crc     u32     CRC-32C of everything before it
const idxMagic = "FRSHIDX1"

const idxHeader = 8 + 8 + 8 + 4

// encodeIndex returns the index file contents for a segment.
func encodeIndex(base uint64, size int64, pts []indexPoint) []byte {
	b := make([]byte, 0, idxHeader+24*len(pts)+4)
	b = append(b, idxMagic...)
	b = le.AppendUint64(b, base)
	b = le.AppendUint64(b, uint64(size))
	b = le.AppendUint32(b, uint32(len(pts)))
	for _, p := range pts {
		b = le.AppendUint64(b, p.off)
		b = le.AppendUint64(b, uint64(p.pos))
		b = le.AppendUint64(b, uint64(p.arrival))
	}
	return le.AppendUint32(b, checksum(b))
}

// decodeIndex parses and validates index file contents for the segment of
// base whose file holds fileSize bytes. ok is false for anything but an
// intact index consistent with that segment; the caller then scans.
func decodeIndex(b []byte, base uint64, fileSize int64) (pts []indexPoint, size int64, ok bool) {
	if len(b) < idxHeader+4 || string(b[:8]) != idxMagic {
		return nil, 0, false
	}
	if checksum(b[:len(b)-4]) != le.Uint32(b[len(b)-4:]) {
		return nil, 0, false
	}
	count := int(le.Uint32(b[24:]))
	if le.Uint64(b[8:]) != base || len(b) != idxHeader+24*count+4 {
		return nil, 0, false
	}
	size = int64(le.Uint64(b[16:]))
	if size < 0 || size > fileSize || (count == 0) != (size == 0) {
		return nil, 0, false
	}
	pts = make([]indexPoint, count)
	for i := range pts {
		q := b[idxHeader+24*i:]
		p := indexPoint{off: le.Uint64(q), pos: int64(le.Uint64(q[8:])), arrival: int64(le.Uint64(q[16:]))}
		if i == 0 && (p.off != base || p.pos != 0) {
			return nil, 0, false
		}
		if i > 0 {
			prev := pts[i-1]
			if p.off <= prev.off || p.pos <= prev.pos || p.arrival < prev.arrival {
				return nil, 0, false
			}
			// Every frame takes at least frameOverhead bytes.
			if p.off-prev.off > uint64(p.pos-prev.pos)/frameOverhead {
				return nil, 0, false
			}
		}
		if p.pos >= size {
			return nil, 0, false
		}
		pts[i] = p
	}
	return pts, size, true
}

// readIndex loads the index file of a segment, if there is a valid one.
func readIndex(path string, base uint64, fileSize int64) ([]indexPoint, int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, false
	}
	return decodeIndex(b, base, fileSize)
}

// writeIndex replaces the index file at path atomically (write a temporary
// file, sync it, rename). It does not sync the directory: an index lost in
// a crash is rebuilt by the next Open.
func writeIndex(path string, base uint64, size int64, pts []indexPoint, sync func(*os.File) error) error {
	tmp := path + tmpSuffix
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("write index %s: %w", path, err)
	}
	_, err = f.Write(encodeIndex(base, size, pts))
	if err == nil {
		err = sync(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp) // best effort; Open removes leftovers too
		return fmt.Errorf("write index %s: %w", path, err)
	}
	return nil
}
