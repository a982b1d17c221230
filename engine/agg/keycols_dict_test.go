package agg

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

var tDict = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// dictColumn builds a dictionary array over values dict (nil: NULL) with
// indices idx (-1: a NULL row).
func dictColumn(t testing.TB, mem memory.Allocator, dict []any, idx ...int) arrow.Array {
	t.Helper()
	vals := column(t, mem, tString, dict...)
	defer vals.Release()
	ib := array.NewInt32Builder(mem)
	defer ib.Release()
	for _, i := range idx {
		if i < 0 {
			ib.AppendNull()
		} else {
			ib.Append(int32(i))
		}
	}
	ind := ib.NewArray()
	defer ind.Release()
	return array.NewDictionaryArray(tDict, ind, vals)
}

// plainOf decodes a dictionary array into a String array.
func plainOf(t testing.TB, mem memory.Allocator, arr arrow.Array) arrow.Array {
	t.Helper()
	d := arr.(*array.Dictionary)
	vals := make([]any, d.Len())
	for i := range vals {
		if !d.IsNull(i) && !d.Dictionary().IsNull(d.GetValueIndex(i)) {
			vals[i] = d.Dictionary().(*array.String).Value(d.GetValueIndex(i))
		}
	}
	return column(t, mem, tString, vals...)
}

// A dictionary-encoded VARCHAR key column gives the ids, keys and order of
// first sight that the same values as plain strings give: alone (looked
// up once per index) and beside another key column; with NULL rows, a
// NULL dictionary value, values no row uses and sliced arrays.
func TestKeyTableDictionary(t *testing.T) {
	dict := []any{"b", "a", nil, "unused", "c", ""}
	rnd := rand.New(rand.NewPCG(1, 2))
	idx := make([]int, 500)
	ints := make([]any, len(idx))
	for i := range idx {
		idx[i] = []int{0, 1, 2, 4, 5, -1}[rnd.IntN(6)]
		ints[i] = rnd.IntN(3)
	}
	for _, c := range []struct {
		name  string
		types []arrow.DataType
	}{{"alone", []arrow.DataType{tString}}, {"with an int", []arrow.DataType{tString, tInt}}} {
		t.Run(c.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			d := dictColumn(t, mem, dict, idx...)
			p := plainOf(t, mem, d)
			n := column(t, mem, tInt, ints...)
			defer releaseAll([]arrow.Array{d, p, n})
			run := func(key arrow.Array) ([]uint32, [][]any) {
				kt, err := NewKeyTable(mem, c.types)
				if err != nil {
					t.Fatal(err)
				}
				var ids []uint32
				// Two batches: the second a slice that starts mid-byte.
				for _, r := range [][2]int{{0, 123}, {123, 500}} {
					cols := []arrow.Array{array.NewSlice(key, int64(r[0]), int64(r[1])), array.NewSlice(n, int64(r[0]), int64(r[1]))}
					got, err := kt.Lookup(cols[:len(c.types)], nil, nil)
					releaseAll(cols)
					if err != nil {
						t.Fatal(err)
					}
					ids = append(ids, got...)
				}
				// Selected rows find the ids they had.
				sel := []int32{499, 7, 7, 250}
				again, err := kt.Lookup([]arrow.Array{key, n}[:len(c.types)], sel, nil)
				if err != nil {
					t.Fatal(err)
				}
				for i, r := range sel {
					if again[i] != ids[r] {
						t.Fatalf("row %d: id %d, had %d", r, again[i], ids[r])
					}
				}
				keys, err := kt.Keys(slotsUpTo(kt.Len()))
				if err != nil {
					t.Fatal(err)
				}
				defer releaseAll(keys)
				var out [][]any
				for _, k := range keys {
					out = append(out, values(t, k))
				}
				return ids, out
			}
			wantIDs, wantKeys := run(p)
			gotIDs, gotKeys := run(d)
			if !slices.Equal(gotIDs, wantIDs) {
				t.Errorf("ids differ:\ndictionary %v\nplain      %v", gotIDs, wantIDs)
			}
			if fmt.Sprint(gotKeys) != fmt.Sprint(wantKeys) {
				t.Errorf("keys differ:\ndictionary %v\nplain      %v", gotKeys, wantKeys)
			}
			for _, k := range gotKeys[0] {
				if k == "unused" {
					t.Error("a dictionary value no row uses became a key")
				}
			}
		})
	}
}

// Dictionaries of other index or value types, and indices out of range,
// are refused.
func TestKeyTableDictionaryErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	kt, err := NewKeyTable(mem, []arrow.DataType{tString})
	if err != nil {
		t.Fatal(err)
	}
	vals := column(t, mem, tInt, 1, 2)
	ib := array.NewInt32Builder(mem)
	ib.AppendValues([]int32{0, 1}, nil)
	ind := ib.NewArray()
	ib.Release()
	wrong := array.NewDictionaryArray(&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: tInt}, ind, vals)
	bad := dictColumn(t, mem, []any{"a"}, 0, 3)
	defer releaseAll([]arrow.Array{vals, ind, wrong, bad})
	for _, arr := range []arrow.Array{wrong, bad} {
		if _, err := kt.Lookup([]arrow.Array{arr}, nil, nil); err == nil {
			t.Errorf("%s: no error", arr)
		}
	}
	if kt.Len() != 0 {
		t.Fatalf("%d keys after failed lookups", kt.Len())
	}
}
