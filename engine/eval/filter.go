package eval

import (
	"fmt"
	"math/bits"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/sql"
)

// Filter returns the rows of rec for which mask, a Boolean array of
// rec.NumRows() rows, is TRUE; a NULL in the mask drops the row, as WHERE
// does. The caller owns the result and must Release it; rec and mask are
// only borrowed. When every row passes the result is rec itself (retained),
// when the rows that pass are one run it is a zero-copy slice of rec, and
// otherwise the columns are copied (BOOLEAN, BIGINT, DOUBLE, VARCHAR,
// TIMESTAMP and INTERVAL columns; others are an error).
func Filter(mem memory.Allocator, rec arrow.Record, mask arrow.Array) (arrow.Record, error) {
	n := int(rec.NumRows())
	if mask.Len() != n || mask.DataType().ID() != arrow.BOOL {
		return nil, fmt.Errorf("filter: the mask is %d rows of %s, want %d rows of bool", mask.Len(), mask.DataType(), n)
	}
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	sel := selection(mask)
	switch {
	case len(sel) == n:
		rec.Retain()
		return rec, nil
	case len(sel) == 0:
		return rec.NewSlice(0, 0), nil
	case int(sel[len(sel)-1]-sel[0]) == len(sel)-1:
		return rec.NewSlice(int64(sel[0]), int64(sel[len(sel)-1])+1), nil
	}
	cols := make([]arrow.Array, rec.NumCols())
	for i := range cols {
		col, err := take(mem, rec.Column(i), sel)
		if err != nil {
			for _, c := range cols[:i] {
				c.Release()
			}
			return nil, fmt.Errorf("filter column %s: %w", rec.ColumnName(i), err)
		}
		cols[i] = col
	}
	out := array.NewRecord(rec.Schema(), cols, int64(len(sel)))
	for _, c := range cols {
		c.Release()
	}
	return out, nil
}

// selection returns the indexes of the rows where mask is TRUE.
func selection(mask arrow.Array) []int32 {
	n := mask.Len()
	vals, valid := boolParts(mask)
	sel := make([]int32, 0, n)
	nb := int(bitutil.BytesForBits(int64(n)))
	for k := 0; k < nb; k++ {
		m := vals[k]
		if valid != nil {
			m &= valid[k]
		}
		if k == nb-1 && n%8 != 0 {
			m &= byte(1)<<(n%8) - 1
		}
		if m == 0xff {
			base := int32(k * 8)
			sel = append(sel, base, base+1, base+2, base+3, base+4, base+5, base+6, base+7)
			continue
		}
		for ; m != 0; m &= m - 1 {
			sel = append(sel, int32(k*8+bits.TrailingZeros8(m)))
		}
	}
	return sel
}

// take copies the rows sel of col into a new array.
func take(mem memory.Allocator, col arrow.Array, sel []int32) (arrow.Array, error) {
	if d, ok := col.(*array.Dictionary); ok {
		return takeDictionary(mem, d, sel)
	}
	n := len(sel)
	dt := col.DataType()
	if col.NullN() == col.Len() {
		// A column the reader left NULL (one the query does not use).
		if t, err := SQLType(dt); err == nil {
			return broadcast(mem, sql.NullOf(t), n), nil
		}
	}
	var validity *memory.Buffer
	nulls := 0
	if nb, off := validBits(col); nb != nil {
		vbuf, valid := newBits(mem, n, false)
		for k, i := range sel {
			j := off + int(i)
			valid[k>>3] |= (nb[j>>3] >> (j & 7) & 1) << (k & 7)
		}
		validity, nulls = finishValidity(vbuf, valid, n)
	}
	switch dt.ID() {
	case arrow.INT64, arrow.TIMESTAMP, arrow.DURATION, arrow.FLOAT64:
		src := values[int64](col)
		buf, out := newValues[int64](mem, n)
		for k, i := range sel {
			out[k] = src[i]
		}
		return makeArray(dt, n, nulls, validity, buf), nil
	case arrow.BOOL:
		src, off := boolBits(col)
		buf, out := newBits(mem, n, false)
		for k, i := range sel {
			j := off + int(i)
			out[k>>3] |= (src[j>>3] >> (j & 7) & 1) << (k & 7)
		}
		return makeArray(dt, n, nulls, validity, buf), nil
	case arrow.STRING:
		offs, data := strData(col)
		o := newStrOut(mem, n, 0)
		size := int32(0)
		for k, i := range sel {
			size += offs[i+1] - offs[i]
			o.offs[k+1] = size
		}
		o.grow(int(size))
		dst := o.data
		for k, i := range sel {
			copy(dst[o.offs[k]:o.offs[k+1]], data[offs[i]:offs[i+1]])
		}
		o.size = int(size)
		return o.finish(n, validity, nulls)
	}
	if validity != nil {
		validity.Release()
	}
	return nil, fmt.Errorf("unsupported column type %s", dt)
}

// Project evaluates evals over rec and returns their results as a record
// of schema, whose fields must have the evaluators' types. The caller owns
// the result; rec is only borrowed (columns passed through are shared).
func Project(rec arrow.Record, evals []Evaluator, schema *arrow.Schema) (arrow.Record, error) {
	if len(evals) != schema.NumFields() {
		return nil, fmt.Errorf("project: %d expressions for %d fields", len(evals), schema.NumFields())
	}
	cols := make([]arrow.Array, len(evals))
	release := func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}
	defer release()
	for i, ev := range evals {
		col, err := ev.Eval(rec)
		if err != nil {
			return nil, fmt.Errorf("project %s: %w", schema.Field(i).Name, err)
		}
		cols[i] = col
		if ft := schema.Field(i).Type; !arrow.TypeEqual(col.DataType(), ft) {
			return nil, fmt.Errorf("project %s: the expression gives %s, the schema wants %s", schema.Field(i).Name, col.DataType(), ft)
		}
	}
	return array.NewRecord(schema, cols, rec.NumRows()), nil
}
