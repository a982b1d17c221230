package eval

import (
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/sql"
)

// FuzzEval plans random select lists over the test stream and checks that
// whatever compiles evaluates without panicking or leaking, gives arrays of
// the promised type and length, and gives on a slice of a batch the same
// values as on the whole batch.
func FuzzEval(f *testing.F) {
	for _, cases := range allCases() {
		for _, c := range cases {
			f.Add(c.expr)
		}
	}
	f.Fuzz(func(t *testing.T, expr string) {
		stmt, err := sql.ParseOne("SELECT " + expr + " FROM t")
		if err != nil {
			return
		}
		sel, ok := stmt.(*sql.Select)
		if !ok {
			return
		}
		q, err := sql.Plan(sel, testCatalog(), sql.NewFunctions())
		if err != nil {
			return
		}
		p, ok := q.Root.(*sql.Project)
		if !ok {
			return
		}
		if _, ok := p.Input.(*sql.Scan); !ok {
			return
		}
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		rec := buildRecord(t, mem, testRows, 3)
		defer rec.Release()
		for _, ne := range p.Exprs {
			ev, err := Compile(ne.Expr, p.Input.Schema(), Env{Mem: mem, Now: fixedNow})
			if err != nil {
				if _, ok := sql.ErrorPos(err); !ok {
					t.Fatalf("compile %s: error without a position: %v", ne.Expr, err)
				}
				continue
			}
			whole := evalValues(t, ev, rec)
			sub := rec.NewSlice(4, 13)
			part := evalValues(t, ev, sub)
			sub.Release()
			if !sameValues(part, whole[4:13]) && !hasNaN(whole) {
				t.Fatalf("%s: slice [4:13] gives %s, the whole batch %s", ne.Expr, fmtValues(part), fmtValues(whole[4:13]))
			}
		}
	})
}

// evalValues evaluates ev over rec and checks the array's shape.
func evalValues(t *testing.T, ev Evaluator, rec arrow.Record) []any {
	t.Helper()
	arr, err := ev.Eval(rec)
	if err != nil {
		t.Fatalf("eval %v: %v", ev, err)
	}
	defer arr.Release()
	if arr.Len() != int(rec.NumRows()) || !arrow.TypeEqual(arr.DataType(), ev.Type()) {
		t.Fatalf("eval %v: %d rows of %s, want %d of %s", ev, arr.Len(), arr.DataType(), rec.NumRows(), ev.Type())
	}
	return goValues(t, arr)
}

// hasNaN reports whether a NaN is among vs (NaN != NaN).
func hasNaN(vs []any) bool {
	for _, v := range vs {
		if f, ok := v.(float64); ok && f != f {
			return true
		}
	}
	return false
}
