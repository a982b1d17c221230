package exec

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/compute"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine/encode"
	"github.com/freshet/freshet/engine/eval"
	"github.com/freshet/freshet/sql"
)

// Sort orders rows by its keys. It holds what it is pushed and emits it
// sorted when the watermark advances: all rows at the end of a snapshot, the
// rows of each firing of a windowed query.
type Sort struct {
	mem     memory.Allocator
	keys    []eval.Evaluator
	desc    []bool
	pending []Batch
}

// Push implements Operator.
func (s *Sort) Push(b Batch) ([]Batch, error) {
	b.Rec.Retain()
	s.pending = append(s.pending, b)
	return nil, nil
}

// Advance implements Operator.
func (s *Sort) Advance(int64) ([]Batch, error) {
	if len(s.pending) == 0 {
		return nil, nil
	}
	pending := s.pending
	s.pending = nil
	defer releaseAll(pending)
	recs := make([]arrow.Record, len(pending))
	var times []int64
	for i, b := range pending {
		recs[i] = b.Rec
		times = append(times, b.Times...)
	}
	all, err := concatRecords(s.mem, recs)
	if err != nil {
		return nil, fmt.Errorf("sort: %w", err)
	}
	defer all.Release()
	keyCols, err := evalAll(s.keys, all)
	if err != nil {
		return nil, fmt.Errorf("sort keys: %w", err)
	}
	defer releaseArrays(keyCols)
	keys := make([][]sql.Value, len(keyCols))
	for k, c := range keyCols {
		keys[k] = make([]sql.Value, c.Len())
		for i := range keys[k] {
			if keys[k][i], err = encode.ValueAt(c, i); err != nil {
				return nil, err
			}
		}
	}
	idx := make([]int, all.NumRows())
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(x, y int) int {
		for k := range keys {
			c := compareValues(keys[k][x], keys[k][y])
			if s.desc[k] {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	out, err := takeRecord(s.mem, all, idx)
	if err != nil {
		return nil, fmt.Errorf("sort: %w", err)
	}
	sortedTimes := make([]int64, len(idx))
	for i, j := range idx {
		sortedTimes[i] = times[j]
	}
	return []Batch{{Rec: out, Times: sortedTimes}}, nil
}

// compareValues orders values of one type; NULL sorts first, as in MySQL.
func compareValues(a, b sql.Value) int {
	switch an, bn := a.IsNull(), b.IsNull(); {
	case an && bn:
		return 0
	case an:
		return -1
	case bn:
		return 1
	}
	switch a.Type {
	case sql.Boolean:
		return cmp.Compare(b2i(a.Bool), b2i(b.Bool))
	case sql.Float64:
		return cmp.Compare(a.Float, b.Float)
	case sql.String:
		return cmp.Compare(a.Str, b.Str)
	}
	return cmp.Compare(a.Int, b.Int)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Snapshot implements Operator: a sort holds rows only between a window's
// firing and the end of the same Advance, never across a checkpoint.
func (s *Sort) Snapshot() ([]byte, error) { return nil, nil }

// Restore implements Operator.
func (s *Sort) Restore([]byte) error { return nil }

// Close implements Operator.
func (s *Sort) Close() { releaseAll(s.pending); s.pending = nil }

// concatRecords joins record batches of one schema into one.
func concatRecords(mem memory.Allocator, recs []arrow.Record) (arrow.Record, error) {
	if len(recs) == 1 {
		recs[0].Retain()
		return recs[0], nil
	}
	schema := recs[0].Schema()
	cols := make([]arrow.Array, schema.NumFields())
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	for c := range cols {
		parts := make([]arrow.Array, len(recs))
		for i, r := range recs {
			parts[i] = r.Column(c)
		}
		col, err := array.Concatenate(parts, mem)
		if err != nil {
			releaseArrays(cols)
			return nil, err
		}
		cols[c] = col
	}
	defer releaseArrays(cols)
	return array.NewRecord(schema, cols, rows), nil
}

// takeRecord gathers rows idx of rec into a new record.
func takeRecord(mem memory.Allocator, rec arrow.Record, idx []int) (arrow.Record, error) {
	ib := array.NewInt64Builder(mem)
	for _, i := range idx {
		ib.Append(int64(i))
	}
	indices := ib.NewArray()
	ib.Release()
	defer indices.Release()
	ctx := compute.WithAllocator(ctxBackground, mem)
	cols := make([]arrow.Array, rec.NumCols())
	defer releaseArrays(cols)
	for c := range cols {
		out, err := compute.TakeArray(ctx, rec.Column(c), indices)
		if err != nil {
			return nil, err
		}
		cols[c] = out
	}
	return array.NewRecord(rec.Schema(), cols, int64(len(idx))), nil
}
