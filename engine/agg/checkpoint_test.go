package agg

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// allSpecs has every function over every argument type it takes.
func allSpecs() []Spec {
	var specs []Spec
	all := []arrow.DataType{tBool, tInt, tFloat, tString, tTime}
	nums := []arrow.DataType{tInt, tFloat}
	add := func(fn string, distinct bool, types []arrow.DataType) {
		for _, dt := range types {
			specs = append(specs, Spec{Func: fn, ArgType: dt, Distinct: distinct, Param: 0.75 * b2f(fn == "approx_percentile")})
		}
	}
	specs = append(specs, Spec{Func: "count"})
	add("count", false, all)
	add("count", true, all)
	add("sum", false, nums)
	add("sum", true, nums)
	add("avg", false, nums)
	add("avg", true, nums)
	add("min", false, all)
	add("max", false, all)
	add("stddev", false, nums)
	add("stddev_pop", false, nums)
	add("first", false, all)
	add("last", false, all)
	add("approx_count_distinct", false, all)
	add("approx_percentile", false, nums)
	return specs
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// randomBatch makes n rows of an argument for each spec, slots in [0,
// nslots) and event times. Some slots get many values (sketches go dense,
// percentiles leave exact mode).
func randomBatch(t testing.TB, mem memory.Allocator, rng *rand.Rand, specs []Spec, n, nslots int) ([]arrow.Array, []uint32, []int64) {
	byType := map[arrow.DataType]arrow.Array{}
	for _, dt := range []arrow.DataType{tBool, tInt, tFloat, tString, tTime} {
		vals := make([]any, n)
		for i := range vals {
			switch dt {
			case tBool:
				vals[i] = rng.IntN(2) == 0
			case tInt, tTime:
				vals[i] = rng.IntN(100_000) - 50_000
			case tFloat:
				vals[i] = rng.NormFloat64() * 1e3
				if rng.IntN(200) == 0 {
					vals[i] = nan
				}
			case tString:
				vals[i] = fmt.Sprintf("s%d", rng.IntN(5000))
			}
			if rng.IntN(20) == 0 {
				vals[i] = nil
			}
		}
		byType[dt] = column(t, mem, dt, vals...)
	}
	args := make([]arrow.Array, len(specs))
	for i, s := range specs {
		if s.ArgType != nil {
			args[i] = byType[s.ArgType]
			args[i].Retain()
		}
	}
	for _, a := range byType {
		a.Release()
	}
	slots, times := make([]uint32, n), make([]int64, n)
	for i := range slots {
		// Slot 0 takes half the rows.
		slots[i] = uint32(rng.IntN(nslots))
		if rng.IntN(2) == 0 {
			slots[i] = 0
		}
		times[i] = int64(rng.IntN(1000))
	}
	return args, slots, times
}

// resultBits renders results so that equal floats (NaN included) compare
// equal and unequal ones, however close, do not.
func resultBits(t testing.TB, a *Accumulators, slots []uint32) string {
	var b bytes.Buffer
	for i, vals := range results(t, a, slots) {
		fmt.Fprintf(&b, "%d:", i)
		for _, v := range vals {
			if f, ok := v.(float64); ok {
				fmt.Fprintf(&b, " f%x", math.Float64bits(f))
			} else {
				fmt.Fprintf(&b, " %v", v)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestCheckpointRoundTrip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	specs := allSpecs()
	rng := rand.New(rand.NewPCG(7, 7))
	const nslots = 40
	a, err := NewAccumulators(mem, specs)
	if err != nil {
		t.Fatal(err)
	}
	a.Grow(nslots + 5) // slots past nslots stay empty
	for range 3 {
		args, slots, times := randomBatch(t, mem, rng, specs, 20_000, nslots)
		if err := a.Update(slots, args, times, nil); err != nil {
			t.Fatal(err)
		}
		releaseAll(args)
	}
	if err := a.Merge(3, 4); err != nil {
		t.Fatal(err)
	}
	saved := slotsUpTo(nslots + 5)
	data, err := a.MarshalSlots(saved)
	if err != nil {
		t.Fatal(err)
	}
	// Restore into fresh accumulators, at other slot numbers.
	b, err := NewAccumulators(mem, specs)
	if err != nil {
		t.Fatal(err)
	}
	moved := make([]uint32, len(saved))
	for i, s := range saved {
		moved[i] = uint32(len(saved)) - 1 - s + 100
	}
	if err := b.UnmarshalSlots(data, moved); err != nil {
		t.Fatal(err)
	}
	if b.Len() != int(moved[0])+1 {
		t.Errorf("restored Len %d", b.Len())
	}
	if got, want := resultBits(t, b, moved), resultBits(t, a, saved); got != want {
		t.Fatalf("restored results differ:\n%s\nwant\n%s", got, want)
	}
	again, err := b.MarshalSlots(moved)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, data) {
		t.Error("re-marshalled state differs")
	}
	// The restored state goes on exactly as the original.
	args, slots, times := randomBatch(t, mem, rng, specs, 5000, nslots)
	defer releaseAll(args)
	if err := a.Update(slots, args, times, nil); err != nil {
		t.Fatal(err)
	}
	for i, s := range slots {
		slots[i] = moved[s]
	}
	if err := b.Update(slots, args, times, nil); err != nil {
		t.Fatal(err)
	}
	if err := a.Merge(5, 6); err != nil {
		t.Fatal(err)
	}
	if err := b.Merge(moved[5], moved[6]); err != nil {
		t.Fatal(err)
	}
	if got, want := resultBits(t, b, moved), resultBits(t, a, saved); got != want {
		t.Fatalf("results after more updates differ:\n%s\nwant\n%s", got, want)
	}
	if a.StateBytes() < 100_000 {
		t.Errorf("StateBytes %d is too small for %d sketches", a.StateBytes(), len(specs))
	}
}

func TestCheckpointErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	specs := []Spec{spec("sum", tInt), distinct("count", tString)}
	a, err := NewAccumulators(mem, specs)
	if err != nil {
		t.Fatal(err)
	}
	a.Grow(2)
	x, s := column(t, mem, tInt, 1, 2), column(t, mem, tString, "a", "b")
	defer releaseAll([]arrow.Array{x, s})
	if err := a.Update([]uint32{0, 1}, []arrow.Array{x, s}, nil, nil); err != nil {
		t.Fatal(err)
	}
	data, err := a.MarshalSlots([]uint32{0, 1})
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewAccumulators(mem, []Spec{spec("sum", tFloat), distinct("count", tString)})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.UnmarshalSlots(data, []uint32{0, 1}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("other specs: %v", err)
	}
	if err := a.UnmarshalSlots(data, []uint32{0}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("fewer slots: %v", err)
	}
	if err := a.UnmarshalSlots(data, []uint32{1, 1}); err == nil {
		t.Error("repeated slot: no error")
	}
	for cut := 0; cut < len(data); cut++ {
		if err := a.UnmarshalSlots(data[:cut], []uint32{0, 1}); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("data cut at %d: %v", cut, err)
		}
	}
	// A failed restore leaves the slots empty.
	if err := sameList(results(t, a, []uint32{0, 1})[0], []any{nil, nil}); err != nil {
		t.Error(err)
	}
	if err := a.UnmarshalSlots(data, []uint32{1, 0}); err != nil {
		t.Fatal(err)
	}
	if err := sameList(results(t, a, []uint32{0, 1})[0], []any{2, 1}); err != nil {
		t.Error(err)
	}
}

func TestHLLAccuracy(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n = 1_000_000
	a, err := NewAccumulators(mem, []Spec{spec("approx_count_distinct", tInt), spec("approx_count_distinct", tString)})
	if err != nil {
		t.Fatal(err)
	}
	a.Grow(3)
	const batch = 100_000
	ints, strs := make([]any, batch), make([]any, batch)
	for start := 0; start < n; start += batch {
		for i := range batch {
			ints[i] = (start + i) * 7
			strs[i] = fmt.Sprintf("user-%d", start+i)
		}
		ci, cs := column(t, mem, tInt, ints...), column(t, mem, tString, strs...)
		// Every value twice, half of them to slot 1 and half to slot 2.
		slots := make([]uint32, batch)
		for i := range slots {
			slots[i] = uint32(1 + i%2)
		}
		for _, s := range [][]uint32{make([]uint32, batch), slots} {
			if err := a.Update(s, []arrow.Array{ci, cs}, nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		releaseAll([]arrow.Array{ci, cs})
	}
	if err := a.Merge(1, 2); err != nil {
		t.Fatal(err)
	}
	for i, vals := range results(t, a, []uint32{0, 1}) {
		for _, v := range vals {
			if e := math.Abs(float64(v.(int64))-n) / n; e > 0.02 {
				t.Errorf("aggregate %d: estimate %d of %d distinct: error %.2f%%", i, v, n, 100*e)
			} else {
				t.Logf("aggregate %d: estimate %d of %d distinct: error %.3f%%", i, v, n, 100*e)
			}
		}
	}
}

func TestPercentileAccuracy(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n = 100_000
	qs := []float64{0.5, 0.99, 0.01, 0.9}
	var specs []Spec
	for _, q := range qs {
		specs = append(specs, pct(tInt, q), pct(tFloat, q))
	}
	a, err := NewAccumulators(mem, specs)
	if err != nil {
		t.Fatal(err)
	}
	a.Grow(4)
	// 0..99999 shuffled into slot 0; into slots 1 and 2 by halves (merged
	// later); -99999..0 into slot 3.
	rng := rand.New(rand.NewPCG(3, 4))
	perm := rng.Perm(n)
	ints, floats, neg := make([]any, n), make([]any, n), make([]any, n)
	for i, v := range perm {
		ints[i], floats[i], neg[i] = v, float64(v), -float64(v)
	}
	ci, cf, cn := column(t, mem, tInt, ints...), column(t, mem, tFloat, floats...), column(t, mem, tFloat, neg...)
	defer releaseAll([]arrow.Array{ci, cf, cn})
	args := make([]arrow.Array, len(specs))
	for i := range specs {
		args[i] = cf
		if i%2 == 0 {
			args[i] = ci
		}
	}
	halves := make([]uint32, n)
	for i := range halves {
		halves[i] = uint32(1 + i%2)
	}
	for _, slots := range [][]uint32{make([]uint32, n), halves} {
		if err := a.Update(slots, args, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	// Slot 3: the BIGINT percentiles again, the DOUBLE ones over negatives.
	threes := make([]uint32, n)
	for i := range threes {
		threes[i] = 3
	}
	for i := 1; i < len(args); i += 2 {
		args[i] = cn
	}
	if err := a.Update(threes, args, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := a.Merge(1, 2); err != nil {
		t.Fatal(err)
	}
	got := results(t, a, []uint32{0, 1, 3})
	for i, s := range specs {
		want := math.Floor(s.Param * (n - 1)) // the value of rank ⌊q·(n-1)⌋
		for j, v := range got[i][:2] {
			if e := math.Abs(v.(float64)-want) / want; e > 0.01 {
				t.Errorf("%s slot %d: %g, want %g: error %.2f%%", s, j, v, want, 100*e)
			} else if s.Param >= 0.5 {
				t.Logf("%s slot %d: %g, want %g: error %.3f%%", s, j, v, want, 100*e)
			}
		}
		if i%2 == 1 { // DOUBLE over the negative values
			wantNeg := -math.Floor((1 - s.Param) * (n - 1))
			if v := got[i][2].(float64); math.Abs(v-wantNeg) > 0.01*math.Abs(wantNeg)+1 {
				t.Errorf("%s over negatives: %g, want %g", s, v, wantNeg)
			}
		}
	}
}
