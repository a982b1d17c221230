package engine

import (
	"context"
	"io"
	"sync"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/freshet/freshet/engine/exec"
	"github.com/freshet/freshet/sql"
)

// Result is what a statement returns: a message (CREATE STREAM, INSERT,
// STOP QUERY), rows (SELECT, SHOW, DESCRIBE, EXPLAIN), or both.
//
// Rows come as Arrow record batches from Next until io.EOF. A batch returned
// by Next belongs to the caller, who releases it; it stays valid after later
// calls. A push query's Next blocks until rows arrive, its LIMIT is reached
// or ctx (or Close) cancels it. Close must be called when done.
type Result struct {
	// Columns is the schema of the rows; nil when there are none.
	Columns sql.Schema
	// Message says what a statement without rows did.
	Message string
	// QueryID is the id of the persistent query an INSERT … SELECT started.
	QueryID string
	// Kind is the query kind of a SELECT (0 for other statements).
	Kind sql.QueryKind

	batches chan arrow.Record
	errc    chan error // the producer's final error, nil at a normal end
	cancel  context.CancelFunc
	once    sync.Once
	err     error
	done    bool
}

// staticResult returns a result of fixed batches.
func staticResult(cols sql.Schema, recs ...arrow.Record) *Result {
	r := &Result{Columns: cols, batches: make(chan arrow.Record, len(recs)), errc: make(chan error, 1), cancel: func() {}}
	for _, rec := range recs {
		r.batches <- rec
	}
	close(r.batches)
	r.errc <- nil
	return r
}

func messageResult(msg string) *Result {
	r := staticResult(nil)
	r.Message = msg
	return r
}

// streamResult returns a result fed by a producer goroutine: it sends
// batches on the returned channel, closes it when done, and then sends its
// final error (nil for a normal end) on errc. cancel stops the producer.
func streamResult(cols sql.Schema, kind sql.QueryKind, cancel context.CancelFunc) (*Result, chan<- arrow.Record, chan<- error) {
	r := &Result{Columns: cols, Kind: kind, batches: make(chan arrow.Record, 4), errc: make(chan error, 1), cancel: cancel}
	return r, r.batches, r.errc
}

// sendTo returns an emit function that hands a query's output batches to
// a Result's channel until ctx ends (then it releases the batch).
func sendTo(ctx context.Context, batches chan<- arrow.Record) func(exec.Batch) error {
	return func(b exec.Batch) error {
		select {
		case batches <- b.Rec:
			return nil
		case <-ctx.Done():
			b.Release()
			return ctx.Err()
		}
	}
}

// Next returns the next batch of rows, or io.EOF after the last.
func (r *Result) Next(ctx context.Context) (arrow.Record, error) {
	if r.done {
		return nil, r.final()
	}
	select {
	case rec, ok := <-r.batches:
		if ok {
			return rec, nil
		}
		r.done = true
		r.err = <-r.errc
		return nil, r.final()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (r *Result) final() error {
	if r.err != nil {
		return r.err
	}
	return io.EOF
}

// Close stops the query behind the result (if any) and releases the batches
// not read.
func (r *Result) Close() {
	r.once.Do(func() {
		r.cancel()
		for rec := range r.batches {
			rec.Release()
		}
	})
}
