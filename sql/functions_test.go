package sql

import (
	"strings"
	"testing"
)

// TestFunctionTypes plans every function in a select list and checks the
// result type.
func TestFunctionTypes(t *testing.T) {
	cat := testCatalog(t)
	fns := NewFunctions()
	tests := []struct {
		expr string
		want Type
	}{
		{"LOWER(msg)", String}, {"UPPER(msg)", String}, {"CONCAT(msg, status, ok, at)", String},
		{"SUBSTRING(msg, 2)", String}, {"SUBSTR(msg, 1, 2)", String}, {"SUBSTRING(msg FROM 2 FOR 1)", String},
		{"LENGTH(msg)", Int64}, {"CHAR_LENGTH(msg)", Int64}, {"TRIM(msg)", String}, {"LTRIM(msg)", String}, {"RTRIM(msg)", String},
		{"REPLACE(msg, 'a', 'b')", String}, {"REGEXP_LIKE(msg, '^a')", Boolean}, {"JSON_EXTRACT(payload, '$.a')", String},
		{"payload->>'$.a'", String}, {"payload->'$.a'", String},
		{"ABS(status)", Int64}, {"ABS(latency_ms)", Float64}, {"ROUND(latency_ms)", Float64}, {"ROUND(latency_ms, 2)", Float64},
		{"ROUND(status)", Int64}, {"FLOOR(latency_ms)", Float64}, {"CEIL(status)", Int64}, {"CEILING(latency_ms)", Float64},
		{"POWER(status, 2)", Float64}, {"POW(2, 0.5)", Float64}, {"SQRT(status)", Float64},
		{"COALESCE(msg, 'x')", String}, {"COALESCE(status, latency_ms, NULL)", Float64}, {"IFNULL(status, 0)", Int64},
		{"IF(ok, 1, 2.5)", Float64}, {"NOW()", Timestamp}, {"CURRENT_TIMESTAMP", Timestamp},
		{"DATE_FORMAT(_event_time, '%Y')", String}, {"EXTRACT(MINUTE FROM _arrival)", Int64}, {"EXTRACT(epoch FROM _arrival)", Int64},
		{"YEAR(_event_time)", Int64}, {"MONTH(_event_time)", Int64}, {"DAY(_event_time)", Int64}, {"DAYOFMONTH(_event_time)", Int64},
		{"HOUR(_event_time)", Int64}, {"MINUTE(_event_time)", Int64}, {"SECOND(_event_time)", Int64},
		{"DATE_FORMAT('2026-01-01', '%Y')", String}, {"YEAR('2026-01-01T00:00:00Z')", Int64},
		{"_event_time - INTERVAL 1 SECOND", Timestamp}, {"INTERVAL 1 DAY + _event_time", Timestamp}, {"_arrival - _event_time", Int64},
		{"status + 1", Int64}, {"status + 1.5", Float64}, {"status / 2", Float64}, {"status % 2", Int64}, {"-status", Int64},
		{"status > 1", Boolean}, {"NOT ok", Boolean}, {"msg IS NULL", Boolean}, {"status IN (1, 2)", Boolean},
		{"status BETWEEN 1 AND 2.5", Boolean}, {"msg LIKE 'a%'", Boolean}, {"msg REGEXP 'a'", Boolean},
		{"CASE WHEN ok THEN status ELSE latency_ms END", Float64}, {"CAST(status AS VARCHAR)", String},
		{"NULL", Null}, {"NULL + 1", Int64}, {"CASE WHEN ok THEN NULL END", Null},
	}
	for _, tc := range tests {
		q, err := parseAndPlan(t, "SELECT "+tc.expr+" FROM logs", cat, fns)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if got := q.OutputSchema()[0].Type; got != tc.want {
			t.Errorf("%s: type %s, want %s", tc.expr, got, tc.want)
		}
	}
	aggs := []struct {
		expr string
		want Type
	}{
		{"COUNT(*)", Int64}, {"COUNT(msg)", Int64}, {"COUNT(DISTINCT msg)", Int64}, {"SUM(status)", Int64}, {"SUM(latency_ms)", Float64},
		{"SUM(DISTINCT status)", Int64}, {"AVG(status)", Float64}, {"AVG(DISTINCT latency_ms)", Float64}, {"MIN(msg)", String},
		{"MAX(_event_time)", Timestamp}, {"STDDEV(status)", Float64}, {"STD(status)", Float64}, {"STDDEV_SAMP(latency_ms)", Float64},
		{"STDDEV_POP(latency_ms)", Float64}, {"FIRST(ok)", Boolean}, {"LAST(msg)", String}, {"APPROX_COUNT_DISTINCT(msg)", Int64},
		{"APPROX_PERCENTILE(latency_ms, 0.5)", Float64}, {"APPROX_PERCENTILE(status, 1)", Float64}, {"COUNT(*) + SUM(latency_ms)", Float64},
	}
	for _, tc := range aggs {
		q, err := parseAndPlan(t, "SELECT "+tc.expr+" FROM logs GROUP BY service", cat, fns)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if got := q.OutputSchema()[0].Type; got != tc.want {
			t.Errorf("%s: type %s, want %s", tc.expr, got, tc.want)
		}
	}
}

