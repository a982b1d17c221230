package exec

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/freshet/freshet/engine/eval"
)

// Project computes the output columns.
type Project struct {
	stateless
	exprs  []eval.Evaluator
	schema *arrow.Schema
}

// Push implements Operator.
func (p *Project) Push(b Batch) ([]Batch, error) {
	cols := make([]arrow.Array, len(p.exprs))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, e := range p.exprs {
		c, err := e.Eval(b.Rec)
		if err != nil {
			return nil, fmt.Errorf("project %s: %w", p.schema.Field(i).Name, err)
		}
		cols[i] = c
	}
	rec := array.NewRecord(p.schema, cols, b.Rec.NumRows())
	return []Batch{{Rec: rec, Times: b.Times}}, nil
}

// Limit passes on the first N rows and then reports Done.
type Limit struct {
	stateless
	n    int64
	seen int64
}

// Push implements Operator.
func (l *Limit) Push(b Batch) ([]Batch, error) {
	left := l.n - l.seen
	if left <= 0 {
		return nil, nil
	}
	rows := b.Rec.NumRows()
	if rows <= left {
		l.seen += rows
		b.Rec.Retain()
		return []Batch{b}, nil
	}
	l.seen = l.n
	return []Batch{{Rec: b.Rec.NewSlice(0, left), Times: b.Times[:left]}}, nil
}

// Done reports whether the limit has been reached.
func (l *Limit) Done() bool { return l.seen >= l.n }

// Snapshot implements Operator: the count of rows passed.
func (l *Limit) Snapshot() ([]byte, error) { return appendVarint(nil, l.seen), nil }

// Restore implements Operator.
func (l *Limit) Restore(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	v, _, err := readVarint(b)
	l.seen = v
	return err
}

// selectTimes keeps the times of the rows where mask is TRUE.
func selectTimes(mask arrow.Array, times []int64) []int64 {
	if times == nil {
		return nil // a bounded scan that reads no event times
	}
	m := mask.(*array.Boolean)
	out := make([]int64, 0, len(times))
	for i, t := range times {
		if m.IsValid(i) && m.Value(i) {
			out = append(out, t)
		}
	}
	return out
}
