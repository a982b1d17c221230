package eval

import (
	"math"
	"testing"
	"time"

	"github.com/freshet/freshet/sql"
)

func TestStringFunctions(t *testing.T) { runCases(t, stringFunctionsCases()) }

// stringFunctionsCases are the cases of TestStringFunctions.
func stringFunctionsCases() []exprCase {
	return []exprCase{
		{"LOWER(s)", []any{"hello", "wörld", nil, "", "  a_b%c  "}},
		{"UPPER(s)", []any{"HELLO", "WÖRLD", nil, "", "  A_B%C  "}},
		{"UPPER(s2)", []any{"ELL", "%", nil, "", `A\_B%`}},
		{"LOWER(UPPER(s2))", []any{"ell", "%", nil, "", `a\_b%`}},
		{"UPPER('abc')", []any{"ABC", "ABC", "ABC", "ABC", "ABC"}},
		{"LENGTH(s)", []any{5, 5, nil, 0, 9}},
		{"CHAR_LENGTH(s2)", []any{3, 1, nil, 0, 5}},
		{"TRIM(s)", []any{"Hello", "wörld", nil, "", "a_b%c"}},
		{"LTRIM(s)", []any{"Hello", "wörld", nil, "", "a_b%c  "}},
		{"RTRIM(s)", []any{"Hello", "wörld", nil, "", "  a_b%c"}},
		{"CONCAT(s, '-', i)", []any{"Hello-1", "wörld--7", nil, "-9223372036854775807", "  a_b%c  -10"}},
		{"CONCAT(b, f, ts)", []any{"true1.52026-11-22 10:00:00.123", "false-2.51999-12-31 23:59:59.999", nil, "true01970-01-01 00:00:00.000", "false100.252024-02-29 13:05:09.000"}},
		{"CONCAT(s, NULL)", []any{nil, nil, nil, nil, nil}},
		{"CONCAT(s2)", []any{"ell", "%", nil, "", `a\_b%`}},
		{"CONCAT(j)", []any{"0", "2", nil, "-1", "3"}},
		{"SUBSTRING(s, 2)", []any{"ello", "örld", nil, "", " a_b%c  "}},
		{"SUBSTRING(s, 2, 3)", []any{"ell", "örl", nil, "", " a_"}},
		{"SUBSTRING(s, -3)", []any{"llo", "rld", nil, "", "c  "}},
		{"SUBSTRING(s, -3, 2)", []any{"ll", "rl", nil, "", "c "}},
		{"SUBSTRING(s, 0)", []any{"", "", nil, "", ""}},
		{"SUBSTRING(s, 10)", []any{"", "", nil, "", ""}},
		{"SUBSTRING(s, 1, 0)", []any{"", "", nil, "", ""}},
		{"SUBSTRING(s, 1, -1)", []any{"", "", nil, "", ""}},
		{"SUBSTRING(s, j + 1, 2)", []any{"He", "rl", nil, "", "_b"}},
		{"SUBSTR(s, -6)", []any{"", "", nil, "", "_b%c  "}},
		{"SUBSTRING(s FROM 2 FOR 2)", []any{"el", "ör", nil, "", " a"}},
		{"SUBSTRING(s, NULL)", []any{nil, nil, nil, nil, nil}},
		{"REPLACE(s, 'l', 'L')", []any{"HeLLo", "wörLd", nil, "", "  a_b%c  "}},
		{"REPLACE(s, '', 'x')", []any{"Hello", "wörld", nil, "", "  a_b%c  "}},
		{"REPLACE(s, s2, '#')", []any{"H#o", "wörld", nil, "", "  a_b%c  "}},
		{"REPLACE(s, 'l', '')", []any{"Heo", "wörd", nil, "", "  a_b%c  "}},
	}
}

func TestMathFunctions(t *testing.T) { runCases(t, mathFunctionsCases()) }

