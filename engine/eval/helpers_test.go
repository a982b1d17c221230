package eval

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/sql"
)

// testStream is the stream the expression tests query.
var testColumns = sql.Schema{
	{Name: "b", Type: sql.Boolean},
	{Name: "i", Type: sql.Int64},
	{Name: "f", Type: sql.Float64},
	{Name: "s", Type: sql.String},
	{Name: "ts", Type: sql.Timestamp},
	{Name: "j", Type: sql.Int64},
	{Name: "s2", Type: sql.String},
	{Name: "doc", Type: sql.String},
	{Name: "b2", Type: sql.Boolean},
}

// ts is a timestamp value in test rows and expectations.
type ts string

func (t ts) ms() int64 {
	v, err := sql.ParseTimestamp(string(t))
	if err != nil {
		panic(err)
	}
	return v
}

// testRows are the rows of the test stream (nil is NULL).
var testRows = [][]any{
	{true, 1, 1.5, "Hello", ts("2026-11-22T10:00:00.123Z"), 0, "ell", `{"a":{"b":[10,"x",{"c":true}]},"n":null,"s":"q\"t"}`, true},
	{false, -7, -2.5, "wörld", ts("1999-12-31T23:59:59.999Z"), 2, "%", `[1, 2, 3]`, nil},
	{nil, nil, nil, nil, nil, nil, nil, nil, false},
	{true, int64(math.MaxInt64), 0.0, "", ts("1970-01-01T00:00:00Z"), -1, "", `not json`, true},
	{false, 10, 100.25, "  a_b%c  ", ts("2024-02-29T13:05:09Z"), 3, `a\_b%`, `{"a": 1.50, "e": {}, "l": []}`, false},
}

// testCatalog holds the stream t with testColumns.
func testCatalog() sql.Streams {
	return sql.Streams{"t": &sql.StreamDef{Name: "t", Columns: testColumns}}
}

// scanSchema is the schema the planner binds expressions over t against.
func scanSchema() sql.Schema {
	d, _ := testCatalog().Stream("t")
	return d.ScanSchema()
}

// buildRecord builds a record of the scan schema holding rows (of the
// stream's own columns; metadata columns are NULL), repeated times times.
func buildRecord(t testing.TB, mem memory.Allocator, rows [][]any, times int) arrow.Record {
	t.Helper()
	schema, err := ArrowSchema(scanSchema())
	if err != nil {
		t.Fatal(err)
	}
	var all [][]any
	for r := 0; r < times; r++ {
		all = append(all, rows...)
	}
	return buildRecordOf(t, mem, schema, all)
}

// buildRecordOf builds a record of schema holding rows; missing trailing
// values are NULL.
func buildRecordOf(t testing.TB, mem memory.Allocator, schema *arrow.Schema, rows [][]any) arrow.Record {
	t.Helper()
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for _, row := range rows {
		for c := range schema.Fields() {
			var v any
			if c < len(row) {
				v = row[c]
			}
			appendValue(t, b.Field(c), v)
		}
	}
	return b.NewRecord()
}

// appendValue appends a Go test value (nil: NULL) to a builder.
func appendValue(t testing.TB, fb array.Builder, v any) {
	t.Helper()
	if v == nil {
		fb.AppendNull()
		return
	}
	switch fb := fb.(type) {
	case *array.BooleanBuilder:
		fb.Append(v.(bool))
	case *array.Int64Builder:
		switch x := v.(type) {
		case int:
			fb.Append(int64(x))
		case int64:
			fb.Append(x)
		}
	case *array.Float64Builder:
		fb.Append(v.(float64))
	case *array.StringBuilder:
		fb.Append(v.(string))
	case *array.TimestampBuilder:
		fb.Append(arrow.Timestamp(v.(ts).ms()))
	default:
		t.Fatalf("no test builder for %T", fb)
	}
}

// planExprs plans "SELECT <list> FROM t" and returns the projected
// expressions, bound to the scan schema.
func planExprs(t testing.TB, list string) []sql.Expr {
	t.Helper()
	q := planQuery(t, "SELECT "+list+" FROM t")
	p, ok := q.Root.(*sql.Project)
	if !ok {
		t.Fatalf("plan of %q: root is %T, want a projection:\n%s", list, q.Root, q.Explain())
	}
	if _, ok := p.Input.(*sql.Scan); !ok {
		t.Fatalf("plan of %q: projection over %T, want the scan:\n%s", list, p.Input, q.Explain())
	}
	out := make([]sql.Expr, len(p.Exprs))
	for i, e := range p.Exprs {
		out[i] = e.Expr
	}
	return out
}

