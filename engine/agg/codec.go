package agg

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// ErrCorrupt is wrapped by the errors of UnmarshalSlots and
// KeyTable.UnmarshalBinary when the data is not an encoding they wrote.
var ErrCorrupt = errors.New("corrupt checkpoint data")

// encoder appends the checkpoint encoding: unsigned and zig-zag varints,
// little-endian IEEE 754 doubles, length-prefixed bytes.
type encoder struct{ buf []byte }

func (e *encoder) u8(v byte)        { e.buf = append(e.buf, v) }
func (e *encoder) bool(v bool)      { e.u8(b2u8(v)) }
func (e *encoder) uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *encoder) varint(v int64)   { e.buf = binary.AppendVarint(e.buf, v) }
func (e *encoder) u64(v uint64)     { e.buf = binary.LittleEndian.AppendUint64(e.buf, v) }
func (e *encoder) f64(v float64)    { e.u64(math.Float64bits(v)) }
func (e *encoder) raw(b []byte)     { e.buf = append(e.buf, b...) }
func (e *encoder) bytes(b []byte)   { e.uvarint(uint64(len(b))); e.raw(b) }
func (e *encoder) str(s string)     { e.uvarint(uint64(len(s))); e.buf = append(e.buf, s...) }

func b2u8(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// decoder reads what encoder wrote. The first error sticks: later reads
// return zero values, and err reports it, wrapping ErrCorrupt.
type decoder struct {
	buf []byte
	off int
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: at byte %d: %s", ErrCorrupt, d.off, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) remaining() int { return len(d.buf) - d.off }

func (d *decoder) u8() byte {
	if d.err != nil {
		return 0
	}
	if d.off >= len(d.buf) {
		d.fail("unexpected end of data")
		return 0
	}
	v := d.buf[d.off]
	d.off++
	return v
}

func (d *decoder) bool() bool {
	switch d.u8() {
	case 0:
		return false
	case 1:
		return true
	default:
		d.fail("bad boolean")
		return false
	}
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf[d.off:])
	if n <= 0 || n != uvarintLen(v) {
		d.fail("bad varint")
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.buf[d.off:])
	if n <= 0 || n != uvarintLen(uint64(v)<<1^uint64(v>>63)) {
		d.fail("bad varint")
		return 0
	}
	d.off += n
	return v
}

// uvarintLen is the length of the minimal encoding of v, the only one the
// decoder accepts.
func uvarintLen(v uint64) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}

// n64 reads a non-negative int64 written by encoder.n64.
func (d *decoder) n64() int64 {
	v := d.uvarint()
	if v > math.MaxInt64 {
		d.fail("count %d out of range", v)
		return 0
	}
	return int64(v)
}

func (d *decoder) u64() uint64 {
	if d.err != nil {
		return 0
	}
	if d.remaining() < 8 {
		d.fail("unexpected end of data")
		return 0
	}
	v := binary.LittleEndian.Uint64(d.buf[d.off:])
	d.off += 8
	return v
}

func (d *decoder) f64() float64 { return math.Float64frombits(d.u64()) }

// count reads a length of a list whose elements take at least minSize bytes
// each, and fails when the data cannot hold that many.
func (d *decoder) count(minSize int) int {
	v := d.uvarint()
	if d.err != nil {
		return 0
	}
	if minSize < 1 {
		minSize = 1
	}
	if v > uint64(d.remaining()/minSize) {
		d.fail("list of %d elements longer than the data", v)
		return 0
	}
	return int(v)
}

// bytes reads length-prefixed bytes; the result aliases the data.
func (d *decoder) bytes() []byte {
	n := d.count(1)
	if d.err != nil {
		return nil
	}
	b := d.buf[d.off : d.off+n : d.off+n]
	d.off += n
	return b
}

func (d *decoder) str() string { return string(d.bytes()) }

func (d *decoder) raw(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > d.remaining() {
		d.fail("unexpected end of data")
		return nil
	}
	b := d.buf[d.off : d.off+n]
	d.off += n
	return b
}

func (d *decoder) header(m [4]byte, what string) {
	h := d.raw(4)
	if d.err == nil && [4]byte(h) != m {
		d.fail("not a %s checkpoint (header %q, version %d)", what, h[:3], h[3])
	}
}

// end fails unless all data was read.
func (d *decoder) end() {
	if d.err == nil && d.off != len(d.buf) {
		d.fail("%d bytes of trailing data", len(d.buf)-d.off)
	}
}
