package eval

import (
	"math"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/sql"
)

// TestInvalidUTF8 checks that string functions keep bytes that are not
// UTF-8 as they are.
func TestInvalidUTF8(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema, err := ArrowSchema(scanSchema())
	if err != nil {
		t.Fatal(err)
	}
	rec := buildRecordOf(t, mem, schema, [][]any{{nil, nil, nil, "a\xffé"}, {nil, nil, nil, "\xc3"}})
	defer rec.Release()
	for _, c := range []struct {
		expr string
		want []any
	}{
		{"UPPER(s)", []any{"A\xffÉ", "\xc3"}},
		{"LENGTH(s)", []any{int64(3), int64(1)}},
		{"SUBSTRING(s, 2)", []any{"\xffé", ""}},
		{"s LIKE 'a_é'", []any{true, false}},
	} {
		ev, err := Compile(planExprs(t, c.expr)[0], scanSchema(), Env{Mem: mem})
		if err != nil {
			t.Fatal(err)
		}
		if got := evalValues(t, ev, rec); !sameValues(got, c.want) {
			t.Errorf("%s = %s, want %s", c.expr, fmtValues(got), fmtValues(c.want))
		}
	}
}

func TestRoundEdges(t *testing.T) {
	for _, c := range []struct {
		f    float64
		d    int64
		want float64
	}{
		{2.5, 0, 3}, {-2.5, 0, -3}, {1.005, 400, 1.005}, {123.4, -400, 0}, {1e308, 10, 1e308},
		{1234.5678, -2, 1200}, {1250, -2, 1300}, {-1250, -2, -1300}, {0.125, 2, 0.13},
	} {
		if got := roundFloat(c.f, c.d); got != c.want {
			t.Errorf("roundFloat(%v, %d) = %v, want %v", c.f, c.d, got, c.want)
		}
	}
	if got := roundFloat(math.Inf(1), 2); !math.IsInf(got, 1) {
		t.Errorf("roundFloat(+Inf) = %v", got)
	}
	for _, c := range []struct{ v, d, want int64 }{
		{15, -1, 20}, {-15, -1, -20}, {14, -1, 10}, {-14, -1, -10}, {123, -19, 0}, {5, 3, 5},
	} {
		if got := roundInt(c.v, c.d); got != c.want {
			t.Errorf("roundInt(%d, %d) = %d, want %d", c.v, c.d, got, c.want)
		}
	}
}

func TestDateFormatEdges(t *testing.T) {
	format := func(ms int64, f string) string {
		o := newStrOut(nilAllocator(), 1, 0)
		defer o.release()
		parseDateFormat(f).appendTo(o, ms)
		return string(o.data[:o.size])
	}
	for _, c := range []struct {
		day, want string
	}{
		{"2026-11-01", "1st"}, {"2026-11-02", "2nd"}, {"2026-11-03", "3rd"}, {"2026-11-04", "4th"}, {"2026-11-11", "11th"},
		{"2026-11-12", "12th"}, {"2026-11-13", "13th"}, {"2026-11-21", "21st"}, {"2026-11-22", "22nd"}, {"2026-11-23", "23rd"},
	} {
		if got := format(ts(c.day).ms(), "%D"); got != c.want {
			t.Errorf("%%D of %s = %q, want %q", c.day, got, c.want)
		}
	}
	// Year 1 BC is year 0; before it years are negative.
	if got := format(-62200000000000, "%Y-%m-%d %y"); got != "-0002-12-17 98" {
		t.Errorf("DATE_FORMAT of a BC date = %q", got)
	}
	if got := format(0, "%"); got != "%" {
		t.Errorf("a trailing %% = %q", got)
	}
	if got := format(ts("2026-11-22T12:30:00Z").ms(), "%h %I %l %p"); got != "12 12 12 PM" {
		t.Errorf("noon = %q", got)
	}
}

func TestJSONText(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	doc := `{"k": ["a\u0001\"\\\r\n\té", 1e3, false, null], "o": {"x\"y": {}}}`
	e := &sql.Call{Name: "json_extract", Typ: sql.String, Args: []sql.Expr{
		&sql.Literal{Value: sql.StringValue(doc)}, &sql.Literal{Value: sql.StringValue("$")}}}
	ev, err := Compile(e, scanSchema(), Env{Mem: mem})
	if err != nil {
		t.Fatal(err)
	}
	rec := buildRecord(t, mem, testRows[:1], 1)
	defer rec.Release()
	want := `{"k": ["a\u0001\"\\\r\n\té", 1e3, false, null], "o": {"x\"y": {}}}`
	if got := evalValues(t, ev, rec); len(got) != 1 || got[0] != want {
		t.Errorf("JSON_EXTRACT(doc, '$') = %v, want %s", got, want)
	}
}