func TestFunctionRegistry(t *testing.T) {
	fns := NewFunctions()
	names := strings.Join(fns.Names(), " ")
	want := "abs approx_count_distinct approx_percentile avg ceil coalesce concat count date_format day extract first floor hop hop_end hop_start hour if ifnull json_extract last length lower ltrim max min minute month now power regexp_like replace round rtrim second session session_end session_start sqrt stddev stddev_pop substring sum trim tumble tumble_end tumble_start upper year"
	if names != want {
		t.Errorf("names:\n got %s\nwant %s", names, want)
	}
	for alias, canon := range map[string]string{"SUBSTR": "substring", "ceiling": "ceil", "Pow": "power", "stddev_samp": "stddev", "char_length": "length", "current_timestamp": "now", "dayofmonth": "day"} {
		if f, ok := fns.Lookup(alias); !ok || f.Name != canon {
			t.Errorf("Lookup(%s) = %v, want %s", alias, f, canon)
		}
	}
	kinds := map[string]FuncKind{"lower": ScalarFunc, "count": AggregateFunc, "hop": WindowFunc, "session_end": WindowBoundFunc}
	for name, kind := range kinds {
		if f, _ := fns.Lookup(name); f.Kind != kind {
			t.Errorf("%s is %s, want %s", name, f.Kind, kind)
		}
	}
	if err := fns.Register(Func{Name: "Lower", Kind: ScalarFunc, Check: sig(String, String)}); err == nil {
		t.Error("registering LOWER twice succeeded")
	}
	if err := fns.Register(Func{Name: "nocheck", Kind: ScalarFunc}); err == nil {
		t.Error("registering a function without Check succeeded")
	}
	// A registered function can be used in queries; registries are separate.
	if err := fns.Register(Func{Name: "reverse", Kind: ScalarFunc, MinArgs: 1, MaxArgs: 1, Check: sig(String, String), Synopsis: "REVERSE(s VARCHAR) → VARCHAR"}); err != nil {
		t.Fatal(err)
	}
	cat := testCatalog(t)
	if q, err := parseAndPlan(t, "SELECT REVERSE(url) FROM clicks", cat, fns); err != nil || q.OutputSchema()[0].Type != String {
		t.Errorf("custom function: %v", err)
	}
	if _, err := parseAndPlan(t, "SELECT REVERSE(url) FROM clicks", cat, NewFunctions()); err == nil {
		t.Error("a fresh registry has the custom function")
	}
}

func TestTypesAndValues(t *testing.T) {
	for name, want := range map[string]Type{"int": Int64, "INTEGER": Int64, "bigint": Int64, "double": Float64, "FLOAT": Float64, "real": Float64,
		"decimal": Float64, "varchar": String, "TEXT": String, "char": String, "string": String, "timestamp": Timestamp, "boolean": Boolean, "bool": Boolean} {
		if got, ok := ParseType(name); !ok || got != want {
			t.Errorf("ParseType(%s) = %s", name, got)
		}
	}
	if _, ok := ParseType("blob"); ok {
		t.Error("ParseType(blob) succeeded")
	}
	s := Schema{{"a", Int64}, {"B", String}}
	if s.Index("b") != 1 || s.Index("A") != 0 || s.Index("c") != -1 {
		t.Error("Schema.Index is not case-insensitive")
	}
	for _, tc := range []struct {
		v    Value
		want string
	}{
		{BoolValue(true), "TRUE"}, {IntValue(-3), "-3"}, {FloatValue(2), "2.0"}, {FloatValue(0.25), "0.25"}, {StringValue("it's"), "'it''s'"},
		{Value{Type: Timestamp, Int: 1764000000123}, "TIMESTAMP '2025-11-24T16:00:00.123Z'"}, {IntervalValue(90e9), "INTERVAL 90 SECOND"},
		{NullOf(Int64), "NULL"}, {Value{Type: Null}, "NULL"},
	} {
		if got := tc.v.String(); got != tc.want {
			t.Errorf("%#v.String() = %s, want %s", tc.v, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"2026-11-22T10:00:00Z", "2026-11-22T10:00:00Z"}, {"2026-11-22T10:00:00.25+01:00", "2026-11-22T09:00:00.25Z"},
		{"2026-11-22 10:00:00", "2026-11-22T10:00:00Z"}, {"2026-11-22", "2026-11-22T00:00:00Z"}, {"2026-11-22T10:00", "2026-11-22T10:00:00Z"},
	} {
		ms, err := ParseTimestamp(tc.in)
		if err != nil {
			t.Errorf("ParseTimestamp(%s): %v", tc.in, err)
			continue
		}
		if got := (Value{Type: Timestamp, Int: ms}).Time().Format("2006-01-02T15:04:05.999Z07:00"); got != tc.want {
			t.Errorf("ParseTimestamp(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
	for in, want := range map[string]string{"500ms": "500ms", "5s": "5s", "1m30s": "1m30s", "2h": "2h0m0s", "7d": "168h0m0s", "1.5d": "36h0m0s"} {
		if d, err := ParseDuration(in); err != nil || d.String() != want {
			t.Errorf("ParseDuration(%s) = %v %v, want %s", in, d, err, want)
		}
	}
	for _, bad := range []string{"5", "soon", "", "d"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) succeeded", bad)
		}
	}
}
