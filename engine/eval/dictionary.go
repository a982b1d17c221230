package eval

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// takeDictionary is take for a dictionary array with int32 indices, which
// a lake scan may hand through for a column only an aggregation's keys
// read: the indices are taken, the dictionary shared.
func takeDictionary(mem memory.Allocator, d *array.Dictionary, sel []int32) (arrow.Array, error) {
	dt := d.DataType().(*arrow.DictionaryType)
	ind, ok := d.Indices().(*array.Int32)
	if !ok {
		return nil, fmt.Errorf("unsupported dictionary index type %s", dt.IndexType)
	}
	n := len(sel)
	var validity *memory.Buffer
	nulls := 0
	if nb, off := validBits(d); nb != nil {
		vbuf, valid := newBits(mem, n, false)
		for k, i := range sel {
			j := off + int(i)
			valid[k>>3] |= (nb[j>>3] >> (j & 7) & 1) << (k & 7)
		}
		validity, nulls = finishValidity(vbuf, valid, n)
	}
	src := ind.Int32Values()
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(n * 4)
	out := castBytes[int32](buf.Bytes())
	for k, i := range sel {
		out[k] = src[i]
	}
	data := array.NewDataWithDictionary(dt, n, []*memory.Buffer{validity, buf}, nulls, 0, d.Dictionary().Data().(*array.Data))
	arr := array.MakeFromData(data)
	data.Release()
	buf.Release()
	if validity != nil {
		validity.Release()
	}
	return arr, nil
}