// mathFunctionsCases are the cases of TestMathFunctions.
func mathFunctionsCases() []exprCase {
	const maxInt = int64(math.MaxInt64)
	return []exprCase{
		{"ABS(i)", []any{1, 7, nil, maxInt, 10}},
		{"ABS(f)", []any{1.5, 2.5, nil, 0.0, 100.25}},
		{"ROUND(f)", []any{2.0, -3.0, nil, 0.0, 100.0}},
		{"ROUND(f, 1)", []any{1.5, -2.5, nil, 0.0, 100.3}},
		{"ROUND(f, -1)", []any{0.0, -0.0, nil, 0.0, 100.0}},
		{"ROUND(i)", []any{1, -7, nil, maxInt, 10}},
		{"ROUND(j * 17, -1)", []any{0, 30, nil, -20, 50}},
		{"ROUND(i, -1)", []any{0, -10, nil, math.MinInt64 + 2, 10}}, // wraps
		{"ROUND(f, j)", []any{2.0, -2.5, nil, 0.0, 100.25}},
		{"ROUND(i, 2)", []any{1, -7, nil, maxInt, 10}},
		{"FLOOR(f)", []any{1.0, -3.0, nil, 0.0, 100.0}},
		{"CEIL(f)", []any{2.0, -2.0, nil, 0.0, 101.0}},
		{"CEILING(i)", []any{1, -7, nil, maxInt, 10}},
		{"FLOOR(j)", []any{0, 2, nil, -1, 3}},
		{"POWER(f, 2)", []any{2.25, 6.25, nil, 0.0, 10050.0625}},
		{"POW(f, 0.5)", []any{math.Sqrt(1.5), nil, nil, 0.0, math.Sqrt(100.25)}},
		{"POWER(10, i)", []any{10.0, 1e-7, nil, nil, 1e10}},
		{"SQRT(f)", []any{math.Sqrt(1.5), nil, nil, 0.0, math.Sqrt(100.25)}},
		{"SQRT(i)", []any{1.0, nil, nil, math.Sqrt(9.223372036854775807e18), math.Sqrt(10)}},
		{"SQRT(-1)", []any{nil, nil, nil, nil, nil}},
	}
}

func TestTimeFunctions(t *testing.T) { runCases(t, timeFunctionsCases()) }

