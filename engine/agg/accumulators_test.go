package agg

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// aggCase is one aggregate over one batch: row i of arg goes to slot
// slots[i] (at event time times[i]); want holds the result of each slot 0,
// 1, …, the last ones maybe empty groups.
type aggCase struct {
	name  string
	spec  Spec
	arg   []any
	slots []uint32
	times []int64
	want  []any
}

var nan = math.NaN()

func spec(fn string, arg arrow.DataType) Spec { return Spec{Func: fn, ArgType: arg} }

func distinct(fn string, arg arrow.DataType) Spec {
	return Spec{Func: fn, ArgType: arg, Distinct: true}
}

func pct(arg arrow.DataType, q float64) Spec {
	return Spec{Func: "approx_percentile", ArgType: arg, Param: q}
}

var aggCases = []aggCase{
	// COUNT
	{"count star", Spec{Func: "count"}, []any{1, nil, 3, nil}, []uint32{0, 0, 1, 0}, nil, []any{3, 1, 0}},
	{"count int", spec("count", tInt), []any{1, nil, 3, nil}, []uint32{0, 0, 1, 0}, nil, []any{1, 1, 0}},
	{"count string", spec("COUNT", tString), []any{"a", nil, "", "a"}, []uint32{0, 0, 0, 1}, nil, []any{2, 1, 0}},
	{"count all null", spec("count", tFloat), []any{nil, nil}, []uint32{0, 0}, nil, []any{0}},
	{"count null type", spec("count", arrow.Null), []any{nil, nil}, []uint32{0, 1}, nil, []any{0, 0}},
	// SUM
	{"sum int", spec("sum", tInt), []any{1, nil, 3, 4}, []uint32{0, 0, 1, 0}, nil, []any{5, 3, nil}},
	{"sum int all null", spec("sum", tInt), []any{nil, nil}, []uint32{0, 1}, nil, []any{nil, nil}},
	{"sum int wraps", spec("sum", tInt), []any{math.MaxInt64, 1, math.MinInt64, -1}, []uint32{0, 0, 1, 1}, nil,
		[]any{math.MinInt64, math.MaxInt64}},
	{"sum float", spec("sum", tFloat), []any{1.5, nil, 2.25, -0.75}, []uint32{0, 0, 0, 1}, nil, []any{3.75, -0.75, nil}},
	{"sum float nan", spec("sum", tFloat), []any{1.0, nan}, []uint32{0, 0}, nil, []any{nan}},
	// AVG
	{"avg int", spec("avg", tInt), []any{1, 2, nil, 7}, []uint32{0, 0, 0, 1}, nil, []any{1.5, 7.0, nil}},
	{"avg float", spec("avg", tFloat), []any{1.0, 2.0, 4.0, nil}, []uint32{0, 0, 0, 1}, nil, []any{7.0 / 3, nil}},
	// MIN / MAX
	{"min int", spec("min", tInt), []any{5, nil, -3, 9}, []uint32{0, 0, 0, 1}, nil, []any{-3, 9, nil}},
	{"max int", spec("max", tInt), []any{5, nil, -3, math.MinInt64}, []uint32{0, 0, 0, 1}, nil, []any{5, math.MinInt64, nil}},
	{"min float", spec("min", tFloat), []any{2.5, nan, -1.0, nil}, []uint32{0, 0, 0, 1}, nil, []any{-1.0, nil}},
	{"max float nan", spec("max", tFloat), []any{2.5, nan, -1.0, 3.0}, []uint32{0, 0, 0, 1}, nil, []any{nan, 3.0}},
	{"min float nan only", spec("min", tFloat), []any{nan, nil}, []uint32{0, 0}, nil, []any{nan}},
	{"min string", spec("min", tString), []any{"pear", "apple", nil, "b", ""}, []uint32{0, 0, 0, 1, 1}, nil, []any{"apple", "", nil}},
	{"max string", spec("max", tString), []any{"pear", "apple", nil, "b", ""}, []uint32{0, 0, 0, 1, 1}, nil, []any{"pear", "b", nil}},
	{"min timestamp", spec("min", tTime), []any{1000, 500, nil}, []uint32{0, 0, 1}, nil, []any{500, nil}},
	{"max timestamp", spec("max", tTime), []any{1000, 500, nil}, []uint32{0, 0, 1}, nil, []any{1000, nil}},
	{"min bool", spec("min", tBool), []any{true, false, true, nil, true}, []uint32{0, 0, 1, 1, 2}, nil, []any{false, true, true, nil}},
	{"max bool", spec("max", tBool), []any{false, true, false, nil}, []uint32{0, 0, 1, 2}, nil, []any{true, false, nil}},
	{"min distinct", distinct("min", tInt), []any{3, 1}, []uint32{0, 0}, nil, []any{1}},
	// STDDEV
	{"stddev", spec("stddev", tInt), []any{2, 4, 4, 4, 5, 5, 7, 9, 10, nil}, []uint32{0, 0, 0, 0, 0, 0, 0, 0, 1, 1}, nil,
		[]any{math.Sqrt(32.0 / 7), nil, nil}},
	{"stddev_samp", spec("stddev_samp", tFloat), []any{1.0, 3.0}, []uint32{0, 0}, nil, []any{math.Sqrt2}},
	{"stddev_pop", spec("stddev_pop", tFloat), []any{2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0, 10.0, nil}, []uint32{0, 0, 0, 0, 0, 0, 0, 0, 1, 1}, nil,
		[]any{2.0, 0.0, nil}},
	{"stddev large offset", spec("stddev", tFloat), []any{1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16}, []uint32{0, 0, 0, 0}, nil,
		[]any{math.Sqrt(30)}},
	// FIRST / LAST
	{"first", spec("first", tInt), []any{10, 20, nil, 40}, []uint32{0, 0, 0, 1}, []int64{5, 3, 1, 9}, []any{20, 40, nil}},
	{"last", spec("last", tInt), []any{10, 20, nil, 40}, []uint32{0, 0, 0, 1}, []int64{5, 3, 9, 9}, []any{10, 40, nil}},
	{"first ties", spec("first", tString), []any{"a", "b", "c"}, []uint32{0, 0, 0}, []int64{7, 7, 8}, []any{"a"}},
	{"last ties", spec("last", tString), []any{"a", "b", "c"}, []uint32{0, 0, 0}, []int64{7, 8, 8}, []any{"c"}},
	{"first no times", spec("first", tFloat), []any{nil, 1.5, 2.5}, []uint32{0, 0, 0}, nil, []any{1.5}},
	{"last no times", spec("last", tBool), []any{true, false, nil}, []uint32{0, 0, 0}, nil, []any{false}},
	{"last timestamp", spec("last", tTime), []any{100, 200}, []uint32{0, 0}, []int64{2, 1}, []any{100}},
	// DISTINCT
	{"count distinct int", distinct("count", tInt), []any{1, 1, 2, nil, 3, 3}, []uint32{0, 0, 0, 0, 1, 1}, nil, []any{2, 1, 0}},
	{"count distinct string", distinct("count", tString), []any{"a", "a", "", nil, "b"}, []uint32{0, 0, 0, 0, 0}, nil, []any{3}},
	{"count distinct float", distinct("count", tFloat), []any{0.0, math.Copysign(0, -1), nan, math.NaN(), 1.0}, []uint32{0, 0, 0, 0, 0}, nil, []any{3}},
	{"count distinct bool", distinct("count", tBool), []any{true, true, false, nil}, []uint32{0, 0, 0, 1}, nil, []any{2, 0}},
	{"count distinct timestamp", distinct("count", tTime), []any{0, 0, 5}, []uint32{0, 0, 0}, nil, []any{2}},
	{"sum distinct int", distinct("sum", tInt), []any{2, 2, 3, nil, -1}, []uint32{0, 0, 0, 0, 1}, nil, []any{5, -1, nil}},
	{"sum distinct float", distinct("sum", tFloat), []any{0.5, 0.5, 0.25}, []uint32{0, 0, 0}, nil, []any{0.75, nil}},
	{"avg distinct int", distinct("avg", tInt), []any{1, 1, 1, 4}, []uint32{0, 0, 0, 0}, nil, []any{2.5, nil}},
	{"avg distinct float", distinct("avg", tFloat), []any{-2.0, -2.0, 4.0}, []uint32{0, 0, 0}, nil, []any{1.0}},
	// APPROX_COUNT_DISTINCT: small sets are counted exactly.
	{"approx_count_distinct int", spec("approx_count_distinct", tInt), []any{1, 1, 2, nil, 3}, []uint32{0, 0, 0, 0, 1}, nil, []any{2, 1, 0}},
	{"approx_count_distinct string", spec("approx_count_distinct", tString), []any{"x", "y", "x", ""}, []uint32{0, 0, 0, 0}, nil, []any{3}},
	{"approx_count_distinct float", distinct("approx_count_distinct", tFloat), []any{0.0, math.Copysign(0, -1), 1.0}, []uint32{0, 0, 0}, nil, []any{2}},
	{"approx_count_distinct bool", spec("approx_count_distinct", tBool), []any{true, false, true}, []uint32{0, 0, 0}, nil, []any{2}},
	// APPROX_PERCENTILE: exact below 64 values a slot.
	{"percentile median", pct(tInt, 0.5), []any{5, 1, 4, 2, 3, nil}, []uint32{0, 0, 0, 0, 0, 0}, nil, []any{3.0, nil}},
	{"percentile lower median", pct(tFloat, 0.5), []any{4.0, 1.0, 3.0, 2.0}, []uint32{0, 0, 0, 0}, nil, []any{2.0}},
	{"percentile min", pct(tFloat, 0), []any{4.0, -1.0, 3.0}, []uint32{0, 0, 0}, nil, []any{-1.0}},
	{"percentile max", pct(tFloat, 1), []any{4.0, -1.0, 3.0, nil}, []uint32{0, 0, 0, 1}, nil, []any{4.0, nil}},
	{"percentile ignores nan", pct(tFloat, 1), []any{4.0, nan, math.Inf(1)}, []uint32{0, 0, 0}, nil, []any{4.0}},
}

