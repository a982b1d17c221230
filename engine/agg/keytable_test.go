package agg

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

func TestKeyTableLookup(t *testing.T) {
	negZero := math.Copysign(0, -1)
	for _, c := range []struct {
		name  string
		types []arrow.DataType
		cols  [][]any
		ids   []uint32
		keys  [][]any // the keys of ids 0, 1, …
	}{
		{"int", []arrow.DataType{tInt}, [][]any{{5, nil, 5, 0, nil, math.MinInt64}},
			[]uint32{0, 1, 0, 2, 1, 3}, [][]any{{int64(5), nil, int64(0), int64(math.MinInt64)}}},
		{"string", []arrow.DataType{tString}, [][]any{{"a", "", nil, "a", "", "ab"}},
			[]uint32{0, 1, 2, 0, 1, 3}, [][]any{{"a", "", nil, "ab"}}},
		{"float", []arrow.DataType{tFloat}, [][]any{{0.0, negZero, nan, math.NaN(), nil, 1.5}},
			[]uint32{0, 0, 1, 1, 2, 3}, [][]any{{0.0, nan, nil, 1.5}}},
		{"bool", []arrow.DataType{tBool}, [][]any{{true, false, nil, true, nil}},
			[]uint32{0, 1, 2, 0, 2}, [][]any{{true, false, nil}}},
		{"timestamp", []arrow.DataType{tTime}, [][]any{{1000, 2000, 1000, nil}},
			[]uint32{0, 1, 0, 2}, [][]any{{int64(1000), int64(2000), nil}}},
		{"string and int", []arrow.DataType{tString, tInt},
			[][]any{{"a", "a", nil, nil, "a", "b"}, {1, 2, 1, nil, 1, nil}},
			[]uint32{0, 1, 2, 3, 0, 4},
			[][]any{{"a", "a", nil, nil, "b"}, {int64(1), int64(2), int64(1), nil, nil}}},
		{"time, bool, float", []arrow.DataType{tTime, tBool, tFloat},
			[][]any{{1, 1, 1, 1}, {true, true, false, true}, {2.0, 2.0, 2.0, negZero}},
			[]uint32{0, 0, 1, 2},
			[][]any{{int64(1), int64(1), int64(1)}, {true, false, true}, {2.0, 2.0, 0.0}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			kt, err := NewKeyTable(mem, c.types)
			if err != nil {
				t.Fatal(err)
			}
			cols := make([]arrow.Array, len(c.types))
			for i, dt := range c.types {
				cols[i] = column(t, mem, dt, c.cols[i]...)
			}
			defer releaseAll(cols)
			ids, err := kt.Lookup(cols, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(ids) != fmt.Sprint(c.ids) {
				t.Errorf("ids %v, want %v", ids, c.ids)
			}
			if kt.Len() != len(c.keys[0]) || kt.Live() != kt.Len() {
				t.Errorf("Len %d, Live %d, want %d", kt.Len(), kt.Live(), len(c.keys[0]))
			}
			// A second lookup of some rows finds the same ids.
			again, err := kt.Lookup(cols, []int32{3, 0}, ids[:0])
			if err != nil {
				t.Fatal(err)
			}
			if again[0] != c.ids[3] || again[1] != c.ids[0] {
				t.Errorf("second lookup %v", again)
			}
			keys, err := kt.Keys(slotsUpTo(kt.Len()))
			if err != nil {
				t.Fatal(err)
			}
			defer releaseAll(keys)
			for i, k := range keys {
				if !arrow.TypeEqual(k.DataType(), c.types[i]) {
					t.Errorf("key column %d has type %s", i, k.DataType())
				}
				if err := sameList(values(t, k), c.keys[i]); err != nil {
					t.Errorf("key column %d: %v", i, err)
				}
			}
		})
	}
}

func TestKeyTableErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, types := range [][]arrow.DataType{nil, {arrow.PrimitiveTypes.Int32}, {tInt, arrow.BinaryTypes.Binary}} {
		if _, err := NewKeyTable(mem, types); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%v: error %v", types, err)
		}
	}
	kt, err := NewKeyTable(mem, []arrow.DataType{tInt, tString})
	if err != nil {
		t.Fatal(err)
	}
	i2, i1 := column(t, mem, tInt, 1, 2), column(t, mem, tInt, 1)
	s2, f2 := column(t, mem, tString, "a", "b"), column(t, mem, tFloat, 1.0, 2.0)
	defer releaseAll([]arrow.Array{i2, i1, s2, f2})
	for name, keys := range map[string][]arrow.Array{
		"one array":   {i2},
		"wrong type":  {i2, f2},
		"swapped":     {s2, i2},
		"lengths":     {i1, s2},
		"three array": {i2, s2, s2},
	} {
		if _, err := kt.Lookup(keys, nil, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := kt.Lookup([]arrow.Array{i2, s2}, []int32{2}, nil); err == nil {
		t.Error("row out of range: no error")
	}
	if kt.Len() != 0 {
		t.Errorf("failed lookups made %d keys", kt.Len())
	}
	if _, err := kt.Keys([]uint32{0}); err == nil {
		t.Error("Keys of no key: no error")
	}
	if err := kt.Release(0); err == nil {
		t.Error("Release of no key: no error")
	}
}

// TestKeyTableRandom checks ids against a map through many lookups and
// releases, growing and shrinking the table.
func TestKeyTableRandom(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	kt, err := NewKeyTable(mem, []arrow.DataType{tString, tInt})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	type key struct {
		s string
		n any
	}
	ref := map[key]uint32{}
	byID := map[uint32]key{}
	for round := range 60 {
		n := 1 + rng.IntN(3000)
		strs, ints := make([]any, n), make([]any, n)
		for i := range n {
			strs[i] = fmt.Sprintf("k%d", rng.IntN(5000))
			if rng.IntN(50) == 0 {
				strs[i] = nil
			}
			ints[i] = rng.IntN(3)
			if rng.IntN(7) == 0 {
				ints[i] = nil
			}
		}
		cs, ci := column(t, mem, tString, strs...), column(t, mem, tInt, ints...)
		ids, err := kt.Lookup([]arrow.Array{cs, ci}, nil, nil)
		releaseAll([]arrow.Array{cs, ci})
		if err != nil {
			t.Fatal(err)
		}
		for i, id := range ids {
			s, _ := strs[i].(string)
			k := key{s, ints[i]}
			if strs[i] == nil {
				k.s = "\x00null"
			}
			if want, ok := ref[k]; ok && want != id {
				t.Fatalf("round %d: key %v has id %d, was %d", round, k, id, want)
			} else if !ok {
				if _, taken := byID[id]; taken {
					t.Fatalf("round %d: new key %v got id %d of %v", round, k, id, byID[id])
				}
				ref[k], byID[id] = id, k
			}
		}
		// Release a random share of the keys.
		for id, k := range byID {
			if rng.IntN(4) == 0 {
				if err := kt.Release(id); err != nil {
					t.Fatal(err)
				}
				delete(byID, id)
				delete(ref, k)
			}
		}
		if kt.Live() != len(ref) {
			t.Fatalf("round %d: Live %d, want %d", round, kt.Live(), len(ref))
		}
	}
	// The keys of the live ids are what the map says.
	ids := make([]uint32, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	keys, err := kt.Keys(ids)
	if err != nil {
		t.Fatal(err)
	}
	defer releaseAll(keys)
	strs, ints := values(t, keys[0]), values(t, keys[1])
	for i, id := range ids {
		k := byID[id]
		if k.s == "\x00null" {
			if strs[i] != nil {
				t.Fatalf("id %d: string %v, want NULL", id, strs[i])
			}
		} else if strs[i] != k.s {
			t.Fatalf("id %d: string %v, want %v", id, strs[i], k.s)
		}
		if !(ints[i] == nil && k.n == nil) && !same(ints[i], k.n) {
			t.Fatalf("id %d: int %v, want %v", id, ints[i], k.n)
		}
	}
}

// TestKeyTableCompaction releases enough long keys to compact the string
// bytes.
func TestKeyTableCompaction(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	kt, err := NewKeyTable(mem, []arrow.DataType{tString})
	if err != nil {
		t.Fatal(err)
	}
	const n = 3000
	strs := make([]any, n)
	for i := range strs {
		strs[i] = fmt.Sprintf("%04d%s", i, strings.Repeat("x", 1000))
	}
	col := column(t, mem, tString, strs...)
	defer col.Release()
	if _, err := kt.Lookup([]arrow.Array{col}, nil, nil); err != nil {
		t.Fatal(err)
	}
	before := kt.StateBytes()
	for id := uint32(0); id < n; id++ {
		if id%3 != 0 {
			if err := kt.Release(id); err != nil {
				t.Fatal(err)
			}
		}
	}
	if after := kt.StateBytes(); after > before*2/3 {
		t.Errorf("StateBytes %d after releasing 2/3 of %d", after, before)
	}
	ids, err := kt.Lookup([]arrow.Array{col}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		if i%3 == 0 && id != uint32(i) {
			t.Fatalf("kept key %d has id %d", i, id)
		}
	}
	if kt.Len() != n || kt.Live() != n {
		t.Errorf("Len %d Live %d, want %d: released ids are reused", kt.Len(), kt.Live(), n)
	}
}

func TestKeyTableMarshal(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	types := []arrow.DataType{tString, tInt, tFloat, tBool, tTime}
	kt, err := NewKeyTable(mem, types)
	if err != nil {
		t.Fatal(err)
	}
	batch := func(seed uint64) []arrow.Array {
		rng := rand.New(rand.NewPCG(seed, 0))
		cols := make([][]any, len(types))
		for range 500 {
			for c := range cols {
				var v any
				switch c {
				case 0:
					v = fmt.Sprint("s", rng.IntN(20))
				case 1, 4:
					v = rng.IntN(3)
				case 2:
					v = float64(rng.IntN(2)) / 2
				case 3:
					v = rng.IntN(2) == 0
				}
				if rng.IntN(10) == 0 {
					v = nil
				}
				cols[c] = append(cols[c], v)
			}
		}
		arrs := make([]arrow.Array, len(types))
		for c, dt := range types {
			arrs[c] = column(t, mem, dt, cols[c]...)
		}
		return arrs
	}
	b1 := batch(1)
	defer releaseAll(b1)
	if _, err := kt.Lookup(b1, nil, nil); err != nil {
		t.Fatal(err)
	}
	for id := uint32(0); id < uint32(kt.Len()); id += 7 {
		if err := kt.Release(id); err != nil {
			t.Fatal(err)
		}
	}
	data, err := kt.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	restored, err := NewKeyTable(mem, types)
	if err != nil {
		t.Fatal(err)
	}
	if err := restored.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if again, _ := restored.MarshalBinary(); !bytes.Equal(again, data) {
		t.Error("re-marshalled table differs")
	}
	if restored.Len() != kt.Len() || restored.Live() != kt.Live() {
		t.Errorf("restored Len %d Live %d, want %d %d", restored.Len(), restored.Live(), kt.Len(), kt.Live())
	}
	// Both give the same ids to a new batch, reusing the same released ids.
	b2 := batch(2)
	defer releaseAll(b2)
	want, err := kt.Lookup(b2, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := restored.Lookup(b2, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("restored table gives ids %v, want %v", got, want)
	}
	k1, err := kt.Keys(want)
	if err != nil {
		t.Fatal(err)
	}
	defer releaseAll(k1)
	k2, err := restored.Keys(want)
	if err != nil {
		t.Fatal(err)
	}
	defer releaseAll(k2)
	for i := range k1 {
		if !arrowEqual(k1[i], k2[i]) {
			t.Errorf("key column %d differs", i)
		}
	}

	// Data for other key types, and damaged data, are refused.
	other, err := NewKeyTable(mem, []arrow.DataType{tString, tInt})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.UnmarshalBinary(data); !errors.Is(err, ErrCorrupt) {
		t.Errorf("other types: %v", err)
	}
	for _, bad := range [][]byte{nil, data[:len(data)/2], append(append([]byte{}, data...), 0), []byte("FKT\x02")} {
		if err := restored.UnmarshalBinary(bad); !errors.Is(err, ErrCorrupt) {
			t.Errorf("bad data of %d bytes: %v", len(bad), err)
		}
	}
	if restored.Len() != kt.Len() {
		t.Error("a failed UnmarshalBinary changed the table")
	}
}

func arrowEqual(a, b arrow.Array) bool {
	return fmt.Sprint(a) == fmt.Sprint(b) && a.NullN() == b.NullN()
}

func TestKeyTableManyKeys(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	kt, err := NewKeyTable(mem, []arrow.DataType{tInt})
	if err != nil {
		t.Fatal(err)
	}
	const n = 200_000
	vals := make([]any, n)
	for i := range vals {
		vals[i] = i * 1_000_003
	}
	col := column(t, mem, tInt, vals...)
	defer col.Release()
	for pass := range 2 {
		ids, err := kt.Lookup([]arrow.Array{col}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, id := range ids {
			if id != uint32(i) {
				t.Fatalf("pass %d: row %d has id %d", pass, i, id)
			}
		}
	}
	if kt.Len() != n {
		t.Errorf("Len %d", kt.Len())
	}
}

// TestKeyTableSliced looks up keys from arrays that start at an offset.
func TestKeyTableSliced(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	kt, err := NewKeyTable(mem, []arrow.DataType{tString, tFloat, tBool})
	if err != nil {
		t.Fatal(err)
	}
	full := []arrow.Array{
		column(t, mem, tString, "x", "a", nil, "a", "x"),
		column(t, mem, tFloat, 5.0, 1.0, nil, 1.0, 5.0),
		column(t, mem, tBool, true, nil, false, nil, true),
	}
	defer releaseAll(full)
	var sliced []arrow.Array
	for _, c := range full {
		sliced = append(sliced, array.NewSlice(c, 1, 4))
	}
	defer releaseAll(sliced)
	ids, err := kt.Lookup(sliced, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ids) != "[0 1 0]" {
		t.Errorf("ids %v", ids)
	}
	keys, err := kt.Keys([]uint32{0, 1})
	if err != nil {
		t.Fatal(err)
	}
	defer releaseAll(keys)
	for i, want := range [][]any{{"a", nil}, {1.0, nil}, {nil, false}} {
		if err := sameList(values(t, keys[i]), want); err != nil {
			t.Errorf("key column %d: %v", i, err)
		}
	}
}