// timeFunctionsCases are the cases of TestTimeFunctions.
func timeFunctionsCases() []exprCase {
	times := []ts{"2026-11-22T10:00:00.123Z", "1999-12-31T23:59:59.999Z", "", "1970-01-01T00:00:00Z", "2024-02-29T13:05:09Z"}
	each := func(f func(time.Time) int64) []any {
		out := make([]any, len(times))
		for i, s := range times {
			if s != "" {
				out[i] = f(time.UnixMilli(s.ms()).UTC())
			}
		}
		return out
	}
	return []exprCase{
		{"YEAR(ts)", []any{2026, 1999, nil, 1970, 2024}},
		{"MONTH(ts)", []any{11, 12, nil, 1, 2}},
		{"DAY(ts)", []any{22, 31, nil, 1, 29}},
		{"DAYOFMONTH(ts)", []any{22, 31, nil, 1, 29}},
		{"HOUR(ts)", []any{10, 23, nil, 0, 13}},
		{"MINUTE(ts)", []any{0, 59, nil, 0, 5}},
		{"SECOND(ts)", []any{0, 59, nil, 0, 9}},
		{"EXTRACT(YEAR FROM ts)", []any{2026, 1999, nil, 1970, 2024}},
		{"EXTRACT(MILLISECOND FROM ts)", []any{123, 999, nil, 0, 0}},
		{"EXTRACT(QUARTER FROM ts)", []any{4, 4, nil, 1, 1}},
		{"EXTRACT(DAYOFWEEK FROM ts)", each(func(t time.Time) int64 { return int64(t.Weekday()) + 1 })},
		{"EXTRACT(WEEK FROM ts)", each(func(t time.Time) int64 { _, w := t.ISOWeek(); return int64(w) })},
		{"EXTRACT(DAYOFYEAR FROM ts)", each(func(t time.Time) int64 { return int64(t.YearDay()) })},
		{"EXTRACT(EPOCH FROM ts)", each(func(t time.Time) int64 { return t.Unix() })},
		{"EXTRACT(MILLISECOND FROM CAST(j AS TIMESTAMP))", []any{0, 2, nil, 999, 3}},
		{"EXTRACT(EPOCH FROM CAST(j AS TIMESTAMP))", []any{0, 0, nil, -1, 0}},
		{"YEAR(CAST(j AS TIMESTAMP))", []any{1970, 1970, nil, 1969, 1970}},
		{"SECOND(CAST(j AS TIMESTAMP))", []any{0, 0, nil, 59, 0}},
		{"DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s.%f')", []any{"2026-11-22 10:00:00.123000", "1999-12-31 23:59:59.999000", nil, "1970-01-01 00:00:00.000000", "2024-02-29 13:05:09.000000"}},
		{"DATE_FORMAT(ts, '%a %b %e %D %j %k %l %p %r %T %W %w %y %c %M %%%q')", []any{
			"Sun Nov 22 22nd 326 10 10 AM 10:00:00 AM 10:00:00 Sunday 0 26 11 November %q",
			"Fri Dec 31 31st 365 23 11 PM 11:59:59 PM 23:59:59 Friday 5 99 12 December %q",
			nil,
			"Thu Jan 1 1st 001 0 12 AM 12:00:00 AM 00:00:00 Thursday 4 70 1 January %q",
			"Thu Feb 29 29th 060 13 1 PM 01:05:09 PM 13:05:09 Thursday 4 24 2 February %q"}},
		{"DATE_FORMAT(ts, s2)", []any{"ell", "%", nil, "", `a\_b%`}},
		{"DATE_FORMAT(ts, CONCAT(s2, '%H'))", []any{"ell10", "%H", nil, "00", `a\_b%H`}},
		{"NOW()", []any{ts("2025-01-01T00:00:00.000Z"), ts("2025-01-01T00:00:00.000Z"), ts("2025-01-01T00:00:00.000Z"), ts("2025-01-01T00:00:00.000Z"), ts("2025-01-01T00:00:00.000Z")}},
		{"ts < NOW() - INTERVAL 1 DAY", []any{false, true, nil, true, true}},
		{"CURRENT_TIMESTAMP()", []any{ts("2025-01-01T00:00:00.000Z"), ts("2025-01-01T00:00:00.000Z"), ts("2025-01-01T00:00:00.000Z"), ts("2025-01-01T00:00:00.000Z"), ts("2025-01-01T00:00:00.000Z")}},
	}
}

// TestWeeks checks the week specifiers against MySQL's documented results
// and %x-%v against the ISO 8601 weeks of Go's time package.
func TestWeeks(t *testing.T) {
	format := func(day, f string) string {
		o := newStrOut(nilAllocator(), 1, 0)
		defer o.release()
		parseDateFormat(f).appendTo(o, ts(day).ms())
		return string(o.data[:o.size])
	}
	for _, c := range []struct{ day, format, want string }{
		{"2008-02-20", "%U", "07"}, {"2008-02-20", "%u", "08"}, {"2008-12-31", "%u", "53"},
		{"1987-01-01", "%X%V", "198652"}, {"2000-01-01", "%U", "00"}, {"2000-01-01", "%X %V", "1999 52"},
		{"2008-12-29", "%x-%v", "2009-01"}, {"2010-01-03", "%x-%v", "2009-53"},
	} {
		if got := format(c.day, c.format); got != c.want {
			t.Errorf("DATE_FORMAT('%s', '%s') = %q, want %q", c.day, c.format, got, c.want)
		}
	}
	for d := ts("1990-12-20").ms(); d < ts("2031-01-10").ms(); d += msPerDay {
		tt := time.UnixMilli(d).UTC()
		y, w := tt.ISOWeek()
		want := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") + "-" + twoDigits(w)
		if got := format(ts(tt.Format("2006-01-02")).day(), "%x-%v"); got != want {
			t.Fatalf("%s: %%x-%%v = %s, want %s", tt.Format("2006-01-02"), got, want)
		}
	}
	for d := int64(-800000); d < 800000; d += 997 {
		y, m, dd := civil(d)
		if back := daysFromCivil(y, m, dd); back != d {
			t.Fatalf("daysFromCivil(civil(%d)) = %d", d, back)
		}
		tt := time.Unix(d*86400, 0).UTC()
		if int64(tt.Year()) != y || int(tt.Month()) != m || tt.Day() != dd {
			t.Fatalf("civil(%d) = %d-%d-%d, want %s", d, y, m, dd, tt.Format("2006-01-02"))
		}
	}
}

