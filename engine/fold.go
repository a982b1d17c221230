package engine

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/freshet/freshet/engine/eval"
	"github.com/freshet/freshet/sql"
)

// foldTime returns the value of a TIMESTAMP expression that reads no
// column — a literal, or NOW() - INTERVAL 5 MINUTE — with NOW() = now
// (Unix ms), so that a bound relative to NOW() prunes a scan as a literal
// one does. It reports false for anything else, or NULL. No function but
// NOW() depends on anything but its arguments, so the value is the one the
// filter computes for every row.
func foldTime(x sql.Expr, now int64) (int64, bool) {
	if l, ok := x.(*sql.Literal); ok {
		if l.Value.Null || l.Value.Type != sql.Timestamp {
			return 0, false
		}
		return l.Value.Int, true
	}
	if x == nil || x.Type() != sql.Timestamp {
		return 0, false
	}
	constant := true
	sql.Walk(x, func(e sql.Expr) bool {
		if _, ok := e.(*sql.ColumnRef); ok {
			constant = false
		}
		return constant
	})
	if !constant {
		return 0, false
	}
	// Evaluated in Go-managed memory (Env.Mem nil): one value, released
	// here, so the engine's allocator never sees it.
	ev, err := eval.Compile(x, nil, eval.Env{Now: func() int64 { return now }})
	if err != nil {
		return 0, false
	}
	rec := array.NewRecord(arrow.NewSchema(nil, nil), nil, 1)
	defer rec.Release()
	arr, err := ev.Eval(rec)
	if err != nil {
		return 0, false
	}
	defer arr.Release()
	ts, ok := arr.(*array.Timestamp)
	if !ok || ts.Len() != 1 || ts.IsNull(0) {
		return 0, false
	}
	return int64(ts.Value(0)), true
}
