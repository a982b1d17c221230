package eval

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// This file reads the raw buffers of input arrays and builds output arrays
// from buffers it fills directly: the kernels loop over plain slices and
// bitmaps, never over per-row accessors.

// word is the element type of the 8-byte fixed-width arrays the kernels
// compute on: BIGINT, DOUBLE, and TIMESTAMP and INTERVAL as int64.
type word interface{ int64 | float64 }

// castBytes views b as a slice of T (no copy).
func castBytes[T word | int32](b []byte) []T {
	var z T
	size := int(unsafe.Sizeof(z))
	if len(b) < size {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/size)
}

// values returns the values of an 8-byte fixed-width array (Int64, Float64,
// Timestamp, Duration) as a slice of T, without copying.
func values[T word](arr arrow.Array) []T {
	d := arr.Data()
	b := d.Buffers()[1]
	if b == nil || d.Len() == 0 {
		return nil
	}
	return castBytes[T](b.Bytes())[d.Offset() : d.Offset()+d.Len()]
}

// validBits returns arr's validity bitmap and the bit offset of its first
// row, or nil when no value is NULL.
func validBits(arr arrow.Array) ([]byte, int) {
	if arr.NullN() == 0 {
		return nil, 0
	}
	return arr.NullBitmapBytes(), arr.Data().Offset()
}

// boolBits returns the value bitmap of a Boolean array and the bit offset of
// its first row.
func boolBits(arr arrow.Array) ([]byte, int) {
	d := arr.Data()
	b := d.Buffers()[1]
	if b == nil {
		return nil, 0
	}
	return b.Bytes(), d.Offset()
}

// aligned returns n bits of bits starting at bit off as a slice starting at
// bit 0: a subslice when off is a multiple of 8, else a copy.
func aligned(bits []byte, off, n int) []byte {
	if off%8 == 0 {
		return bits[off/8:]
	}
	out := make([]byte, bitutil.BytesForBits(int64(n)))
	bitutil.CopyBitmap(bits, off, n, out, 0)
	return out
}

// strData returns the offsets (n+1 entries) and the data buffer of a String
// array: value i is data[offs[i]:offs[i+1]].
func strData(arr arrow.Array) (offs []int32, data []byte) {
	if arr.Len() == 0 {
		return []int32{0}, nil
	}
	offs = arr.(*array.String).ValueOffsets()
	if b := arr.Data().Buffers()[2]; b != nil {
		data = b.Bytes()
	}
	return offs, data
}

// newBits allocates a bitmap of n bits, all set or all clear.
func newBits(mem memory.Allocator, n int, set bool) (*memory.Buffer, []byte) {
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(n))))
	bits := buf.Bytes()
	fill := byte(0)
	if set {
		fill = 0xff
	}
	for i := range bits {
		bits[i] = fill
	}
	return buf, bits
}

// newValues allocates a values buffer of n elements of T (not cleared).
func newValues[T word](mem memory.Allocator, n int) (*memory.Buffer, []T) {
	var z T
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(n * int(unsafe.Sizeof(z)))
	if n == 0 {
		return buf, nil
	}
	return buf, castBytes[T](buf.Bytes())[:n]
}

// makeArray wraps buffers into an array of type dt and n rows with nulls
// NULLs, taking over the caller's references to the buffers (nil buffers
// are allowed: no validity bitmap).
func makeArray(dt arrow.DataType, n, nulls int, bufs ...*memory.Buffer) arrow.Array {
	data := array.NewData(dt, n, bufs, nil, nulls, 0)
	arr := array.MakeFromData(data)
	data.Release()
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	return arr
}

// sharedValidity returns the validity of values computed from inputs,
// which is valid where every input is: nil (no NULLs) when no input has
// NULLs, the bitmap of the only input with NULLs when it starts on a byte
// (shared, retained), else a new bitmap. The result must not be modified.
func sharedValidity(mem memory.Allocator, n int, inputs ...arrow.Array) (*memory.Buffer, int) {
	var only arrow.Array
	count := 0
	for _, in := range inputs {
		if in.NullN() > 0 {
			only = in
			count++
		}
	}
	switch {
	case count == 0:
		return nil, 0
	case count == 1 && only.Data().Offset()%8 == 0:
		d := only.Data()
		return memory.SliceBuffer(d.Buffers()[0], d.Offset()/8, int(bitutil.BytesForBits(int64(n)))), only.NullN()
	}
	buf, bits := ownValidity(mem, n, inputs...)
	return finishValidity(buf, bits, n)
}

