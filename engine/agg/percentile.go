package agg

import (
	"math"
	"slices"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/mapping"
	"github.com/DataDog/sketches-go/ddsketch/store"
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

const (
	// pctExact is how many values a slot keeps exactly before it moves them
	// into a sketch.
	pctExact = 64
	// pctAccuracy is the sketches' relative accuracy: the value returned
	// is within 0.5% of the value of the requested rank.
	pctAccuracy = 0.005
	// pctMaxBins bounds a sketch's bins per sign (32 KiB); at 0.5% they
	// span a ratio of 10^17 between the smallest and largest magnitude
	// before the smallest collapse together.
	pctMaxBins = 4096
)

var _ accumulator = (*percentileAcc[float64])(nil)

// pctState is one slot of APPROX_PERCENTILE: no value, up to pctExact
// values as they came, or a sketch.
type pctState struct {
	exact []float64
	sk    *ddsketch.DDSketch
}

// percentileAcc is APPROX_PERCENTILE(x, q): the value of rank ⌊q·(n-1)⌋
// (0-based) of the n non-NULL values in ascending order. It is exact while
// a slot has at most pctExact values; then DDSketch
// (github.com/DataDog/sketches-go), whose result is within pctAccuracy of
// that value, relative. The result depends only on the values, not on their
// order or on how slots were merged. NaN, ±Inf and magnitudes beyond the
// sketch's range (about 1.7e308/2) are ignored.
type percentileAcc[T number] struct {
	q       float64
	mapping *mapping.LogarithmicMapping
	minIdx  int
	maxIdx  int
	st      []pctState
}

func newPercentile[T number](q float64) (*percentileAcc[T], error) {
	m, err := mapping.NewLogarithmicMapping(pctAccuracy)
	if err != nil {
		return nil, err
	}
	return &percentileAcc[T]{q: q, mapping: m,
		minIdx: m.Index(m.MinIndexableValue()), maxIdx: m.Index(m.MaxIndexableValue())}, nil
}

func (a *percentileAcc[T]) newSketch() *ddsketch.DDSketch {
	return ddsketch.NewDDSketch(a.mapping,
		store.NewCollapsingLowestDenseStore(pctMaxBins), store.NewCollapsingLowestDenseStore(pctMaxBins))
}

func (a *percentileAcc[T]) grow(n int) { a.st = growSlice(a.st, n) }

// tracked reports whether x is a value the sketch can hold.
func (a *percentileAcc[T]) tracked(x float64) bool {
	return math.Abs(x) <= a.mapping.MaxIndexableValue()
}

func (a *percentileAcc[T]) add(slot uint32, x float64) {
	if !a.tracked(x) {
		return
	}
	st := &a.st[slot]
	if st.sk == nil {
		if len(st.exact) < pctExact {
			st.exact = append(st.exact, x)
			return
		}
		st.sk = a.newSketch()
		for _, v := range st.exact {
			_ = st.sk.Add(v) // tracked values: Add cannot fail
		}
		st.exact = nil
	}
	_ = st.sk.Add(x)
}

func (a *percentileAcc[T]) update(slots []uint32, arg arrow.Array, _ []int64, rows []int32) {
	vals, v := numValues[T](arg), validityOf(arg)
	for i, s := range slots {
		if r := rows[i]; !v.null(r) {
			a.add(s, float64(vals[r]))
		}
	}
}

func (a *percentileAcc[T]) merge(dst, src uint32) {
	d, s := &a.st[dst], &a.st[src]
	switch {
	case s.sk == nil:
		for _, v := range s.exact {
			a.add(dst, v)
		}
	case d.sk == nil:
		d.sk = s.sk
		for _, v := range d.exact {
			_ = d.sk.Add(v)
		}
		d.exact = nil
		s.sk = nil
	default:
		_ = d.sk.MergeWith(s.sk) // one mapping: MergeWith cannot fail
	}
	a.reset(src)
}

func (a *percentileAcc[T]) reset(slot uint32) { a.st[slot] = pctState{} }

func (a *percentileAcc[T]) result(mem memory.Allocator, slots []uint32) arrow.Array {
	vals := make([]float64, len(slots))
	valid := validList{}
	var sorted []float64
	for i, s := range slots {
		st := &a.st[s]
		ok := true
		switch {
		case st.sk != nil:
			v, err := st.sk.GetValueAtQuantile(a.q)
			vals[i], ok = v, err == nil
		case len(st.exact) > 0:
			sorted = append(sorted[:0], st.exact...)
			slices.Sort(sorted)
			vals[i] = sorted[int(math.Floor(a.q*float64(len(sorted)-1)))]
		default:
			ok = false
		}
		valid.add(ok)
	}
	return newFloat64Array(mem, vals, valid.v)
}

// Encoding: 0 for no value; 1, a count and the values; 2 and the sketch:
// the count of zeros, then per sign (positive, negative) the non-empty bins
// in ascending index order as a count, the first index (zig-zag varint) and
// the gaps to the next (uvarints), each with its count.
func (a *percentileAcc[T]) encode(e *encoder, slot uint32) {
	st := &a.st[slot]
	switch {
	case st.sk != nil:
		e.u8(2)
		e.f64(st.sk.GetZeroCount())
		encodeBins(e, st.sk.GetPositiveValueStore())
		encodeBins(e, st.sk.GetNegativeValueStore())
	case len(st.exact) > 0:
		e.u8(1)
		e.uvarint(uint64(len(st.exact)))
		for _, v := range st.exact {
			e.f64(v)
		}
	default:
		e.u8(0)
	}
}

func encodeBins(e *encoder, s store.Store) {
	var idx []int
	var cnt []float64
	s.ForEach(func(i int, c float64) bool {
		idx, cnt = append(idx, i), append(cnt, c)
		return false
	})
	e.uvarint(uint64(len(idx)))
	for i, x := range idx {
		if i == 0 {
			e.varint(int64(x))
		} else {
			e.uvarint(uint64(x - idx[i-1]))
		}
		e.f64(cnt[i])
	}
}

func (a *percentileAcc[T]) decode(d *decoder, slot uint32) {
	switch mode := d.u8(); mode {
	case 0:
	case 1:
		n := d.count(8)
		if d.err == nil && (n == 0 || n > pctExact) {
			d.fail("%d exact percentile values", n)
			return
		}
		st := &a.st[slot]
		for i := 0; i < n && d.err == nil; i++ {
			if v := d.f64(); a.tracked(v) {
				st.exact = append(st.exact, v)
			} else {
				d.fail("bad percentile value %g", v)
			}
		}
	case 2:
		sk := a.newSketch()
		if zeros := d.f64(); validCount(zeros) {
			_ = sk.AddWithCount(0, zeros)
		} else if zeros != 0 {
			d.fail("bad sketch zero count %g", zeros)
		}
		a.decodeBins(d, sk.GetPositiveValueStore())
		a.decodeBins(d, sk.GetNegativeValueStore())
		if d.err == nil && sk.IsEmpty() {
			d.fail("empty percentile sketch")
		}
		a.st[slot].sk = sk
	default:
		d.fail("bad percentile state %d", mode)
	}
}

// validCount reports whether c is a bin's count: positive and finite.
func validCount(c float64) bool { return c > 0 && c <= math.MaxFloat64 }

func (a *percentileAcc[T]) decodeBins(d *decoder, s store.Store) {
	n := d.count(9)
	idx := 0
	for i := 0; i < n && d.err == nil; i++ {
		if i == 0 {
			idx = int(d.varint())
		} else {
			gap := d.uvarint()
			if gap == 0 || gap > uint64(a.maxIdx-idx) {
				d.fail("bad sketch bin gap %d", gap)
				return
			}
			idx += int(gap)
		}
		c := d.f64()
		if d.err != nil {
			return
		}
		if idx < a.minIdx || idx > a.maxIdx || !validCount(c) {
			d.fail("bad sketch bin %d with count %g", idx, c)
			return
		}
		s.AddWithCount(idx, c)
	}
}

func (a *percentileAcc[T]) bytes() int64 {
	n := int64(cap(a.st)) * 32
	for i := range a.st {
		st := &a.st[i]
		n += int64(cap(st.exact)) * 8
		if st.sk != nil {
			n += 200 + storeBytes(st.sk.GetPositiveValueStore()) + storeBytes(st.sk.GetNegativeValueStore())
		}
	}
	return n
}

// storeBytes estimates a dense store's bins: its index range and the slack
// it grows by.
func storeBytes(s store.Store) int64 {
	lo, err1 := s.MinIndex()
	hi, err2 := s.MaxIndex()
	if err1 != nil || err2 != nil {
		return 0
	}
	return int64(min(hi-lo+1+64, pctMaxBins)) * 8
}
