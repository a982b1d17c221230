package exec

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine/eval"
)

// Filter keeps the rows for which its condition is TRUE.
type Filter struct {
	stateless
	mem  memory.Allocator
	cond eval.Evaluator
}

// Push implements Operator.
func (f *Filter) Push(b Batch) ([]Batch, error) {
	mask, err := f.cond.Eval(b.Rec)
	if err != nil {
		return nil, fmt.Errorf("filter: %w", err)
	}
	defer mask.Release()
	out, err := eval.Filter(f.mem, b.Rec, mask)
	if err != nil {
		return nil, fmt.Errorf("filter: %w", err)
	}
	if out.NumRows() == 0 {
		out.Release()
		return nil, nil
	}
	times := b.Times
	if out.NumRows() != b.Rec.NumRows() {
		times = selectTimes(mask, b.Times)
	}
	return []Batch{{Rec: out, Times: times}}, nil
}
