package agg

import (
	"math"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// number is the physical type of a numeric argument: BIGINT and TIMESTAMP
// as int64, DOUBLE as float64.
type number interface{ int64 | float64 }

// numValues is the values of arr, an Int64, Timestamp or Float64 array,
// indexed by row.
func numValues[T number](arr arrow.Array) []T {
	var z T
	if _, ok := any(z).(int64); ok {
		return any(int64Values(arr)).([]T)
	}
	return any(arr.(*array.Float64).Float64Values()).([]T)
}

func newNumArray[T number](mem memory.Allocator, dt arrow.DataType, vals []T, valid []bool) arrow.Array {
	switch v := any(vals).(type) {
	case []int64:
		return newInt64Array(mem, dt, v, valid)
	default:
		return newFloat64Array(mem, any(vals).([]float64), valid)
	}
}

// encNum writes an int64 as a zig-zag varint and a float64 in 8 bytes.
func encNum[T number](e *encoder, v T) {
	switch x := any(v).(type) {
	case int64:
		e.varint(x)
	case float64:
		e.f64(x)
	}
}

func decNum[T number](d *decoder) T {
	var z T
	if _, ok := any(z).(int64); ok {
		return T(d.varint())
	}
	return T(d.f64())
}

var (
	_ accumulator = (*countAcc)(nil)
	_ accumulator = (*sumAcc[int64])(nil)
	_ accumulator = (*avgAcc[float64])(nil)
	_ accumulator = (*stddevAcc[float64])(nil)
)

// countAcc is COUNT(*) (star) and COUNT(x).
type countAcc struct {
	star bool
	n    []int64
}

func (c *countAcc) grow(n int) { c.n = growSlice(c.n, n) }

func (c *countAcc) update(slots []uint32, arg arrow.Array, _ []int64, rows []int32) {
	if !c.star && arg.DataType().ID() == arrow.NULL {
		return
	}
	var v validity
	if !c.star {
		v = validityOf(arg)
	}
	if v.bm == nil {
		for _, s := range slots {
			c.n[s]++
		}
		return
	}
	for i, s := range slots {
		if !v.null(rows[i]) {
			c.n[s]++
		}
	}
}

func (c *countAcc) merge(dst, src uint32) { c.n[dst] += c.n[src]; c.n[src] = 0 }
func (c *countAcc) reset(slot uint32)     { c.n[slot] = 0 }

func (c *countAcc) result(mem memory.Allocator, slots []uint32) arrow.Array {
	vals := make([]int64, len(slots))
	for i, s := range slots {
		vals[i] = c.n[s]
	}
	return newInt64Array(mem, int64Type, vals, nil)
}

func (c *countAcc) encode(e *encoder, slot uint32) { e.uvarint(uint64(c.n[slot])) }
func (c *countAcc) decode(d *decoder, slot uint32) { c.n[slot] = d.n64() }
func (c *countAcc) bytes() int64                   { return int64(cap(c.n)) * 8 }

// sumAcc is SUM. A BIGINT sum wraps around on overflow, as Go's int64
// arithmetic does.
type sumAcc[T number] struct {
	sum []T
	has bitset // slots that saw a non-NULL value
}

func (a *sumAcc[T]) grow(n int) { a.sum, a.has = growSlice(a.sum, n), growBits(a.has, n) }

func (a *sumAcc[T]) update(slots []uint32, arg arrow.Array, _ []int64, rows []int32) {
	vals, v := numValues[T](arg), validityOf(arg)
	if v.bm == nil {
		for i, s := range slots {
			a.sum[s] += vals[rows[i]]
			a.has.set(s)
		}
		return
	}
	for i, s := range slots {
		if r := rows[i]; !v.null(r) {
			a.sum[s] += vals[r]
			a.has.set(s)
		}
	}
}

func (a *sumAcc[T]) merge(dst, src uint32) {
	if a.has.get(src) {
		a.sum[dst] += a.sum[src]
		a.has.set(dst)
	}
	a.reset(src)
}

func (a *sumAcc[T]) reset(slot uint32) { a.sum[slot] = 0; a.has.unset(slot) }

func (a *sumAcc[T]) result(mem memory.Allocator, slots []uint32) arrow.Array {
	vals := make([]T, len(slots))
	valid := validList{}
	for i, s := range slots {
		vals[i] = a.sum[s]
		valid.add(a.has.get(s))
	}
	var dt arrow.DataType = float64Type
	if _, ok := any(vals).([]int64); ok {
		dt = int64Type
	}
	return newNumArray(mem, dt, vals, valid.v)
}

func (a *sumAcc[T]) encode(e *encoder, slot uint32) {
	e.bool(a.has.get(slot))
	if a.has.get(slot) {
		encNum(e, a.sum[slot])
	}
}

func (a *sumAcc[T]) decode(d *decoder, slot uint32) {
	if d.bool() {
		a.sum[slot] = decNum[T](d)
		a.has.set(slot)
	}
}

func (a *sumAcc[T]) bytes() int64 { return int64(cap(a.sum))*8 + a.has.bytes() }

// avgAcc is AVG: a DOUBLE sum and a count.
type avgAcc[T number] struct {
	sum []float64
	n   []int64
}

func (a *avgAcc[T]) grow(n int) { a.sum, a.n = growSlice(a.sum, n), growSlice(a.n, n) }

func (a *avgAcc[T]) update(slots []uint32, arg arrow.Array, _ []int64, rows []int32) {
	vals, v := numValues[T](arg), validityOf(arg)
	if v.bm == nil {
		for i, s := range slots {
			a.sum[s] += float64(vals[rows[i]])
			a.n[s]++
		}
		return
	}
	for i, s := range slots {
		if r := rows[i]; !v.null(r) {
			a.sum[s] += float64(vals[r])
			a.n[s]++
		}
	}
}

func (a *avgAcc[T]) merge(dst, src uint32) {
	a.sum[dst] += a.sum[src]
	a.n[dst] += a.n[src]
	a.reset(src)
}

func (a *avgAcc[T]) reset(slot uint32) { a.sum[slot], a.n[slot] = 0, 0 }

func (a *avgAcc[T]) result(mem memory.Allocator, slots []uint32) arrow.Array {
	vals := make([]float64, len(slots))
	valid := validList{}
	for i, s := range slots {
		if a.n[s] > 0 {
			vals[i] = a.sum[s] / float64(a.n[s])
		}
		valid.add(a.n[s] > 0)
	}
	return newFloat64Array(mem, vals, valid.v)
}

func (a *avgAcc[T]) encode(e *encoder, slot uint32) {
	e.uvarint(uint64(a.n[slot]))
	if a.n[slot] > 0 {
		e.f64(a.sum[slot])
	}
}

func (a *avgAcc[T]) decode(d *decoder, slot uint32) {
	if a.n[slot] = d.n64(); a.n[slot] > 0 {
		a.sum[slot] = d.f64()
	}
}

func (a *avgAcc[T]) bytes() int64 { return int64(cap(a.sum))*8 + int64(cap(a.n))*8 }

// stddevAcc is STDDEV (sample) and STDDEV_POP, by Welford's algorithm:
// per slot the count, the mean and the sum of squared differences from the
// mean (m2); slots merge by Chan et al.'s formula.
type stddevAcc[T number] struct {
	pop      bool
	n        []int64
	mean, m2 []float64
}

func (a *stddevAcc[T]) grow(n int) {
	a.n, a.mean, a.m2 = growSlice(a.n, n), growSlice(a.mean, n), growSlice(a.m2, n)
}

func (a *stddevAcc[T]) update(slots []uint32, arg arrow.Array, _ []int64, rows []int32) {
	vals, v := numValues[T](arg), validityOf(arg)
	for i, s := range slots {
		r := rows[i]
		if v.null(r) {
			continue
		}
		x := float64(vals[r])
		a.n[s]++
		d := x - a.mean[s]
		a.mean[s] += d / float64(a.n[s])
		a.m2[s] += d * (x - a.mean[s])
	}
}

func (a *stddevAcc[T]) merge(dst, src uint32) {
	na, nb := a.n[dst], a.n[src]
	switch {
	case nb == 0:
	case na == 0:
		a.n[dst], a.mean[dst], a.m2[dst] = nb, a.mean[src], a.m2[src]
	default:
		n := float64(na + nb)
		d := a.mean[src] - a.mean[dst]
		a.mean[dst] += d * float64(nb) / n
		a.m2[dst] += a.m2[src] + d*d*float64(na)*float64(nb)/n
		a.n[dst] = na + nb
	}
	a.reset(src)
}

func (a *stddevAcc[T]) reset(slot uint32) { a.n[slot], a.mean[slot], a.m2[slot] = 0, 0, 0 }

func (a *stddevAcc[T]) result(mem memory.Allocator, slots []uint32) arrow.Array {
	vals := make([]float64, len(slots))
	valid := validList{}
	for i, s := range slots {
		div := a.n[s] - 1 // sample
		if a.pop {
			div = a.n[s]
		}
		if div > 0 {
			vals[i] = math.Sqrt(max(a.m2[s], 0) / float64(div))
		}
		valid.add(div > 0)
	}
	return newFloat64Array(mem, vals, valid.v)
}

func (a *stddevAcc[T]) encode(e *encoder, slot uint32) {
	e.uvarint(uint64(a.n[slot]))
	if a.n[slot] > 0 {
		e.f64(a.mean[slot])
		e.f64(a.m2[slot])
	}
}

func (a *stddevAcc[T]) decode(d *decoder, slot uint32) {
	if a.n[slot] = d.n64(); a.n[slot] > 0 {
		a.mean[slot], a.m2[slot] = d.f64(), d.f64()
	}
}

func (a *stddevAcc[T]) bytes() int64 { return int64(cap(a.n)+cap(a.mean)+cap(a.m2)) * 8 }
