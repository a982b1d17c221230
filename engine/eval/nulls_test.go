package eval

import (
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/sql"
)

func TestNulls(t *testing.T) { runCases(t, nullsCases()) }

// nullsCases are expressions of the untyped NULL and NULLs met in every
// place.
func nullsCases() []exprCase {
	all := []any{nil, nil, nil, nil, nil}
	return []exprCase{
		{"NULL", all},
		{"CASE WHEN i > 1 THEN NULL END", all},
		{"COALESCE(NULL, NULL)", all},
		{"CONCAT(NULL, i)", all},
		{"NULL + 1", all},
		{"-NULL", all},
		{"NULL LIKE 'a%'", all},
		{"s REGEXP NULL", all},
		{"NULL BETWEEN 1 AND 2", all},
		{"CAST(NULL AS VARCHAR)", all},
		{"LOWER(NULL)", all},
		{"JSON_EXTRACT(NULL, '$.a')", all},
		{"ROUND(f, NULL)", all},
		{"DATE_FORMAT(NULL, '%Y')", all},
		{"YEAR(NULL)", all},
		{"IF(NULL, 1, 2)", []any{2, 2, 2, 2, 2}},
		{"IFNULL(NULL, s2)", []any{"ell", "%", nil, "", `a\_b%`}},
	}
}

func TestArrowTypes(t *testing.T) {
	s, err := ArrowSchema(sql.Schema{{Name: "b", Type: sql.Boolean}, {Name: "i", Type: sql.Int64}, {Name: "f", Type: sql.Float64},
		{Name: "s", Type: sql.String}, {Name: "ts", Type: sql.Timestamp}})
	if err != nil {
		t.Fatal(err)
	}
	want := "schema:\n  fields: 5\n    - b: type=bool, nullable\n    - i: type=int64, nullable\n    - f: type=float64, nullable\n    - s: type=utf8, nullable\n    - ts: type=timestamp[ms, tz=UTC], nullable"
	if s.String() != want {
		t.Errorf("ArrowSchema:\n%s\nwant\n%s", s, want)
	}
	if _, err := ArrowSchema(sql.Schema{{Name: "x", Type: sql.Unknown}}); err == nil || !strings.Contains(err.Error(), "column x") {
		t.Errorf("ArrowSchema of an UNKNOWN column: %v", err)
	}
}

// TestCompileErrors checks that what the engine cannot evaluate is an
// error with the expression's position.
func TestCompileErrors(t *testing.T) {
	at := sql.Pos{Offset: 7, Line: 1, Col: 8}
	col := func(i int, typ sql.Type) *sql.ColumnRef { return &sql.ColumnRef{Name: "c", Index: i, Typ: typ, At: at} }
	lit := func(v sql.Value) *sql.Literal { return &sql.Literal{Value: v, At: at} }
	for _, c := range []struct {
		name string
		expr sql.Expr
		want string
	}{
		{"unknown function", &sql.Call{Name: "nosuch", Typ: sql.Int64, At: at}, "NOSUCH is not a scalar function"},
		{"aggregate", &sql.Call{Name: "count", Star: true, Typ: sql.Int64, At: at}, "not a scalar function call"},
		{"unbound column", col(-1, sql.Int64), "not bound"},
		{"column out of range", col(99, sql.Int64), "not bound"},
		{"column of another type", col(1, sql.String), "has type BIGINT"},
		{"bad cast", &sql.Cast{X: lit(sql.IntervalValue(5)), To: sql.String, At: at}, "cannot CAST INTERVAL AS VARCHAR"},
		{"mixed comparison", &sql.Binary{Op: sql.OpEq, L: col(1, sql.Int64), R: col(3, sql.String), Typ: sql.Boolean, At: at}, "cannot compare BIGINT with VARCHAR"},
		{"string arithmetic", &sql.Binary{Op: sql.OpAdd, L: col(3, sql.String), R: col(3, sql.String), Typ: sql.String, At: at}, "cannot apply +"},
		{"bad JSON path", &sql.Call{Name: "json_extract", Args: []sql.Expr{col(7, sql.String), lit(sql.StringValue("$.*"))}, Typ: sql.String, At: at}, "wildcards"},
		{"bad regexp", &sql.Like{X: col(3, sql.String), Pattern: lit(sql.StringValue("(")), Regexp: true, At: at}, "missing closing )"},
		{"bad extract unit", &sql.Call{Name: "extract", Args: []sql.Expr{lit(sql.StringValue("fortnight")), col(4, sql.Timestamp)}, Typ: sql.Int64, At: at}, "unknown unit FORTNIGHT"},
		{"wrong argument count", &sql.Call{Name: "lower", Typ: sql.String, At: at}, "wrong number of arguments"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Compile(c.expr, scanSchema(), Env{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Compile(%s) = %v, want an error containing %q", c.expr, err, c.want)
			}
			var se *sql.Error
			if !errors.As(err, &se) || se.Pos != at {
				t.Fatalf("Compile(%s): error %v has no position %s", c.expr, err, at)
			}
		})
	}
}

func TestEvalErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ev, err := Compile(planExprs(t, "s")[0], scanSchema(), Env{Mem: mem})
	if err != nil {
		t.Fatal(err)
	}
	// A record whose column s holds BIGINTs.
	other := sql.Schema{{Name: "b", Type: sql.Boolean}, {Name: "i", Type: sql.Int64}, {Name: "f", Type: sql.Float64}, {Name: "s", Type: sql.Int64}}
	schema, err := ArrowSchema(other)
	if err != nil {
		t.Fatal(err)
	}
	rec := buildRecordOf(t, mem, schema, [][]any{{true, 1, 1.5, 7}})
	defer rec.Release()
	if _, err := ev.Eval(rec); err == nil || !strings.Contains(err.Error(), "eval s: column s: the batch holds int64, want utf8") {
		t.Fatalf("Eval over a wrong column type: %v", err)
	}
	short := rec.NewSlice(0, 1)
	defer short.Release()
	ev2, err := Compile(planExprs(t, "doc")[0], scanSchema(), Env{Mem: mem})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ev2.Eval(short); err == nil || !strings.Contains(err.Error(), "no column 7") {
		t.Fatalf("Eval over a record without the column: %v", err)
	}
}

// TestFolding checks that constant expressions become constants at compile
// time, and NOW() does not.
func TestFolding(t *testing.T) {
	for _, c := range []struct {
		expr   string
		const_ bool
	}{
		{"1 + 2 * 3", true}, {"UPPER('abc') LIKE 'A%'", true}, {"CASE WHEN 1 > 2 THEN 'a' ELSE 'b' END", true},
		{"JSON_EXTRACT('{\"a\": 1}', '$.a')", true}, {"NOW()", false}, {"i + 1", false}, {"YEAR(NOW())", false},
	} {
		ev, err := Compile(planExprs(t, c.expr)[0], scanSchema(), Env{})
		if err != nil {
			t.Fatal(err)
		}
		_, isConst := ev.(*evaluator).root.(*constNode)
		if isConst != c.const_ {
			t.Errorf("%s: folded %v, want %v", c.expr, isConst, c.const_)
		}
	}
}

// TestNowPerBatch checks that Env.Now is read once per batch.
func TestNowPerBatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	now := int64(1000)
	ev, err := Compile(planExprs(t, "NOW()")[0], scanSchema(), Env{Mem: mem, Now: func() int64 { now += 1000; return now }})
	if err != nil {
		t.Fatal(err)
	}
	rec := buildRecord(t, mem, testRows, 1)
	defer rec.Release()
	for _, want := range []ts{"1970-01-01T00:00:02.000Z", "1970-01-01T00:00:03.000Z"} {
		arr, err := ev.Eval(rec)
		if err != nil {
			t.Fatal(err)
		}
		got := goValues(t, arr)
		arr.Release()
		for _, g := range got {
			if g != want {
				t.Fatalf("NOW() = %v, want %v", got, want)
			}
		}
	}
	if ev.Type().ID() != arrow.TIMESTAMP {
		t.Errorf("NOW() type %s", ev.Type())
	}
}