// planQuery plans a query over the test catalog.
func planQuery(t testing.TB, text string) *sql.Query {
	t.Helper()
	stmt, err := sql.ParseOne(text)
	if err != nil {
		t.Fatalf("parse %q: %v", text, err)
	}
	q, err := sql.Plan(stmt.(*sql.Select), testCatalog(), sql.NewFunctions())
	if err != nil {
		t.Fatalf("plan %q: %v", text, err)
	}
	return q
}

// goValues converts an array to Go values for comparison: nil, bool,
// int64, float64, string, and ts for timestamps.
func goValues(t testing.TB, arr arrow.Array) []any {
	t.Helper()
	checkArray(t, arr)
	out := make([]any, arr.Len())
	if arr.DataType().ID() == arrow.NULL {
		return out
	}
	for i := range out {
		if arr.IsNull(i) {
			continue
		}
		switch a := arr.(type) {
		case *array.Boolean:
			out[i] = a.Value(i)
		case *array.Int64:
			out[i] = a.Value(i)
		case *array.Float64:
			out[i] = a.Value(i)
		case *array.String:
			out[i] = a.Value(i)
		case *array.Timestamp:
			out[i] = ts(time.UnixMilli(int64(a.Value(i))).UTC().Format("2006-01-02T15:04:05.000Z"))
		default:
			t.Fatalf("no Go value for %T", arr)
		}
	}
	return out
}

// checkArray checks an array's invariants: the NULL count matches the
// validity bitmap, string offsets are ordered and inside the data.
func checkArray(t testing.TB, arr arrow.Array) {
	t.Helper()
	if arr.DataType().ID() == arrow.NULL {
		return
	}
	nulls := 0
	for i := 0; i < arr.Len(); i++ {
		if !arr.IsValid(i) {
			nulls++
		}
	}
	if nulls != arr.NullN() {
		t.Fatalf("array %s: NullN() = %d, validity bitmap has %d", arr.DataType(), arr.NullN(), nulls)
	}
	if s, ok := arr.(*array.String); ok && arr.Len() > 0 {
		offs := s.ValueOffsets()
		for i := 1; i < len(offs); i++ {
			if offs[i] < offs[i-1] {
				t.Fatalf("string offsets decrease at %d: %v", i, offs)
			}
		}
		if d := arr.Data().Buffers()[2]; int(offs[len(offs)-1]) > d.Len() {
			t.Fatalf("string offsets past the data: %d > %d", offs[len(offs)-1], d.Len())
		}
	}
}

// norm turns expected values into what goValues gives (int → int64).
func norm(want []any) []any {
	out := make([]any, len(want))
	for i, v := range want {
		if x, ok := v.(int); ok {
			v = int64(x)
		}
		out[i] = v
	}
	return out
}

// fmtValues formats values for messages.
func fmtValues(vs []any) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		switch v := v.(type) {
		case nil:
			parts[i] = "NULL"
		case string:
			parts[i] = fmt.Sprintf("%q", v)
		default:
			parts[i] = fmt.Sprint(v)
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// sameValues compares values; floats are equal within 1e-12 relative.
func sameValues(got, want []any) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g, w := got[i], want[i]
		gf, gok := g.(float64)
		wf, wok := w.(float64)
		if gok && wok {
			if gf != wf && math.Abs(gf-wf) > 1e-12*math.Max(math.Abs(gf), math.Abs(wf)) {
				return false
			}
			continue
		}
		if g != w {
			return false
		}
	}
	return true
}

// utf8Valid reports whether s is valid UTF-8.
func utf8Valid(s string) bool { return utf8.ValidString(s) }

// nilAllocator is the allocator of scratch arrays in unit tests of
// helpers.
func nilAllocator() memory.Allocator { return memory.DefaultAllocator }

// allCases lists every expression case table.
func allCases() [][]exprCase {
	return [][]exprCase{
		logicCases(), compareCases(), arithmeticCases(), inBetweenCases(), likeCases(), caseCases(),
		castCases(), stringFunctionsCases(), mathFunctionsCases(), timeFunctionsCases(), jsonExtractCases(), nullsCases(),
	}
}

// testedFunctions returns the names of the functions the case tables call.
func testedFunctions(t testing.TB) map[string]bool {
	out := map[string]bool{}
	for _, cases := range allCases() {
		for _, c := range cases {
			for _, e := range planExprs(t, c.expr) {
				sql.Walk(e, func(x sql.Expr) bool {
					if call, ok := x.(*sql.Call); ok {
						out[call.Name] = true
					}
					return true
				})
			}
		}
	}
	return out
}
