package eval

import (
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/sql"
)

// boolArray builds a Boolean array (nil: NULL).
func boolArray(mem memory.Allocator, vals ...any) arrow.Array {
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	for _, v := range vals {
		if v == nil {
			b.AppendNull()
		} else {
			b.Append(v.(bool))
		}
	}
	return b.NewArray()
}

// recordRows converts a record to rows of Go values.
func recordRows(t testing.TB, rec arrow.Record) [][]any {
	t.Helper()
	cols := make([][]any, rec.NumCols())
	for i := range cols {
		cols[i] = goValues(t, rec.Column(i))
	}
	rows := make([][]any, rec.NumRows())
	for r := range rows {
		for c := range cols {
			rows[r] = append(rows[r], cols[c][r])
		}
	}
	return rows
}

// expectedRows returns testRows' values (of the first n columns, as goValues
// gives them) for the rows keep.
func expectedRows(t testing.TB, keep []int) [][]any {
	t.Helper()
	mem := memory.NewGoAllocator()
	rec := buildRecord(t, mem, testRows, 1)
	defer rec.Release()
	all := recordRows(t, rec)
	var out [][]any
	for _, k := range keep {
		out = append(out, all[k])
	}
	return out
}

func sameRows(got, want [][]any) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !sameValues(got[i], want[i]) {
			return false
		}
	}
	return true
}

func TestFilter(t *testing.T) {
	T, F := true, false
	for _, c := range []struct {
		name string
		mask []any
		keep []int
		same bool // the input record itself comes back
	}{
		{"some", []any{T, F, nil, T, T}, []int{0, 3, 4}, false},
		{"every other", []any{T, F, T, F, T}, []int{0, 2, 4}, false},
		{"all", []any{T, T, T, T, T}, []int{0, 1, 2, 3, 4}, true},
		{"none", []any{F, nil, F, nil, F}, nil, false},
		{"one run", []any{F, T, T, T, nil}, []int{1, 2, 3}, false},
		{"one row", []any{nil, nil, T, F, F}, []int{2}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rec := buildRecord(t, mem, testRows, 1)
			defer rec.Release()
			mask := boolArray(mem, c.mask...)
			defer mask.Release()
			out, err := Filter(mem, rec, mask)
			if err != nil {
				t.Fatal(err)
			}
			defer out.Release()
			if (out == rec) != c.same {
				t.Errorf("returned the input record: %v, want %v", out == rec, c.same)
			}
			if !out.Schema().Equal(rec.Schema()) {
				t.Errorf("schema changed: %s", out.Schema())
			}
			if got, want := recordRows(t, out), expectedRows(t, c.keep); !sameRows(got, want) {
				t.Fatalf("got rows\n%v\nwant\n%v", got, want)
			}
		})
	}
}

// TestFilterLarge filters a sliced batch of many rows with a computed mask,
// against the rows picked one by one.
func TestFilterLarge(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	full := buildRecord(t, mem, testRows, 41)
	defer full.Release()
	rec := full.NewSlice(3, full.NumRows()-2)
	defer rec.Release()
	ev, err := Compile(planExprs(t, "i > 0 OR s LIKE 'w%'")[0], scanSchema(), Env{Mem: mem})
	if err != nil {
		t.Fatal(err)
	}
	mask, err := ev.Eval(rec)
	if err != nil {
		t.Fatal(err)
	}
	defer mask.Release()
	out, err := Filter(mem, rec, mask)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	all := recordRows(t, rec)
	m := goValues(t, mask)
	var want [][]any
	for i, keep := range m {
		if keep == true {
			want = append(want, all[i])
		}
	}
	if got := recordRows(t, out); !sameRows(got, want) {
		t.Fatalf("filtered %d rows, want %d", len(got), len(want))
	}
}

func TestFilterErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := buildRecord(t, mem, testRows, 1)
	defer rec.Release()
	mask := boolArray(mem, true, false)
	defer mask.Release()
	if _, err := Filter(mem, rec, mask); err == nil || !strings.Contains(err.Error(), "mask is 2 rows") {
		t.Fatalf("Filter with a short mask: %v", err)
	}
}

// TestFilterProjectPlan runs the Filter and Project of a planned query.
func TestFilterProjectPlan(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	q := planQuery(t, "SELECT UPPER(s) AS u, f * 2 AS g, ts + INTERVAL 1 DAY AS later FROM t WHERE i > 0 AND s IS NOT NULL")
	proj := q.Root.(*sql.Project)
	filter := proj.Input.(*sql.Filter)
	env := Env{Mem: mem}
	cond, err := Compile(filter.Cond, filter.Input.Schema(), env)
	if err != nil {
		t.Fatal(err)
	}
	exprs := make([]sql.Expr, len(proj.Exprs))
	for i, e := range proj.Exprs {
		exprs[i] = e.Expr
	}
	evals, err := CompileAll(exprs, proj.Input.Schema(), env)
	if err != nil {
		t.Fatal(err)
	}
	schema, err := ArrowSchema(proj.Schema())
	if err != nil {
		t.Fatal(err)
	}
	rec := buildRecord(t, mem, testRows, 1)
	defer rec.Release()
	mask, err := cond.Eval(rec)
	if err != nil {
		t.Fatal(err)
	}
	defer mask.Release()
	filtered, err := Filter(mem, rec, mask)
	if err != nil {
		t.Fatal(err)
	}
	defer filtered.Release()
	out, err := Project(filtered, evals, schema)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	want := [][]any{
		{"HELLO", 3.0, ts("2026-11-23T10:00:00.123Z")},
		{"", 0.0, ts("1970-01-02T00:00:00.000Z")},
		{"  A_B%C  ", 200.5, ts("2024-03-01T13:05:09.000Z")},
	}
	if got := recordRows(t, out); !sameRows(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if out.Schema().Field(0).Name != "u" {
		t.Errorf("schema %s", out.Schema())
	}

	// A schema that does not fit is an error, not a panic.
	bad := arrow.NewSchema([]arrow.Field{{Name: "u", Type: arrow.PrimitiveTypes.Int64}, schema.Field(1), schema.Field(2)}, nil)
	if _, err := Project(filtered, evals, bad); err == nil || !strings.Contains(err.Error(), "project u: the expression gives utf8, the schema wants int64") {
		t.Errorf("Project with a wrong type: %v", err)
	}
	if _, err := Project(filtered, evals[:1], schema); err == nil {
		t.Errorf("Project with too few expressions: no error")
	}
}
