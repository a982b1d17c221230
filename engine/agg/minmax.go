package agg

import (
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// better reports whether v beats cur for MAX (isMax) or MIN. NaN is larger
// than every other DOUBLE, as in PostgreSQL; for int64 the NaN tests fold
// away.
func better[T number](v, cur T, isMax bool) bool {
	if isMax {
		return v > cur || (v != v && cur == cur)
	}
	return v < cur || (cur != cur && v == v)
}

var (
	_ accumulator = (*minMaxNum[int64])(nil)
	_ accumulator = (*minMaxString)(nil)
	_ accumulator = (*minMaxBool)(nil)
)

// minMaxNum is MIN and MAX of BIGINT, TIMESTAMP and DOUBLE.
type minMaxNum[T number] struct {
	isMax bool
	dt    arrow.DataType
	vals  []T
	has   bitset
}

func (a *minMaxNum[T]) grow(n int) { a.vals, a.has = growSlice(a.vals, n), growBits(a.has, n) }

func (a *minMaxNum[T]) update(slots []uint32, arg arrow.Array, _ []int64, rows []int32) {
	vals, v := numValues[T](arg), validityOf(arg)
	for i, s := range slots {
		r := rows[i]
		if v.null(r) {
			continue
		}
		if x := vals[r]; !a.has.get(s) || better(x, a.vals[s], a.isMax) {
			a.vals[s] = x
			a.has.set(s)
		}
	}
}

func (a *minMaxNum[T]) merge(dst, src uint32) {
	if a.has.get(src) && (!a.has.get(dst) || better(a.vals[src], a.vals[dst], a.isMax)) {
		a.vals[dst] = a.vals[src]
		a.has.set(dst)
	}
	a.reset(src)
}

func (a *minMaxNum[T]) reset(slot uint32) { a.vals[slot] = 0; a.has.unset(slot) }

func (a *minMaxNum[T]) result(mem memory.Allocator, slots []uint32) arrow.Array {
	vals := make([]T, len(slots))
	valid := validList{}
	for i, s := range slots {
		vals[i] = a.vals[s]
		valid.add(a.has.get(s))
	}
	return newNumArray(mem, a.dt, vals, valid.v)
}

func (a *minMaxNum[T]) encode(e *encoder, slot uint32) {
	e.bool(a.has.get(slot))
	if a.has.get(slot) {
		encNum(e, a.vals[slot])
	}
}

func (a *minMaxNum[T]) decode(d *decoder, slot uint32) {
	if d.bool() {
		a.vals[slot] = decNum[T](d)
		a.has.set(slot)
	}
}

func (a *minMaxNum[T]) bytes() int64 { return int64(cap(a.vals))*8 + a.has.bytes() }

// minMaxString is MIN and MAX of VARCHAR, by byte order. A slot holds a
// copy of its value.
type minMaxString struct {
	isMax bool
	vals  []string
	has   bitset
	size  int64 // bytes of the strings held
}

func (a *minMaxString) grow(n int) { a.vals, a.has = growSlice(a.vals, n), growBits(a.has, n) }

func (a *minMaxString) beats(x, cur string) bool {
	if a.isMax {
		return x > cur
	}
	return x < cur
}

func (a *minMaxString) set(slot uint32, x string) {
	a.size += int64(len(x) - len(a.vals[slot]))
	a.vals[slot] = x
	a.has.set(slot)
}

func (a *minMaxString) update(slots []uint32, arg arrow.Array, _ []int64, rows []int32) {
	str, v := arg.(*array.String), validityOf(arg)
	for i, s := range slots {
		r := rows[i]
		if v.null(r) {
			continue
		}
		if x := str.Value(int(r)); !a.has.get(s) || a.beats(x, a.vals[s]) {
			a.set(s, strings.Clone(x))
		}
	}
}

func (a *minMaxString) merge(dst, src uint32) {
	if a.has.get(src) && (!a.has.get(dst) || a.beats(a.vals[src], a.vals[dst])) {
		a.set(dst, a.vals[src])
	}
	a.reset(src)
}

func (a *minMaxString) reset(slot uint32) {
	a.size -= int64(len(a.vals[slot]))
	a.vals[slot] = ""
	a.has.unset(slot)
}

func (a *minMaxString) result(mem memory.Allocator, slots []uint32) arrow.Array {
	vals := make([]string, len(slots))
	valid := validList{}
	for i, s := range slots {
		vals[i] = a.vals[s]
		valid.add(a.has.get(s))
	}
	return newStringArray(mem, vals, valid.v)
}

func (a *minMaxString) encode(e *encoder, slot uint32) {
	e.bool(a.has.get(slot))
	if a.has.get(slot) {
		e.str(a.vals[slot])
	}
}

func (a *minMaxString) decode(d *decoder, slot uint32) {
	if d.bool() {
		a.set(slot, d.str())
	}
}

func (a *minMaxString) bytes() int64 { return int64(cap(a.vals))*16 + a.has.bytes() + a.size }

// minMaxBool is MIN (every value true) and MAX (any value true) of BOOLEAN.
type minMaxBool struct {
	isMax bool
	vals  bitset
	has   bitset
}

func (a *minMaxBool) grow(n int) { a.vals, a.has = growBits(a.vals, n), growBits(a.has, n) }

func (a *minMaxBool) update(slots []uint32, arg arrow.Array, _ []int64, rows []int32) {
	b, v := arg.(*array.Boolean), validityOf(arg)
	for i, s := range slots {
		r := rows[i]
		if v.null(r) {
			continue
		}
		a.fold(s, b.Value(int(r)))
	}
}

func (a *minMaxBool) fold(slot uint32, x bool) {
	switch {
	case !a.has.get(slot):
		a.vals.put(slot, x)
		a.has.set(slot)
	case a.isMax && x:
		a.vals.set(slot)
	case !a.isMax && !x:
		a.vals.unset(slot)
	}
}

func (a *minMaxBool) merge(dst, src uint32) {
	if a.has.get(src) {
		a.fold(dst, a.vals.get(src))
	}
	a.reset(src)
}

func (a *minMaxBool) reset(slot uint32) { a.vals.unset(slot); a.has.unset(slot) }

func (a *minMaxBool) result(mem memory.Allocator, slots []uint32) arrow.Array {
	vals := make([]bool, len(slots))
	valid := validList{}
	for i, s := range slots {
		vals[i] = a.vals.get(s)
		valid.add(a.has.get(s))
	}
	return newBoolArray(mem, vals, valid.v)
}

func (a *minMaxBool) encode(e *encoder, slot uint32) {
	switch {
	case !a.has.get(slot):
		e.u8(0)
	case a.vals.get(slot):
		e.u8(2)
	default:
		e.u8(1)
	}
}

func (a *minMaxBool) decode(d *decoder, slot uint32) {
	switch x := d.u8(); x {
	case 0:
	case 1, 2:
		a.fold(slot, x == 2)
	default:
		d.fail("bad boolean state %d", x)
	}
}

func (a *minMaxBool) bytes() int64 { return a.vals.bytes() + a.has.bytes() }
