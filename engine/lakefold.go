package engine

import (
	"math"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/freshet/freshet/engine/exec"
	"github.com/freshet/freshet/output/lakescan"
	"github.com/freshet/freshet/sql"
)

// foldArchive runs an archive query whose aggregation can be computed in
// parts (exec.Pipeline.Splits): each file's rows are filtered and
// aggregated apart, in the goroutine that reads the file, and the parts
// are merged in file order, so that every reading goroutine aggregates,
// not only the one that drives the pipeline. The rows are those
// scanArchive gives.
func (e *Engine) foldArchive(sc *lakescan.Scanner, pipe *exec.Pipeline, keep timeRange, emit func(exec.Batch) error) error {
	err := sc.Fold(func(lakescan.File) (lakescan.Folder, error) {
		part, err := pipe.NewPartial()
		if err != nil {
			return nil, err
		}
		return &partFolder{e: e, part: part, keep: keep}, nil
	}, func(f lakescan.Folder) error {
		return pipe.Merge(f.(*partFolder).part)
	})
	if err != nil {
		return err
	}
	return endInput(pipe, emit)
}

// archiveScan adjusts the options of a scan for a query whose
// aggregation runs in parts: the bare VARCHAR keys may come as
// dictionaries, and without windows, FIRST, LAST or event-time bounds the
// scan skips the event times and the columns nothing reads.
func archiveScan(pipe *exec.Pipeline, scan *sql.Scan, keep timeRange, o lakescan.Options) lakescan.Options {
	if !pipe.Splits() {
		return o
	}
	in := pipe.PartialInput()
	for _, c := range in.Dictionary {
		o.Dictionary = append(o.Dictionary, scan.Output[c].Name)
	}
	if in.Times || keep != (timeRange{from: math.MinInt64, to: math.MaxInt64}) {
		return o
	}
	o.SkipTimes = true
	fields := slices.Clone(o.Schema.Fields())
	for i, u := range pipe.Used() {
		if slices.Contains(in.Unread, u) {
			fields[i].Type = arrow.Null
		}
	}
	o.Schema = arrow.NewSchema(fields, nil)
	return o
}

// partFolder aggregates the rows of one file that lie in keep.
type partFolder struct {
	e    *Engine
	part *exec.Partial
	keep timeRange
}

func (f *partFolder) Fold(lb lakescan.Batch) error {
	if lb.Times == nil { // a scan without times (archiveScan): no bounds either
		return f.part.Push(exec.Batch{Rec: lb.Rec})
	}
	b, err := f.e.keepRange(exec.Batch{Rec: lb.Rec, Times: lb.Times}, f.keep)
	if err != nil || b.Rec == nil {
		return err
	}
	defer b.Release()
	return f.part.Push(b)
}