func TestAggregates(t *testing.T) {
	for _, c := range aggCases {
		t.Run(c.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			arg := column(t, mem, argType(c.spec), c.arg...)
			defer arg.Release()
			args := []arrow.Array{arg}
			if c.spec.ArgType == nil {
				args = []arrow.Array{nil}
			}
			// The whole batch at once, then row by row through rows.
			for _, byRow := range []bool{false, true} {
				a, err := NewAccumulators(mem, []Spec{c.spec})
				if err != nil {
					t.Fatal(err)
				}
				a.Grow(len(c.want))
				if !byRow {
					if err := a.Update(c.slots, args, c.times, nil); err != nil {
						t.Fatal(err)
					}
				} else {
					for i := range c.slots {
						if err := a.Update(c.slots[i:i+1], args, c.times, []int32{int32(i)}); err != nil {
							t.Fatal(err)
						}
					}
				}
				if err := sameList(results(t, a, slotsUpTo(len(c.want)))[0], c.want); err != nil {
					t.Errorf("by row %t: %v", byRow, err)
				}
			}
		})
	}
}

// argType is the type of the case's argument column (BIGINT for COUNT(*)).
func argType(s Spec) arrow.DataType {
	if s.ArgType == nil {
		return tInt
	}
	return s.ArgType
}