func (t ts) day() string { return string(t) }

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

func TestJSONExtract(t *testing.T) { runCases(t, jsonExtractCases()) }

// jsonExtractCases are the cases of TestJSONExtract.
func jsonExtractCases() []exprCase {
	obj0 := `{"a": {"b": [10, "x", {"c": true}]}, "n": null, "s": "q\"t"}`
	return []exprCase{
		{"JSON_EXTRACT(doc, '$.a.b[0]')", []any{"10", nil, nil, nil, nil}},
		{"doc->>'$.a.b[1]'", []any{"x", nil, nil, nil, nil}},
		{"doc->'$.a.b[2]'", []any{`{"c": true}`, nil, nil, nil, nil}},
		{"doc->>'$.a.b[2].c'", []any{"true", nil, nil, nil, nil}},
		{"doc->>'$.a'", []any{`{"b": [10, "x", {"c": true}]}`, nil, nil, nil, "1.50"}},
		{"doc->>'$[1]'", []any{nil, "2", nil, nil, nil}},
		{"doc->>'$[last]'", []any{obj0, "3", nil, nil, `{"a": 1.50, "e": {}, "l": []}`}},
		{"doc->>'$[last-2]'", []any{nil, "1", nil, nil, nil}},
		{"doc->>'$[3]'", []any{nil, nil, nil, nil, nil}},
		{"doc->>'$.n'", []any{nil, nil, nil, nil, nil}},
		{"doc->>'$.s'", []any{`q"t`, nil, nil, nil, nil}},
		{`doc->>'$."s"'`, []any{`q"t`, nil, nil, nil, nil}},
		{"doc->>'$'", []any{obj0, "[1, 2, 3]", nil, nil, `{"a": 1.50, "e": {}, "l": []}`}},
		{"doc->>'$.e'", []any{nil, nil, nil, nil, "{}"}},
		{"doc->>'$.l'", []any{nil, nil, nil, nil, "[]"}},
		{"JSON_EXTRACT(doc, CONCAT('$[', j, ']'))", []any{obj0, "3", nil, nil, nil}},
		{"JSON_EXTRACT(doc, s2)", []any{nil, nil, nil, nil, nil}},
		{"JSON_EXTRACT('{\"k\": \"v\\\\n\"}', '$.k')", []any{"v\n", "v\n", "v\n", "v\n", "v\n"}},
		{"JSON_EXTRACT('{\"k\": [\"a\\\\tb\"]}', '$.k')", []any{`["a\tb"]`, `["a\tb"]`, `["a\tb"]`, `["a\tb"]`, `["a\tb"]`}},
	}
}

func TestJSONPaths(t *testing.T) {
	for _, c := range []struct {
		path string
		ok   bool
	}{
		{"$", true}, {"$.a", true}, {"$.a.b[0]", true}, {`$."a b".c`, true}, {"$[last]", true}, {"$[last - 1]", true},
		{" $ .a [ 2 ] ", true}, {"a", false}, {"$.", false}, {"$.*", false}, {"$[*]", false}, {"$**.a", false},
		{"$[", false}, {"$[-1]", false}, {`$."a`, false}, {"$[1 to 2]", false},
	} {
		_, err := parseJSONPath(c.path)
		if (err == nil) != c.ok {
			t.Errorf("parseJSONPath(%q): error %v, want ok=%v", c.path, err, c.ok)
		}
	}
}

// TestEveryScalarFunction fails when a scalar function of the sql registry
// has no implementation here, or no test case.
func TestEveryScalarFunction(t *testing.T) {
	fns := sql.NewFunctions()
	tested := testedFunctions(t)
	for _, name := range fns.Names() {
		f, _ := fns.Lookup(name)
		if f.Kind != sql.ScalarFunc {
			continue
		}
		if scalarImpl(name) == nil {
			t.Errorf("scalar function %s has no implementation", name)
		}
		if !tested[name] {
			t.Errorf("scalar function %s has no test case", name)
		}
	}
}