// ownValidity returns a new, modifiable validity bitmap for values computed
// from inputs: set where every input is valid. Kernels clear more bits
// where a result is NULL (division by zero) and then call finishValidity.
func ownValidity(mem memory.Allocator, n int, inputs ...arrow.Array) (*memory.Buffer, []byte) {
	buf, bits := newBits(mem, n, true)
	for _, in := range inputs {
		if vb, off := validBits(in); vb != nil {
			andBits(bits, vb, off, n)
		}
	}
	return buf, bits
}

// andBits clears the bits of dst (from bit 0) that are clear in the n bits
// of src from bit off.
func andBits(dst, src []byte, off, n int) {
	src = aligned(src, off, n)
	nb := int(bitutil.BytesForBits(int64(n)))
	for i := 0; i < nb; i++ {
		dst[i] &= src[i]
	}
}

// finishValidity counts the NULLs of a validity bitmap of n bits; with none
// it releases the bitmap and returns nil.
func finishValidity(buf *memory.Buffer, bits []byte, n int) (*memory.Buffer, int) {
	nulls := n - bitutil.CountSetBits(bits, 0, n)
	if nulls == 0 {
		buf.Release()
		return nil, 0
	}
	return buf, nulls
}

// strOut builds a String array of n rows into buffers it grows as needed.
// Row i is finished by end(i) after appending its bytes; a NULL row
// appends nothing and is cleared in the validity bitmap the caller keeps.
type strOut struct {
	offBuf, dataBuf *memory.Buffer
	offs            []int32
	data            []byte
	size            int
}

// newStrOut starts a String array of n rows, reserving hint bytes of data.
func newStrOut(mem memory.Allocator, n, hint int) *strOut {
	o := &strOut{offBuf: memory.NewResizableBuffer(mem), dataBuf: memory.NewResizableBuffer(mem)}
	o.offBuf.Resize((n + 1) * 4)
	o.offs = castBytes[int32](o.offBuf.Bytes())[:n+1]
	o.offs[0] = 0
	if hint > 0 {
		o.dataBuf.Reserve(hint)
		o.data = o.dataBuf.Buf()
	}
	return o
}

// grow makes room for k more bytes.
func (o *strOut) grow(k int) {
	if o.size+k <= len(o.data) {
		return
	}
	o.dataBuf.Reserve(max(2*len(o.data), o.size+k, 64))
	o.data = o.dataBuf.Buf()
}

// add appends b to the current row.
func (o *strOut) add(b []byte) {
	o.grow(len(b))
	o.size += copy(o.data[o.size:], b)
}

// addString appends s to the current row.
func (o *strOut) addString(s string) {
	o.grow(len(s))
	o.size += copy(o.data[o.size:], s)
}

// addByte appends c to the current row.
func (o *strOut) addByte(c byte) {
	o.grow(1)
	o.data[o.size] = c
	o.size++
}

// end finishes row i.
func (o *strOut) end(i int) { o.offs[i+1] = int32(o.size) }

// finish returns the array, taking over validity (nil: no NULLs).
func (o *strOut) finish(n int, validity *memory.Buffer, nulls int) (arrow.Array, error) {
	if o.size > math.MaxInt32 {
		o.release()
		if validity != nil {
			validity.Release()
		}
		return nil, fmt.Errorf("string result of %d bytes exceeds the 2 GiB limit of a batch column", o.size)
	}
	o.dataBuf.Resize(o.size)
	return makeArray(arrow.BinaryTypes.String, n, nulls, validity, o.offBuf, o.dataBuf), nil
}

// release frees the buffers of an unfinished array.
func (o *strOut) release() {
	o.offBuf.Release()
	o.dataBuf.Release()
}
