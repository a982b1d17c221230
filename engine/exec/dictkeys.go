package exec

import (
	"slices"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/freshet/freshet/sql"
)

// Dictionary-encoded group keys. A lake scan can hand a VARCHAR column as
// a dictionary array (int32 indices into its distinct values) when the
// file stores it dictionary-encoded, which spares decoding every string;
// the key table then looks each distinct value up once per batch (package
// agg). Only a Partial takes such columns, and only those its aggregation
// reads as bare GROUP BY keys and nothing else reads: filters pass them
// through untouched, and no expression ever sees one. A Partial's input
// may also lack the event times and the used columns it does not read
// (PartialInput).

// PartialInput is what the Partials of a pipeline read of their input.
type PartialInput struct {
	// Dictionary lists the scan columns (indexes into the scan's schema)
	// that Partial.Push takes as dictionary arrays of VARCHAR values as
	// well as String arrays: the VARCHAR columns that the aggregation's
	// GROUP BY names as keys and that no other expression reads.
	// Pipeline.Push takes none.
	Dictionary []int
	// Unread lists the used scan columns that no expression reads (the
	// scan lists _event_time whether or not the plan reads it): the input
	// may hold Null arrays there.
	Unread []int
	// Times says whether the Partials read the rows' event times (windows,
	// FIRST, LAST); if not, Batch.Times may be nil.
	Times bool
}

// PartialInput describes what the pipeline's Partials read; the zero
// value when the plan does not split.
func (p *Pipeline) PartialInput() PartialInput {
	filters, agg, ok := p.partialPlan()
	if !ok {
		return PartialInput{}
	}
	read := map[int]bool{}
	keys := map[int]bool{}
	for _, k := range agg.GroupBy {
		if c, ok := k.(*sql.ColumnRef); ok {
			read[c.Index] = true
			if c.Typ == sql.String {
				keys[c.Index] = true
			}
		}
	}
	other := func(e sql.Expr) {
		sql.Walk(e, func(x sql.Expr) bool {
			if c, ok := x.(*sql.ColumnRef); ok {
				read[c.Index] = true
				delete(keys, c.Index)
			}
			return true
		})
	}
	for _, f := range filters {
		other(f.Cond)
	}
	for _, k := range agg.GroupBy {
		if _, bare := k.(*sql.ColumnRef); !bare {
			other(k)
		}
	}
	in := PartialInput{Times: agg.Window != nil}
	for _, a := range agg.Aggs {
		for _, e := range a.Args {
			other(e)
		}
		switch strings.ToLower(a.Func) {
		case "first", "last":
			in.Times = true
		}
	}
	if agg.Window != nil {
		other(agg.Window.Time)
	}
	for c := range keys {
		in.Dictionary = append(in.Dictionary, c)
	}
	slices.Sort(in.Dictionary)
	for _, u := range p.scan.Used {
		if !read[u] {
			in.Unread = append(in.Unread, u)
		}
	}
	return in
}

// keyColumns returns, for each group key of agg, the scan column it names
// when it is a bare column reference, else -1.
func keyColumns(agg *sql.Aggregate) []int {
	out := make([]int, len(agg.GroupBy))
	for i, k := range agg.GroupBy {
		out[i] = -1
		if c, ok := k.(*sql.ColumnRef); ok {
			out[i] = c.Index
		}
	}
	return out
}

// evalKeys evaluates the group keys over rec, a key that is a bare
// column held as a dictionary array (see PartialInput) being that
// array, retained. The caller releases the arrays.
func (a *Aggregate) evalKeys(rec arrow.Record) ([]arrow.Array, error) {
	if a.keyCols == nil {
		return evalAll(a.keys, rec)
	}
	out := make([]arrow.Array, len(a.keys))
	for i, e := range a.keys {
		if c := a.keyCols[i]; c >= 0 && c < int(rec.NumCols()) {
			if d, ok := rec.Column(c).(*array.Dictionary); ok {
				d.Retain()
				out[i] = d
				continue
			}
		}
		v, err := e.Eval(rec)
		if err != nil {
			releaseArrays(out)
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// scanSchemaOf is the scan schema with the types of cols, one column per
// scan column: a dictionary type where a column is a dictionary array.
func (p *Pipeline) scanSchemaOf(cols []arrow.Array) *arrow.Schema {
	var fields []arrow.Field
	for i, c := range cols {
		if arrow.TypeEqual(c.DataType(), p.scanSchema.Field(i).Type) {
			continue
		}
		if fields == nil {
			fields = slices.Clone(p.scanSchema.Fields())
		}
		fields[i].Type = c.DataType()
	}
	if fields == nil {
		return p.scanSchema
	}
	return arrow.NewSchema(fields, nil)
}
