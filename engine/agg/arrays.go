package agg

import (
	"fmt"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// kind is the physical kind of a key or argument column.
type kind uint8

const (
	kindInvalid kind = iota
	kindBool
	kindInt   // int64
	kindTime  // timestamp, held as int64 in its unit
	kindFloat // float64
	kindString
	kindNull // the type of the untyped NULL literal
)

// kindOf classifies dt; kindInvalid for types this package does not hold.
func kindOf(dt arrow.DataType) kind {
	if dt == nil {
		return kindInvalid
	}
	switch dt.ID() {
	case arrow.BOOL:
		return kindBool
	case arrow.INT64:
		return kindInt
	case arrow.TIMESTAMP:
		return kindTime
	case arrow.FLOAT64:
		return kindFloat
	case arrow.STRING:
		return kindString
	case arrow.NULL:
		return kindNull
	}
	return kindInvalid
}

// int64Values is the values of an Int64 or Timestamp array (without the
// array's offset applied twice: index it by row).
func int64Values(arr arrow.Array) []int64 {
	switch a := arr.(type) {
	case *array.Int64:
		return a.Int64Values()
	case *array.Timestamp:
		v := a.TimestampValues()
		return unsafe.Slice((*int64)(unsafe.SliceData(v)), len(v))
	}
	return nil
}

// validity is the validity bitmap of an array and its offset; bm is nil when
// the array has no nulls.
type validity struct {
	bm  []byte
	off int
}

func validityOf(arr arrow.Array) validity {
	if arr.NullN() == 0 {
		return validity{}
	}
	return validity{bm: arr.NullBitmapBytes(), off: arr.Data().Offset()}
}

// null reports whether row is NULL.
func (v validity) null(row int32) bool {
	if v.bm == nil {
		return false
	}
	i := v.off + int(row)
	return v.bm[i>>3]&(1<<(i&7)) == 0
}

// checkType fails unless arr has type want.
func checkType(arr arrow.Array, want arrow.DataType) error {
	if !arrow.TypeEqual(arr.DataType(), want) {
		return fmt.Errorf("array of type %s, want %s", arr.DataType(), want)
	}
	return nil
}

// The builders below make result and key arrays; valid may be nil when no
// value is NULL.

func newInt64Array(mem memory.Allocator, dt arrow.DataType, vals []int64, valid []bool) arrow.Array {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.AppendValues(vals, valid)
	arr := b.NewInt64Array()
	if dt.ID() == arrow.INT64 {
		return arr
	}
	// A timestamp: the same buffers under the timestamp type.
	defer arr.Release()
	data := array.NewData(dt, arr.Len(), arr.Data().Buffers(), nil, arr.NullN(), 0)
	defer data.Release()
	return array.MakeFromData(data)
}

func newFloat64Array(mem memory.Allocator, vals []float64, valid []bool) arrow.Array {
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	b.AppendValues(vals, valid)
	return b.NewArray()
}

func newBoolArray(mem memory.Allocator, vals []bool, valid []bool) arrow.Array {
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	b.AppendValues(vals, valid)
	return b.NewArray()
}

func newStringArray(mem memory.Allocator, vals []string, valid []bool) arrow.Array {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.AppendValues(vals, valid)
	return b.NewArray()
}

// validList is a []bool of validity that stays nil while every value is
// valid.
type validList struct {
	v []bool
	n int
}

// add records the validity of the next value.
func (l *validList) add(ok bool) {
	if !ok && l.v == nil {
		l.v = make([]bool, l.n, l.n+1)
		for i := range l.v {
			l.v[i] = true
		}
	}
	if l.v != nil {
		l.v = append(l.v, ok)
	}
	l.n++
}
