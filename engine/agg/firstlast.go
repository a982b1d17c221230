package agg

import (
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

var (
	_ accumulator = (*firstLastAcc)(nil)
	_ cells       = (*numCells[int64])(nil)
	_ cells       = (*stringCells)(nil)
	_ cells       = (*boolCells)(nil)
)

// firstLastAcc is FIRST (the non-NULL value with the earliest event time;
// of equal times the first seen) and LAST (the latest; of equal times the
// last seen). Without event times every row ties, so FIRST and LAST are the
// first and last seen.
type firstLastAcc struct {
	last  bool
	dt    arrow.DataType
	times []int64
	has   bitset
	vals  cells
}

func newFirstLast(last bool, dt arrow.DataType) *firstLastAcc {
	a := &firstLastAcc{last: last, dt: dt}
	switch kindOf(dt) {
	case kindInt, kindTime:
		a.vals = &numCells[int64]{}
	case kindFloat:
		a.vals = &numCells[float64]{}
	case kindString:
		a.vals = &stringCells{}
	default:
		a.vals = &boolCells{}
	}
	return a
}

// takes reports whether a value at time t replaces one at time cur.
func (a *firstLastAcc) takes(t, cur int64) bool {
	if a.last {
		return t >= cur
	}
	return t < cur
}

func (a *firstLastAcc) grow(n int) {
	a.times, a.has = growSlice(a.times, n), growBits(a.has, n)
	a.vals.grow(n)
}

func (a *firstLastAcc) update(slots []uint32, arg arrow.Array, times []int64, rows []int32) {
	v := validityOf(arg)
	a.vals.bind(arg)
	defer a.vals.bind(nil)
	for i, s := range slots {
		r := rows[i]
		if v.null(r) {
			continue
		}
		t := int64(0)
		if times != nil {
			t = times[r]
		}
		if !a.has.get(s) || a.takes(t, a.times[s]) {
			a.times[s] = t
			a.has.set(s)
			a.vals.take(s, r)
		}
	}
}

func (a *firstLastAcc) merge(dst, src uint32) {
	if a.has.get(src) && (!a.has.get(dst) || (a.takes(a.times[src], a.times[dst]) && a.times[src] != a.times[dst])) {
		a.times[dst] = a.times[src]
		a.has.set(dst)
		a.vals.move(dst, src)
	}
	a.reset(src)
}

// mergeAfter is LAST's merge of a src whose rows came after dst's: of
// equal times src's value is the later seen.
func (a *firstLastAcc) mergeAfter(dst, src uint32) {
	if a.has.get(src) && (!a.has.get(dst) || a.times[src] >= a.times[dst]) {
		a.times[dst] = a.times[src]
		a.has.set(dst)
		a.vals.move(dst, src)
	}
	a.reset(src)
}

func (a *firstLastAcc) reset(slot uint32) {
	a.times[slot] = 0
	a.has.unset(slot)
	a.vals.clear(slot)
}

func (a *firstLastAcc) result(mem memory.Allocator, slots []uint32) arrow.Array {
	valid := validList{}
	for _, s := range slots {
		valid.add(a.has.get(s))
	}
	return a.vals.build(mem, a.dt, slots, valid.v)
}

func (a *firstLastAcc) encode(e *encoder, slot uint32) {
	e.bool(a.has.get(slot))
	if a.has.get(slot) {
		e.varint(a.times[slot])
		a.vals.encode(e, slot)
	}
}

func (a *firstLastAcc) decode(d *decoder, slot uint32) {
	if d.bool() {
		a.times[slot] = d.varint()
		a.has.set(slot)
		a.vals.decode(d, slot)
	}
}

func (a *firstLastAcc) bytes() int64 {
	return int64(cap(a.times))*8 + a.has.bytes() + a.vals.bytes()
}

// cells holds one value per slot, of one type.
type cells interface {
	grow(n int)
	// bind makes arr (nil: none) the batch take reads.
	bind(arr arrow.Array)
	take(slot uint32, row int32)
	move(dst, src uint32)
	clear(slot uint32)
	build(mem memory.Allocator, dt arrow.DataType, slots []uint32, valid []bool) arrow.Array
	encode(e *encoder, slot uint32)
	decode(d *decoder, slot uint32)
	bytes() int64
}

type numCells[T number] struct {
	vals []T
	cur  []T
}

func (c *numCells[T]) grow(n int) { c.vals = growSlice(c.vals, n) }

func (c *numCells[T]) bind(arr arrow.Array) {
	c.cur = nil
	if arr != nil {
		c.cur = numValues[T](arr)
	}
}

func (c *numCells[T]) take(slot uint32, row int32) { c.vals[slot] = c.cur[row] }
func (c *numCells[T]) move(dst, src uint32)        { c.vals[dst] = c.vals[src] }
func (c *numCells[T]) clear(slot uint32)           { c.vals[slot] = 0 }

func (c *numCells[T]) build(mem memory.Allocator, dt arrow.DataType, slots []uint32, valid []bool) arrow.Array {
	vals := make([]T, len(slots))
	for i, s := range slots {
		vals[i] = c.vals[s]
	}
	return newNumArray(mem, dt, vals, valid)
}

func (c *numCells[T]) encode(e *encoder, slot uint32) { encNum(e, c.vals[slot]) }
func (c *numCells[T]) decode(d *decoder, slot uint32) { c.vals[slot] = decNum[T](d) }
func (c *numCells[T]) bytes() int64                   { return int64(cap(c.vals)) * 8 }

type stringCells struct {
	vals []string
	size int64
	cur  *array.String
}

func (c *stringCells) grow(n int) { c.vals = growSlice(c.vals, n) }

func (c *stringCells) bind(arr arrow.Array) {
	c.cur = nil
	if arr != nil {
		c.cur = arr.(*array.String)
	}
}

func (c *stringCells) set(slot uint32, s string) {
	c.size += int64(len(s) - len(c.vals[slot]))
	c.vals[slot] = s
}

func (c *stringCells) take(slot uint32, row int32) {
	c.set(slot, strings.Clone(c.cur.Value(int(row))))
}

func (c *stringCells) move(dst, src uint32) { c.set(dst, c.vals[src]) }
func (c *stringCells) clear(slot uint32)    { c.set(slot, "") }

func (c *stringCells) build(mem memory.Allocator, _ arrow.DataType, slots []uint32, valid []bool) arrow.Array {
	vals := make([]string, len(slots))
	for i, s := range slots {
		vals[i] = c.vals[s]
	}
	return newStringArray(mem, vals, valid)
}

func (c *stringCells) encode(e *encoder, slot uint32) { e.str(c.vals[slot]) }
func (c *stringCells) decode(d *decoder, slot uint32) { c.set(slot, d.str()) }
func (c *stringCells) bytes() int64                   { return int64(cap(c.vals))*16 + c.size }

type boolCells struct {
	vals bitset
	cur  *array.Boolean
}

func (c *boolCells) grow(n int) { c.vals = growBits(c.vals, n) }

func (c *boolCells) bind(arr arrow.Array) {
	c.cur = nil
	if arr != nil {
		c.cur = arr.(*array.Boolean)
	}
}

func (c *boolCells) take(slot uint32, row int32) { c.vals.put(slot, c.cur.Value(int(row))) }
func (c *boolCells) move(dst, src uint32)        { c.vals.put(dst, c.vals.get(src)) }
func (c *boolCells) clear(slot uint32)           { c.vals.unset(slot) }

func (c *boolCells) build(mem memory.Allocator, _ arrow.DataType, slots []uint32, valid []bool) arrow.Array {
	vals := make([]bool, len(slots))
	for i, s := range slots {
		vals[i] = c.vals.get(s)
	}
	return newBoolArray(mem, vals, valid)
}

func (c *boolCells) encode(e *encoder, slot uint32) { e.bool(c.vals.get(slot)) }
func (c *boolCells) decode(d *decoder, slot uint32) { c.vals.put(slot, d.bool()) }
func (c *boolCells) bytes() int64                   { return c.vals.bytes() }
