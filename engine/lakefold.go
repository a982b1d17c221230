package engine

import (
	"math"

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
	out, err := pipe.Advance(math.MaxInt64)
	if err != nil {
		return err
	}
	return emitAll(out, emit)
}

// archiveDictionary names the columns that the scan may give as
// dictionary arrays: those a split aggregation reads only as bare keys
// (exec.Pipeline.DictionaryColumns).
func archiveDictionary(pipe *exec.Pipeline, scan *sql.Scan) []string {
	if !pipe.Splits() {
		return nil
	}
	var names []string
	for _, c := range pipe.DictionaryColumns() {
		names = append(names, scan.Output[c].Name)
	}
	return names
}

// partFolder aggregates the rows of one file that lie in keep.
type partFolder struct {
	e    *Engine
	part *exec.Partial
	keep timeRange
}

func (f *partFolder) Fold(lb lakescan.Batch) error {
	b, err := f.e.keepRange(exec.Batch{Rec: lb.Rec, Times: lb.Times}, f.keep)
	if err != nil || b.Rec == nil {
		return err
	}
	defer b.Release()
	return f.part.Push(b)
}
