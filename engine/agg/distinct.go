package agg

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

var _ accumulator = (*distinctAcc)(nil)

// distinctAcc is COUNT(DISTINCT x), SUM(DISTINCT x) and AVG(DISTINCT x):
// an exact set of the non-NULL values per slot, made when the slot sees its
// first value. Fixed-width values are held as 64 bits (DOUBLEs normalised,
// so -0 and 0 are one value and so are all NaNs), strings as Go strings.
// Sums add the values in ascending order, so that they do not depend on the
// order of arrival.
type distinctAcc struct {
	fn   string // count, sum or avg
	kind kind
	nums []*set64
	strs []map[string]struct{}
	size int64 // bytes of the strings held
}

func newDistinct(fn string, dt arrow.DataType) (accumulator, arrow.DataType, error) {
	a := &distinctAcc{fn: fn, kind: kindOf(dt)}
	switch {
	case fn == "count" && a.kind != kindInvalid && a.kind != kindNull:
		return a, int64Type, nil
	case fn == "sum" && a.kind == kindInt:
		return a, int64Type, nil
	case a.kind == kindInt || a.kind == kindFloat:
		return a, float64Type, nil
	}
	return nil, nil, fmt.Errorf("%w: %s(DISTINCT %v)", ErrUnsupported, fn, dt)
}

func (a *distinctAcc) grow(n int) {
	if a.kind == kindString {
		a.strs = growSlice(a.strs, n)
	} else {
		a.nums = growSlice(a.nums, n)
	}
}

// bitsOf returns the value of a row as a set holds it: the int64 or
// normalised float64 bits, or 0 or 1.
func bitsOf(k kind, arg arrow.Array) func(r int32) uint64 {
	switch k {
	case kindInt, kindTime:
		vals := int64Values(arg)
		return func(r int32) uint64 { return uint64(vals[r]) }
	case kindFloat:
		vals := arg.(*array.Float64).Float64Values()
		return func(r int32) uint64 { return floatBits(vals[r]) }
	default:
		b := arg.(*array.Boolean)
		return func(r int32) uint64 { return uint64(b2u8(b.Value(int(r)))) }
	}
}

func (a *distinctAcc) update(slots []uint32, arg arrow.Array, _ []int64, rows []int32) {
	v := validityOf(arg)
	if a.kind == kindString {
		str := arg.(*array.String)
		for i, s := range slots {
			if r := rows[i]; !v.null(r) {
				a.addString(s, str.Value(int(r)))
			}
		}
		return
	}
	get := bitsOf(a.kind, arg)
	for i, s := range slots {
		if r := rows[i]; !v.null(r) {
			a.set(s).add(get(r))
		}
	}
}

func (a *distinctAcc) set(slot uint32) *set64 {
	if a.nums[slot] == nil {
		a.nums[slot] = &set64{}
	}
	return a.nums[slot]
}

func (a *distinctAcc) addString(slot uint32, x string) {
	m := a.strs[slot]
	if m == nil {
		m = map[string]struct{}{}
		a.strs[slot] = m
	}
	if _, ok := m[x]; !ok {
		m[string([]byte(x))] = struct{}{}
		a.size += int64(len(x))
	}
}

func (a *distinctAcc) merge(dst, src uint32) {
	if a.kind == kindString {
		for x := range a.strs[src] {
			a.addString(dst, x)
		}
	} else if s := a.nums[src]; s != nil {
		for _, v := range s.sorted() {
			a.set(dst).add(v)
		}
	}
	a.reset(src)
}

func (a *distinctAcc) reset(slot uint32) {
	if a.kind == kindString {
		for x := range a.strs[slot] {
			a.size -= int64(len(x))
		}
		a.strs[slot] = nil
	} else {
		a.nums[slot] = nil
	}
}

func (a *distinctAcc) count(slot uint32) int {
	if a.kind == kindString {
		return len(a.strs[slot])
	}
	if s := a.nums[slot]; s != nil {
		return s.len()
	}
	return 0
}

// floats is the values of slot as float64, in ascending order.
func (a *distinctAcc) floats(slot uint32) []float64 {
	vals := a.nums[slot].sorted()
	out := make([]float64, len(vals))
	for i, v := range vals {
		if a.kind == kindFloat {
			out[i] = math.Float64frombits(v)
		} else {
			out[i] = float64(int64(v))
		}
	}
	slices.SortFunc(out, cmp.Compare[float64])
	return out
}

func (a *distinctAcc) result(mem memory.Allocator, slots []uint32) arrow.Array {
	valid := validList{}
	switch {
	case a.fn == "count":
		vals := make([]int64, len(slots))
		for i, s := range slots {
			vals[i] = int64(a.count(s))
		}
		return newInt64Array(mem, int64Type, vals, nil)
	case a.fn == "sum" && a.kind == kindInt:
		vals := make([]int64, len(slots))
		for i, s := range slots {
			if a.count(s) > 0 {
				for _, v := range a.nums[s].sorted() {
					vals[i] += int64(v)
				}
			}
			valid.add(a.count(s) > 0)
		}
		return newInt64Array(mem, int64Type, vals, valid.v)
	}
	vals := make([]float64, len(slots))
	for i, s := range slots {
		n := a.count(s)
		if n > 0 {
			for _, v := range a.floats(s) {
				vals[i] += v
			}
			if a.fn == "avg" {
				vals[i] /= float64(n)
			}
		}
		valid.add(n > 0)
	}
	return newFloat64Array(mem, vals, valid.v)
}

func (a *distinctAcc) encode(e *encoder, slot uint32) {
	if a.kind == kindString {
		vals := make([]string, 0, len(a.strs[slot]))
		for x := range a.strs[slot] {
			vals = append(vals, x)
		}
		slices.Sort(vals)
		e.uvarint(uint64(len(vals)))
		for _, x := range vals {
			e.str(x)
		}
		return
	}
	var vals []uint64
	if s := a.nums[slot]; s != nil {
		vals = s.sorted()
	}
	e.uvarint(uint64(len(vals)))
	for i, v := range vals {
		if i > 0 {
			v -= vals[i-1] // ascending: encode the gaps
		}
		e.uvarint(v)
	}
}

func (a *distinctAcc) decode(d *decoder, slot uint32) {
	n := d.count(1)
	if a.kind == kindString {
		for i := 0; i < n && d.err == nil; i++ {
			a.addString(slot, d.str())
		}
		return
	}
	var prev uint64
	for i := 0; i < n && d.err == nil; i++ {
		v := d.uvarint()
		if i > 0 {
			if v == 0 || v > math.MaxUint64-prev {
				d.fail("distinct values not ascending")
				return
			}
			v += prev
		}
		if a.kind == kindBool && v > 1 || a.kind == kindFloat && v != floatBits(math.Float64frombits(v)) {
			d.fail("bad distinct value %#x", v)
			return
		}
		a.set(slot).add(v)
		prev = v
	}
}

func (a *distinctAcc) bytes() int64 {
	n := int64(cap(a.nums)+cap(a.strs)) * 8
	for _, s := range a.nums {
		if s != nil {
			n += s.bytes()
		}
	}
	for _, m := range a.strs {
		if m != nil {
			n += 48 + int64(len(m))*32 // map header, and per entry its string header and overhead
		}
	}
	return n + a.size
}
