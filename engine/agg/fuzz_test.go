package agg

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

var fuzzSlots = []uint32{0, 1, 2}

// FuzzUnmarshal feeds arbitrary bytes to UnmarshalSlots: it must return an
// error wrapping ErrCorrupt and leave the slots empty, or restore state that
// gives results and marshals to bytes that restore to the same state.
//
// Go's fuzzer spends a minute minimizing each new input by default, which
// stalls both workers early on; run it with -fuzzminimizetime=10x.
func FuzzUnmarshal(f *testing.F) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(f, 0)
	specs := allSpecs()
	var empty []byte // the state of empty slots
	for _, rows := range []int{0, 10, 300} {
		a, err := NewAccumulators(mem, specs)
		if err != nil {
			f.Fatal(err)
		}
		a.Grow(len(fuzzSlots))
		if rows > 0 {
			args, slots, times := randomBatch(f, mem, rand.New(rand.NewPCG(uint64(rows), 1)), specs, rows, len(fuzzSlots))
			err := a.Update(slots, args, times, nil)
			releaseAll(args)
			if err != nil {
				f.Fatal(err)
			}
		}
		data, err := a.MarshalSlots(fuzzSlots)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		if rows == 0 {
			empty = data
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		a, err := NewAccumulators(mem, specs)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.UnmarshalSlots(data, fuzzSlots); err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			if left, err := a.MarshalSlots(fuzzSlots); err != nil || !bytes.Equal(left, empty) {
				t.Fatalf("failed restore left state (%v)", err)
			}
			return
		}
		arrs, err := a.Results(fuzzSlots)
		if err != nil {
			t.Fatal(err)
		}
		releaseAll(arrs)
		again, err := a.MarshalSlots(fuzzSlots)
		if err != nil {
			t.Fatal(err)
		}
		b, err := NewAccumulators(mem, specs)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.UnmarshalSlots(again, fuzzSlots); err != nil {
			t.Fatalf("re-marshalled state does not restore: %v", err)
		}
		if again2, _ := b.MarshalSlots(fuzzSlots); !bytes.Equal(again, again2) {
			t.Fatal("marshalling is not stable")
		}
	})
}

// FuzzUnmarshalKeys feeds arbitrary bytes to KeyTable.UnmarshalBinary.
func FuzzUnmarshalKeys(f *testing.F) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(f, 0)
	types := []arrow.DataType{tString, tInt, tFloat, tBool}
	kt, err := NewKeyTable(mem, types)
	if err != nil {
		f.Fatal(err)
	}
	empty, err := kt.MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(empty)
	cols := []arrow.Array{
		column(f, mem, tString, "a", nil, "a", "bc"),
		column(f, mem, tInt, 1, 1, nil, 1),
		column(f, mem, tFloat, 0.5, 0.5, 0.5, nil),
		column(f, mem, tBool, true, nil, false, true),
	}
	_, err = kt.Lookup(cols, nil, nil)
	releaseAll(cols)
	if err != nil {
		f.Fatal(err)
	}
	if err := kt.Release(1); err != nil {
		f.Fatal(err)
	}
	data, err := kt.MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		kt, err := NewKeyTable(mem, types)
		if err != nil {
			t.Fatal(err)
		}
		if err := kt.UnmarshalBinary(data); err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		again, err := kt.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, data) {
			t.Fatal("restored table marshals differently")
		}
		ids := make([]uint32, 0, kt.Live())
		for id := uint32(0); id < uint32(kt.Len()); id++ {
			if !kt.released.get(id) {
				ids = append(ids, id)
			}
		}
		keys, err := kt.Keys(ids)
		if err != nil {
			t.Fatal(err)
		}
		// Looking the keys up again finds their ids.
		got, err := kt.Lookup(keys, nil, nil)
		releaseAll(keys)
		if err != nil {
			t.Fatal(err)
		}
		for i, id := range got {
			if id != ids[i] {
				t.Fatalf("key of id %d found as %d", ids[i], id)
			}
		}
	})
}