func TestSeveralAggregatesAndRows(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	a, err := NewAccumulators(mem, []Spec{{Func: "count"}, spec("sum", tFloat), spec("avg", tFloat), spec("max", tString)})
	if err != nil {
		t.Fatal(err)
	}
	x := column(t, mem, tFloat, 1.0, 2.0, nil, 4.0)
	defer x.Release()
	s := column(t, mem, tString, "a", "b", "c", nil)
	defer s.Release()
	a.Grow(3)
	// Rows 1 and 3 go to two windows each (slots 0 and 1), row 2 to slot 2;
	// row 0 is filtered out.
	rows := []int32{1, 1, 3, 3, 2}
	slots := []uint32{0, 1, 0, 1, 2}
	if err := a.Update(slots, []arrow.Array{nil, x, x, s}, nil, rows); err != nil {
		t.Fatal(err)
	}
	got := results(t, a, []uint32{2, 1, 0})
	want := [][]any{{1, 2, 2}, {nil, 6.0, 6.0}, {nil, 3.0, 3.0}, {"c", "b", "b"}}
	for i := range want {
		if err := sameList(got[i], want[i]); err != nil {
			t.Errorf("aggregate %d: %v", i, err)
		}
	}
}

func TestMergeAndReset(t *testing.T) {
	specs := []Spec{
		{Func: "count"}, spec("count", tString), spec("sum", tInt), spec("sum", tFloat), spec("avg", tInt),
		spec("min", tInt), spec("max", tString), spec("min", tBool), spec("stddev", tFloat), spec("stddev_pop", tInt),
		spec("first", tString), spec("last", tInt), distinct("count", tString), distinct("sum", tInt),
		spec("approx_count_distinct", tInt), pct(tInt, 0.9),
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n = 300 // rows; more than the exact percentile holds
	ints, floats, strs, bools := make([]any, n), make([]any, n), make([]any, n), make([]any, n)
	times := make([]int64, n)
	for i := range n {
		ints[i], floats[i], strs[i], bools[i] = (i*37)%101, float64(i%17)/4, string(rune('a'+i%23)), i%5 != 0
		times[i] = int64((i * 7919) % 1000)
		if i%11 == 0 {
			ints[i], strs[i] = nil, nil
		}
	}
	ci, cf, cs, cb := column(t, mem, tInt, ints...), column(t, mem, tFloat, floats...), column(t, mem, tString, strs...), column(t, mem, tBool, bools...)
	defer releaseAll([]arrow.Array{ci, cf, cs, cb})
	args := []arrow.Array{nil, cs, ci, cf, ci, ci, cs, cb, cf, ci, cs, ci, cs, ci, ci, ci}

	// Slot 0 takes every row; rows split between slots 1 and 2, merged into 1.
	a, err := NewAccumulators(mem, specs)
	if err != nil {
		t.Fatal(err)
	}
	a.Grow(3)
	all, split := make([]uint32, n), make([]uint32, n)
	for i := range n {
		split[i] = uint32(1 + i%3%2)
	}
	if err := a.Update(all, args, times, nil); err != nil {
		t.Fatal(err)
	}
	if err := a.Update(split, args, times, nil); err != nil {
		t.Fatal(err)
	}
	if err := a.Merge(1, 2); err != nil {
		t.Fatal(err)
	}
	got := results(t, a, []uint32{0, 1, 2})
	for i, vals := range got {
		if err := sameList(vals[1:2], vals[0:1]); err != nil {
			t.Errorf("%s: merged: %v", specs[i], err)
		}
		empty := emptyResult(specs[i])
		if err := sameList(vals[2:3], []any{empty}); err != nil {
			t.Errorf("%s: merged-away slot not empty: %v", specs[i], err)
		}
	}
	// Merging into an empty slot moves the state; merging a slot into
	// itself changes nothing.
	if err := a.Merge(2, 1); err != nil {
		t.Fatal(err)
	}
	if err := a.Merge(2, 2); err != nil {
		t.Fatal(err)
	}
	moved := results(t, a, []uint32{2, 1})
	for i := range moved {
		if err := sameList(moved[i][:1], got[i][1:2]); err != nil {
			t.Errorf("%s: moved: %v", specs[i], err)
		}
	}
	for _, s := range []uint32{0, 2} {
		if err := a.Reset(s); err != nil {
			t.Fatal(err)
		}
	}
	for i, vals := range results(t, a, []uint32{0, 1, 2}) {
		empty := emptyResult(specs[i])
		if err := sameList(vals, []any{empty, empty, empty}); err != nil {
			t.Errorf("%s: after reset: %v", specs[i], err)
		}
	}
	if a.StateBytes() <= 0 {
		t.Errorf("StateBytes = %d", a.StateBytes())
	}
}

// emptyResult is the result of an aggregate over no rows.
func emptyResult(s Spec) any {
	switch s.Func {
	case "count", "approx_count_distinct":
		return 0
	}
	return nil
}

func TestMergeTies(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	a, err := NewAccumulators(mem, []Spec{spec("first", tInt), spec("last", tInt)})
	if err != nil {
		t.Fatal(err)
	}
	a.Grow(6)
	x := column(t, mem, tInt, 1, 2, 3, 4, 5, 6)
	defer x.Release()
	// Slots 0 and 1 tie at time 5; slot 3 is later than slot 2; slot 5 earlier than 4.
	if err := a.Update([]uint32{0, 1, 2, 3, 4, 5}, []arrow.Array{x, x}, []int64{5, 5, 1, 2, 2, 1}, nil); err != nil {
		t.Fatal(err)
	}
	for _, m := range [][2]uint32{{0, 1}, {2, 3}, {4, 5}} {
		if err := a.Merge(m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	got := results(t, a, []uint32{0, 2, 4})
	if err := sameList(got[0], []any{1, 3, 6}); err != nil {
		t.Errorf("first: %v", err)
	}
	if err := sameList(got[1], []any{1, 4, 5}); err != nil {
		t.Errorf("last: %v", err)
	}
}

// MergeAfter of the state of a prefix of the rows and of the rest gives
// what updating with all of them in order gives, LAST's ties included;
// the merged-away slot is left empty.
func TestMergeAfter(t *testing.T) {
	specs := []Spec{
		{Func: "count"}, spec("sum", tInt), spec("min", tString), spec("max", tInt), spec("first", tInt), spec("last", tInt),
		spec("last", tString), distinct("count", tInt), spec("approx_count_distinct", tInt), pct(tInt, 0.5),
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n = 200
	ints, strs := make([]any, n), make([]any, n)
	times := make([]int64, n)
	for i := range n {
		ints[i], strs[i] = i, fmt.Sprint(i%13)
		times[i] = int64(i % 4) // many ties, across the split too
	}
	ci, cs := column(t, mem, tInt, ints...), column(t, mem, tString, strs...)
	defer releaseAll([]arrow.Array{ci, cs})
	args := []arrow.Array{nil, ci, cs, ci, ci, ci, cs, ci, ci, ci}
	a, err := NewAccumulators(mem, specs)
	if err != nil {
		t.Fatal(err)
	}
	a.Grow(3)
	all, head, tail := make([]uint32, n), make([]int32, 0, n), make([]int32, 0, n)
	for i := range n {
		if i < 77 {
			head = append(head, int32(i))
		} else {
			tail = append(tail, int32(i))
		}
	}
	if err := a.Update(all, args, times, nil); err != nil {
		t.Fatal(err)
	}
	for _, part := range []struct {
		slot uint32
		rows []int32
	}{{1, head}, {2, tail}} {
		slots := make([]uint32, len(part.rows))
		for i := range slots {
			slots[i] = part.slot
		}
		if err := a.Update(slots, args, times, part.rows); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.MergeAfter(1, 2); err != nil {
		t.Fatal(err)
	}
	for i, vals := range results(t, a, []uint32{0, 1, 2}) {
		if err := sameList(vals[1:2], vals[0:1]); err != nil {
			t.Errorf("%s: merged: %v", specs[i], err)
		}
		if err := sameList(vals[2:3], []any{emptyResult(specs[i])}); err != nil {
			t.Errorf("%s: merged-away slot not empty: %v", specs[i], err)
		}
	}
	if err := a.MergeAfter(0, 3); err == nil {
		t.Error("MergeAfter of a slot out of range: no error")
	}
}

func TestAccumulatorErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, s := range []Spec{
		{Func: "median", ArgType: tInt},
		{Func: "sum"},
		spec("sum", tString),
		spec("avg", tBool),
		spec("stddev", tTime),
		spec("min", arrow.PrimitiveTypes.Int32),
		spec("first", arrow.Null),
		distinct("stddev", tFloat),
		distinct("sum", tString),
		{Func: "count", Distinct: true},
		pct(tFloat, 1.5),
		pct(tFloat, math.NaN()),
		pct(tString, 0.5),
		{Func: "sum", ArgType: tInt, ResultType: tFloat},
	} {
		if _, err := NewAccumulators(mem, []Spec{s}); err == nil {
			t.Errorf("%s: no error", s)
		} else if s.ResultType == nil && !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: %v does not wrap ErrUnsupported", s, err)
		}
	}
	for _, s := range []Spec{
		{Func: "sum", ArgType: tInt, ResultType: tInt},
		{Func: "avg", ArgType: tInt, ResultType: tFloat},
		{Func: "max", ArgType: tTime, ResultType: tTime},
	} {
		if _, err := NewAccumulators(mem, []Spec{s}); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}

	a, err := NewAccumulators(mem, []Spec{{Func: "count"}, spec("sum", tInt), spec("last", tInt)})
	if err != nil {
		t.Fatal(err)
	}
	a.Grow(2)
	x := column(t, mem, tInt, 1, 2)
	defer x.Release()
	f := column(t, mem, tFloat, 1.0, 2.0)
	defer f.Release()
	short := column(t, mem, tInt, 1)
	defer short.Release()
	for name, fn := range map[string]func() error{
		"too few args":    func() error { return a.Update([]uint32{0, 1}, []arrow.Array{nil, x}, nil, nil) },
		"arg for star":    func() error { return a.Update([]uint32{0, 1}, []arrow.Array{x, x, x}, nil, nil) },
		"missing arg":     func() error { return a.Update([]uint32{0, 1}, []arrow.Array{nil, nil, x}, nil, nil) },
		"wrong type":      func() error { return a.Update([]uint32{0, 1}, []arrow.Array{nil, f, x}, nil, nil) },
		"lengths differ":  func() error { return a.Update([]uint32{0, 1}, []arrow.Array{nil, x, short}, nil, nil) },
		"slots vs rows":   func() error { return a.Update([]uint32{0}, []arrow.Array{nil, x, x}, nil, nil) },
		"slots vs rows 2": func() error { return a.Update([]uint32{0}, []arrow.Array{nil, x, x}, nil, []int32{0, 1}) },
		"row range":       func() error { return a.Update([]uint32{0}, []arrow.Array{nil, x, x}, nil, []int32{2}) },
		"negative row":    func() error { return a.Update([]uint32{0}, []arrow.Array{nil, x, x}, nil, []int32{-1}) },
		"slot range":      func() error { return a.Update([]uint32{0, 2}, []arrow.Array{nil, x, x}, nil, nil) },
		"short times":     func() error { return a.Update([]uint32{0, 1}, []arrow.Array{nil, x, x}, []int64{1}, nil) },
		"merge range":     func() error { return a.Merge(0, 2) },
		"reset range":     func() error { return a.Reset(5) },
		"results range":   func() error { _, err := a.Results([]uint32{2}); return err },
		"marshal range":   func() error { _, err := a.MarshalSlots([]uint32{2}); return err },
	} {
		if err := fn(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// Nothing was updated by the failed calls.
	got := results(t, a, []uint32{0, 1})
	for i, want := range [][]any{{0, 0}, {nil, nil}, {nil, nil}} {
		if err := sameList(got[i], want); err != nil {
			t.Errorf("aggregate %d: %v", i, err)
		}
	}
}

func TestResultTypes(t *testing.T) {
	for _, c := range []struct {
		spec Spec
		want arrow.DataType
	}{
		{Spec{Func: "count"}, tInt},
		{distinct("count", tString), tInt},
		{spec("sum", tInt), tInt},
		{spec("sum", tFloat), tFloat},
		{distinct("sum", tInt), tInt},
		{distinct("avg", tInt), tFloat},
		{spec("avg", tInt), tFloat},
		{spec("min", tTime), tTime},
		{spec("max", tString), tString},
		{spec("first", tBool), tBool},
		{spec("stddev_pop", tInt), tFloat},
		{spec("approx_count_distinct", tString), tInt},
		{pct(tInt, 0.5), tFloat},
	} {
		got, err := ResultType(c.spec)
		if err != nil || !arrow.TypeEqual(got, c.want) {
			t.Errorf("%s: got %v, %v; want %s", c.spec, got, err, c.want)
		}
	}
}

// TestSlicedArrays updates from arrays that start at an offset.
func TestSlicedArrays(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	specs := []Spec{spec("count", tInt), spec("sum", tInt), spec("max", tString), spec("min", tBool),
		distinct("count", tFloat), spec("first", tTime)}
	a, err := NewAccumulators(mem, specs)
	if err != nil {
		t.Fatal(err)
	}
	a.Grow(2)
	full := []arrow.Array{
		column(t, mem, tInt, 100, nil, 1, nil, 2, 100),
		column(t, mem, tString, "zz", nil, "a", "b", nil, "zz"),
		column(t, mem, tBool, false, nil, true, nil, true, false),
		column(t, mem, tFloat, 9.0, nil, 1.0, 1.0, nil, 9.0),
		column(t, mem, tTime, 0, nil, 5, 7, nil, 0),
	}
	defer releaseAll(full)
	var sliced []arrow.Array
	for _, c := range full {
		sliced = append(sliced, array.NewSlice(c, 1, 5)) // rows 1..4
	}
	defer releaseAll(sliced)
	i, s, b, f, ts := sliced[0], sliced[1], sliced[2], sliced[3], sliced[4]
	if err := a.Update([]uint32{0, 0, 1, 1}, []arrow.Array{i, i, s, b, f, ts}, nil, nil); err != nil {
		t.Fatal(err)
	}
	got := results(t, a, []uint32{0, 1})
	for k, want := range [][]any{{1, 1}, {1, 2}, {"a", "b"}, {true, true}, {1, 1}, {5, 7}} {
		if err := sameList(got[k], want); err != nil {
			t.Errorf("%s: %v", specs[k], err)
		}
	}
}
