package agg

import (
	"fmt"
	"math"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

var (
	tInt    = arrow.PrimitiveTypes.Int64
	tFloat  = arrow.PrimitiveTypes.Float64
	tString = arrow.BinaryTypes.String
	tBool   = arrow.FixedWidthTypes.Boolean
	tTime   = arrow.FixedWidthTypes.Timestamp_ms
)

// column builds an array of type dt from vals; nil is NULL. Numbers may be
// given as int or float64, timestamps as int (milliseconds).
func column(t testing.TB, mem memory.Allocator, dt arrow.DataType, vals ...any) arrow.Array {
	t.Helper()
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	for _, v := range vals {
		if v == nil {
			b.AppendNull()
			continue
		}
		switch b := b.(type) {
		case *array.Int64Builder:
			b.Append(int64(v.(int)))
		case *array.TimestampBuilder:
			b.Append(arrow.Timestamp(v.(int)))
		case *array.Float64Builder:
			switch x := v.(type) {
			case int:
				b.Append(float64(x))
			default:
				b.Append(x.(float64))
			}
		case *array.StringBuilder:
			b.Append(v.(string))
		case *array.BooleanBuilder:
			b.Append(v.(bool))
		default:
			t.Fatalf("column: no builder for %s", dt)
		}
	}
	return b.NewArray()
}

// values is the Go values of arr: int64 for BIGINT and TIMESTAMP, float64,
// string, bool, and nil for NULL.
func values(t testing.TB, arr arrow.Array) []any {
	t.Helper()
	out := make([]any, arr.Len())
	for i := range out {
		if arr.IsNull(i) {
			continue
		}
		switch a := arr.(type) {
		case *array.Int64:
			out[i] = a.Value(i)
		case *array.Timestamp:
			out[i] = int64(a.Value(i))
		case *array.Float64:
			out[i] = a.Value(i)
		case *array.String:
			out[i] = a.Value(i)
		case *array.Boolean:
			out[i] = a.Value(i)
		default:
			t.Fatalf("values: type %s", arr.DataType())
		}
	}
	return out
}

// same compares result values with expected ones: ints given as int match
// int64, floats match within a relative 1e-9 (NaN matches NaN).
func same(got, want any) bool {
	switch w := want.(type) {
	case int:
		return got == int64(w)
	case float64:
		g, ok := got.(float64)
		if !ok {
			return false
		}
		if math.IsNaN(w) || math.IsNaN(g) {
			return math.IsNaN(w) && math.IsNaN(g)
		}
		return g == w || math.Abs(g-w) <= 1e-9*math.Max(math.Abs(g), math.Abs(w))
	}
	return got == want
}

func sameList(got, want []any) error {
	if len(got) != len(want) {
		return fmt.Errorf("got %d values %v, want %d %v", len(got), got, len(want), want)
	}
	for i := range got {
		if !same(got[i], want[i]) {
			return fmt.Errorf("value %d: got %v (%T), want %v (%T); all: %v", i, got[i], got[i], want[i], want[i], got)
		}
	}
	return nil
}

func releaseAll(arrs []arrow.Array) {
	for _, a := range arrs {
		if a != nil {
			a.Release()
		}
	}
}

// slotsUpTo is 0, 1, …, n-1.
func slotsUpTo(n int) []uint32 {
	s := make([]uint32, n)
	for i := range s {
		s[i] = uint32(i)
	}
	return s
}

// results returns the Go values of every aggregate for slots.
func results(t testing.TB, a *Accumulators, slots []uint32) [][]any {
	t.Helper()
	arrs, err := a.Results(slots)
	if err != nil {
		t.Fatal(err)
	}
	defer releaseAll(arrs)
	out := make([][]any, len(arrs))
	for i, arr := range arrs {
		if !arrow.TypeEqual(arr.DataType(), a.ResultTypes()[i]) {
			t.Fatalf("result %d has type %s, want %s", i, arr.DataType(), a.ResultTypes()[i])
		}
		out[i] = values(t, arr)
	}
	return out
}
