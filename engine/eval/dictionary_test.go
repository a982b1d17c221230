package eval

import (
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Filter keeps a dictionary column dictionary-encoded: the kept rows'
// indices over the same dictionary, NULLs kept, from a sliced record too.
func TestFilterDictionary(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	vb := array.NewStringBuilder(mem)
	vb.AppendValues([]string{"x", "y", "z"}, nil)
	vals := vb.NewArray()
	vb.Release()
	ib := array.NewInt32Builder(mem)
	ib.AppendValues([]int32{0, 2, 1, 0, 0, 2, 1}, []bool{true, true, false, true, true, true, true})
	ind := ib.NewArray()
	ib.Release()
	col := array.NewDictionaryArray(dt, ind, vals)
	vals.Release()
	ind.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "d", Type: dt, Nullable: true}}, nil)
	full := array.NewRecord(schema, []arrow.Array{col}, int64(col.Len()))
	col.Release()
	defer full.Release()
	rec := full.NewSlice(1, 7) // z, NULL, x, x, z, y
	defer rec.Release()
	mask := boolArray(mem, true, true, false, true, nil, true)
	defer mask.Release()
	out, err := Filter(mem, rec, mask)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	d, ok := out.Column(0).(*array.Dictionary)
	if !ok {
		t.Fatalf("column is %s", out.Column(0).DataType())
	}
	var got []any
	for i := range d.Len() {
		if d.IsNull(i) {
			got = append(got, nil)
			continue
		}
		got = append(got, d.Dictionary().(*array.String).Value(d.GetValueIndex(i)))
	}
	if want := []any{"z", nil, "x", "y"}; !sameValues(got, want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
	if d.Dictionary().Len() != 3 {
		t.Fatalf("dictionary of %d values", d.Dictionary().Len())
	}
}
