package agg

import (
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// A cleared key table and cleared accumulators behave as new ones.
func TestClear(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	kt, err := NewKeyTable(mem, []arrow.DataType{tString})
	if err != nil {
		t.Fatal(err)
	}
	specs := []Spec{{Func: "count"}, spec("sum", tInt), distinct("count", tInt)}
	a, err := NewAccumulators(mem, specs)
	if err != nil {
		t.Fatal(err)
	}
	keys := column(t, mem, tString, "x", "y", "x", nil)
	args := column(t, mem, tInt, 1, 2, 3, 4)
	defer releaseAll([]arrow.Array{keys, args})
	run := func() string {
		ids, err := kt.Lookup([]arrow.Array{keys}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		a.Grow(kt.Len())
		if err := a.Update(ids, []arrow.Array{nil, args, args}, nil, nil); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(ids, results(t, a, slotsUpTo(kt.Len())))
	}
	first := run()
	if again := run(); again == first {
		t.Fatal("a second run over the same state gave the same results")
	}
	if err := kt.Clear(); err != nil {
		t.Fatal(err)
	}
	a.Clear()
	if kt.Len() != 0 || kt.Live() != 0 || a.Len() != 0 {
		t.Fatalf("after Clear: %d keys, %d live, %d slots", kt.Len(), kt.Live(), a.Len())
	}
	if got := run(); got != first {
		t.Fatalf("after Clear: %s, new: %s", got, first)
	}
}
