package exec

import (
	"github.com/apache/arrow/go/v17/arrow"
)

// Batch is a record batch with the event time (Unix ms) of each row.
type Batch struct {
	Rec   arrow.Record
	Times []int64
}

// Release releases the batch's record.
func (b Batch) Release() {
	if b.Rec != nil {
		b.Rec.Release()
	}
}

// Rows is the number of rows.
func (b Batch) Rows() int {
	if b.Rec == nil {
		return 0
	}
	return int(b.Rec.NumRows())
}

// Operator is one stage of a pipeline.
type Operator interface {
	// Push processes b and returns the batches it produces. It does not
	// keep b; the caller releases b afterwards.
	Push(b Batch) ([]Batch, error)
	// Advance tells the operator that the watermark is now wm (math.MaxInt64
	// at the end of a bounded input) and returns what became final.
	Advance(wm int64) ([]Batch, error)
	// Snapshot returns the operator's state; Restore sets it from a
	// snapshot of an operator built from the same plan.
	Snapshot() ([]byte, error)
	Restore(state []byte) error
	// Close releases the operator's state.
	Close()
}

// stateless is embedded by operators without state.
type stateless struct{}

func (stateless) Advance(int64) ([]Batch, error) { return nil, nil }
func (stateless) Snapshot() ([]byte, error)      { return nil, nil }
func (stateless) Restore([]byte) error           { return nil }
func (stateless) Close()                         {}

func releaseAll(bs []Batch) {
	for _, b := range bs {
		b.Release()
	}
}
