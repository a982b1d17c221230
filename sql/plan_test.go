package sql

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// invalidQueries parse but do not plan; err is the whole error text.
var invalidQueries = []struct{ sql, err string }{
	// Streams and columns.
	{"SELECT nope FROM clicks", `line 1:8: unknown column "nope" in clicks (columns: user_id, url, price, ts, _partition_key, _shard, _sequence, _arrival, _event_time)`},
	{"SELECT *\nFROM nope", `line 2:6: unknown stream "nope"`},
	{"SELECT user_id\n  FROM clicks\n  WHERE price > 1 AND urll = 'x'", `line 3:23: unknown column "urll" in clicks (columns: user_id, url, price, ts, _partition_key, _shard, _sequence, _arrival, _event_time)`},
	{"SELECT c.url FROM clicks", `line 1:8: unknown stream or alias "c" in c.url (the query reads clicks)`},
	{"SELECT d.url FROM clicks c", `line 1:8: unknown stream or alias "d" in d.url (the query reads clicks as c)`},
	{"SELECT x.* FROM clicks", `line 1:8: unknown stream or alias "x" in x.*`},
	{"SELECT window_start FROM clicks", `line 1:8: unknown column "window_start" in clicks (columns: user_id, url, price, ts, _partition_key, _shard, _sequence, _arrival, _event_time); window_start needs a GROUP BY window (TUMBLE, HOP or SESSION)`},
	{"SELECT * FROM archive.clicks EMIT CHANGES", "line 1:30: EMIT CHANGES cannot read archive.clicks: the lake is bounded (drop EMIT CHANGES for a snapshot query)"},

	// Types.
	{"SELECT user_id,\n  url + 1\nFROM clicks", "line 2:7: type mismatch: cannot apply + to VARCHAR and BIGINT"},
	{"SELECT price LIKE 'x' FROM clicks", "line 1:8: type mismatch: LIKE needs VARCHAR operands, got DOUBLE"},
	{"SELECT url REGEXP 1 FROM clicks", "line 1:19: type mismatch: REGEXP needs VARCHAR operands, got BIGINT"},
	{"SELECT * FROM clicks WHERE user_id = 5", "line 1:36: type mismatch: cannot compare VARCHAR with BIGINT"},
	{"SELECT * FROM clicks WHERE url", "line 1:28: type mismatch: WHERE must be BOOLEAN, got VARCHAR"},
	{"SELECT * FROM clicks WHERE price AND TRUE", "line 1:28: type mismatch: the operand of AND must be BOOLEAN, got DOUBLE"},
	{"SELECT NOT price FROM clicks", "line 1:12: type mismatch: the operand of NOT must be BOOLEAN, got DOUBLE"},
	{"SELECT -url FROM clicks", "line 1:8: type mismatch: cannot negate VARCHAR"},
	{"SELECT ts + 1 FROM clicks", "line 1:11: type mismatch: cannot apply + to TIMESTAMP and BIGINT"},
	{"SELECT ts * INTERVAL 1 SECOND FROM clicks", "line 1:11: type mismatch: cannot apply * to TIMESTAMP and INTERVAL"},
	{"SELECT INTERVAL 1 SECOND - ts FROM clicks", "line 1:26: type mismatch: cannot apply - to INTERVAL and TIMESTAMP"},
	{"SELECT * FROM clicks WHERE ts > 'yesterday'", `line 1:33: bad timestamp "yesterday" (want RFC 3339 like '2026-11-22T10:00:00Z' or a date like '2026-11-22')`},
	{"SELECT * FROM clicks WHERE ts > url", "line 1:31: type mismatch: cannot compare TIMESTAMP with VARCHAR"},
	{"SELECT * FROM clicks WHERE ts BETWEEN '2026-01-01' AND 'x'", `line 1:56: bad timestamp "x" (want RFC 3339 like '2026-11-22T10:00:00Z' or a date like '2026-11-22')`},
	{"SELECT * FROM clicks WHERE ts IN ('2026-01-01', 'soon')", `line 1:49: bad timestamp "soon" (want RFC 3339 like '2026-11-22T10:00:00Z' or a date like '2026-11-22')`},
	{"SELECT * FROM clicks WHERE price IN (1, 'x')", "line 1:41: type mismatch: IN list value of type VARCHAR does not match DOUBLE"},
	{"SELECT * FROM clicks WHERE price BETWEEN 'a' AND 'b'", "line 1:34: type mismatch: cannot compare DOUBLE BETWEEN VARCHAR AND VARCHAR"},
	{"SELECT CASE WHEN url THEN 1 END FROM clicks", "line 1:18: type mismatch: a WHEN condition must be BOOLEAN, got VARCHAR"},
	{"SELECT CASE WHEN price > 1 THEN 1 ELSE 'x' END FROM clicks", "line 1:8: type mismatch: CASE results have no common type (BIGINT, VARCHAR)"},
	{"SELECT CASE url WHEN 1 THEN 2 END FROM clicks", "line 1:22: type mismatch: CASE compares VARCHAR with BIGINT"},
	{"SELECT CAST(ts AS BOOLEAN) FROM clicks", "line 1:8: type mismatch: cannot CAST TIMESTAMP AS BOOLEAN"},
	{"SELECT CAST('abc' AS BIGINT) FROM clicks", "line 1:13: cannot CAST 'abc' AS BIGINT: 'abc' is not an integer"},
	{"SELECT CAST('soon' AS TIMESTAMP) FROM clicks", `line 1:13: bad timestamp "soon" (want RFC 3339 like '2026-11-22T10:00:00Z' or a date like '2026-11-22')`},
	{"SELECT * FROM clicks WHERE url REGEXP '('", "line 1:39: bad regular expression: error parsing regexp: missing closing ): `(`"},
	{"SELECT * FROM clicks WHERE ts > INTERVAL 1 DAY", "line 1:31: type mismatch: cannot compare TIMESTAMP with INTERVAL"},
	{"SELECT INTERVAL 1 DAY FROM clicks", "line 1:8: an INTERVAL cannot be a result column (add it to a TIMESTAMP)"},
	{"SELECT ts + CASE WHEN price > 1 THEN INTERVAL 1 DAY END FROM clicks", "line 1:13: an INTERVAL can only be a literal added to or subtracted from a TIMESTAMP, or a window size"},
	{"SELECT COALESCE(INTERVAL 1 DAY) FROM clicks", "line 1:17: argument 1 of COALESCE cannot be an INTERVAL"},
	{"SELECT CAST(INTERVAL 1 DAY AS VARCHAR) FROM clicks", "line 1:8: type mismatch: cannot CAST INTERVAL AS VARCHAR"},
	{"SELECT EXTRACT(NULL, ts) FROM clicks", "line 1:16: argument 1 of EXTRACT must name a unit (YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFWEEK, DAYOFYEAR, HOUR, MINUTE, SECOND, MILLISECOND, EPOCH)"},

	// Functions.
	{"SELECT foo(url) FROM clicks", "line 1:8: unknown function FOO"},
	{"SELECT LOWER(price) FROM clicks", "line 1:14: type mismatch: argument 1 of LOWER must be VARCHAR, got DOUBLE: LOWER(s VARCHAR) → VARCHAR"},
	{"SELECT LOWER(url, url) FROM clicks", "line 1:8: LOWER takes 1 argument, got 2: LOWER(s VARCHAR) → VARCHAR"},
	{"SELECT SUBSTRING(url) FROM clicks", "line 1:8: SUBSTRING takes 2 to 3 arguments, got 1: SUBSTRING(s VARCHAR, start BIGINT [, length BIGINT]) → VARCHAR (start is 1-based)"},
	{"SELECT SUBSTRING(url, 1, 'x') FROM clicks", "line 1:26: type mismatch: argument 3 of SUBSTRING must be BIGINT, got VARCHAR: SUBSTRING(s VARCHAR, start BIGINT [, length BIGINT]) → VARCHAR (start is 1-based)"},
	{"SELECT CONCAT() FROM clicks", "line 1:8: CONCAT takes at least 1 argument, got 0: CONCAT(x, …) → VARCHAR (each argument as text)"},
	{"SELECT NOW(1) FROM clicks", "line 1:8: NOW takes 0 arguments, got 1: NOW() → TIMESTAMP (the query's evaluation time)"},
	{"SELECT ABS(url) FROM clicks", "line 1:12: argument 1 of ABS must be a number, got VARCHAR"},
	{"SELECT COALESCE(price, url) FROM clicks", "line 1:24: argument 2 of COALESCE must have the type of the arguments before it (DOUBLE), got VARCHAR"},
	{"SELECT IF(url, 1, 2) FROM clicks", "line 1:11: type mismatch: argument 1 of IF must be BOOLEAN, got VARCHAR: IF(cond BOOLEAN, x, y) → common type"},
	{"SELECT EXTRACT(fortnight FROM ts) FROM clicks", "line 1:16: argument 1 of EXTRACT: unknown unit FORTNIGHT (use YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFWEEK, DAYOFYEAR, HOUR, MINUTE, SECOND, MILLISECOND, EPOCH)"},
	{"SELECT EXTRACT(url, ts) FROM clicks", "line 1:16: argument 1 of EXTRACT must be a literal: EXTRACT(unit FROM ts TIMESTAMP) → BIGINT (unit: YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFWEEK, DAYOFYEAR, HOUR, MINUTE, SECOND, MILLISECOND, EPOCH)"},
	{"SELECT YEAR(url) FROM clicks", "line 1:13: type mismatch: argument 1 of YEAR must be TIMESTAMP, got VARCHAR: YEAR(ts TIMESTAMP) → BIGINT"},
	{"SELECT DATE_FORMAT(ts, 1) FROM clicks", "line 1:24: type mismatch: argument 2 of DATE_FORMAT must be VARCHAR, got BIGINT: DATE_FORMAT(ts TIMESTAMP, format VARCHAR) → VARCHAR (MySQL format: %Y-%m-%d %H:%i:%s)"},
	{"SELECT JSON_EXTRACT(url, 'a') FROM clicks", "line 1:26: argument 2 of JSON_EXTRACT: bad JSON path 'a' (want $.key, $.a.b or $.list[0])"},
	{"SELECT REGEXP_LIKE(url, '[') FROM clicks", "line 1:25: argument 2 of REGEXP_LIKE: bad regular expression: error parsing regexp: missing closing ]: `[`"},
	{"SELECT LOWER(*) FROM clicks", "line 1:8: LOWER(*) is not allowed: only COUNT(*)"},
	{"SELECT LOWER(DISTINCT url) FROM clicks", "line 1:8: DISTINCT is not supported in LOWER"},

	// Aggregates.
	{"SELECT COUNT(*) FROM clicks WHERE COUNT(*) > 1", "line 1:35: aggregate function COUNT is not allowed in WHERE"},
	{"SELECT COUNT(*) FROM clicks GROUP BY COUNT(*)", "line 1:38: aggregate function COUNT is not allowed in GROUP BY"},
	{"SELECT SUM(COUNT(*)) FROM clicks", "line 1:12: aggregate function COUNT cannot be nested in another aggregate"},
	{"SELECT user_id, url FROM clicks GROUP BY user_id", "line 1:17: column url must be in GROUP BY or inside an aggregate function"},
	{"SELECT user_id, COUNT(*) FROM clicks", "line 1:8: column user_id must be in GROUP BY or inside an aggregate function"},
	{"SELECT COUNT(*) FROM clicks HAVING user_id = 'x'", "line 1:36: column user_id must be in GROUP BY or inside an aggregate function"},
	{"SELECT user_id FROM clicks GROUP BY user_id HAVING nope > 1", `line 1:52: unknown column "nope" in clicks (columns: user_id, url, price, ts, _partition_key, _shard, _sequence, _arrival, _event_time)`},
	{"SELECT user_id FROM clicks GROUP BY user_id ORDER BY price", "line 1:54: column price must be in GROUP BY or inside an aggregate function"},
	{"SELECT * FROM clicks GROUP BY user_id", "line 1:8: column url must be in GROUP BY or inside an aggregate function"},
	{"SELECT SUM(url) FROM clicks", "line 1:12: argument 1 of SUM must be a number, got VARCHAR"},
	{"SELECT AVG(ts) FROM clicks", "line 1:12: type mismatch: argument 1 of AVG must be DOUBLE, got TIMESTAMP: AVG(x number) → DOUBLE"},
	{"SELECT MAX(ok) FROM logs", "line 1:12: argument 1 of MAX must be a number, string or timestamp, got BOOLEAN"},
	{"SELECT MIN(DISTINCT price) FROM clicks", "line 1:8: DISTINCT is not supported in MIN"},
	{"SELECT SUM(*) FROM clicks", "line 1:8: SUM(*) is not allowed: only COUNT(*)"},
	{"SELECT COUNT(url, price) FROM clicks", "line 1:8: COUNT takes 1 argument, got 2: COUNT(*), COUNT(x), COUNT(DISTINCT x) → BIGINT"},
	{"SELECT APPROX_PERCENTILE(price, 1.5) FROM clicks", "line 1:33: argument 2 of APPROX_PERCENTILE must be a number from 0 to 1"},
	{"SELECT APPROX_PERCENTILE(price, price) FROM clicks", "line 1:33: argument 2 of APPROX_PERCENTILE must be a literal: APPROX_PERCENTILE(x number, q DOUBLE literal in [0, 1]) → DOUBLE"},
	{"SELECT APPROX_PERCENTILE(price) FROM clicks", "line 1:8: APPROX_PERCENTILE takes 2 arguments, got 1: APPROX_PERCENTILE(x number, q DOUBLE literal in [0, 1]) → DOUBLE"},
	{"SELECT DISTINCT COUNT(*) FROM clicks", "line 1:17: SELECT DISTINCT with aggregate functions is not supported"},
	{"SELECT DISTINCT url FROM clicks GROUP BY url", "line 1:1: SELECT DISTINCT with GROUP BY is not supported"},
	{"SELECT 1 FROM clicks GROUP BY 5", "line 1:31: GROUP BY position 5 is not in the select list (1 to 1)"},
	{"SELECT COUNT(*) FROM clicks GROUP BY 1", "line 1:38: GROUP BY position 1 is an aggregate"},
	{"SELECT url FROM clicks GROUP BY 'x'", "line 1:33: GROUP BY a constant is not supported"},
	{"SELECT user_id FROM clicks ORDER BY 3", "line 1:37: ORDER BY position 3 is not in the select list (1 to 1)"},
	{"SELECT COUNT(*) FROM clicks HAVING COUNT(*)", "line 1:36: type mismatch: HAVING must be BOOLEAN, got BIGINT"},

	// Windows.
	{"SELECT TUMBLE(ts, INTERVAL 1 MINUTE) FROM clicks", "line 1:8: window function TUMBLE is only allowed in GROUP BY (use TUMBLE_START or TUMBLE_END, or window_start and window_end, in the select list)"},
	{"SELECT COUNT(*) FROM clicks WHERE TUMBLE(ts, INTERVAL 1 MINUTE) IS NULL", "line 1:35: window function TUMBLE is only allowed in GROUP BY (use TUMBLE_START or TUMBLE_END, or window_start and window_end, in the select list)"},
	{"SELECT COUNT(*) FROM clicks\nGROUP BY TUMBLE(ts, INTERVAL 1 MINUTE),\n  HOP(ts, INTERVAL 1 MINUTE, INTERVAL 5 MINUTE)", "line 3:3: only one window per query: GROUP BY already has TUMBLE(ts, INTERVAL 1 MINUTE)"},
	{"SELECT TUMBLE_START(ts, INTERVAL 2 MINUTE), COUNT(*) FROM clicks GROUP BY TUMBLE(ts, INTERVAL 1 MINUTE)", "line 1:8: TUMBLE_START(…) does not match the GROUP BY window TUMBLE(ts, INTERVAL 1 MINUTE)"},
	{"SELECT HOP_END(ts, INTERVAL 1 MINUTE, INTERVAL 5 MINUTE) FROM clicks GROUP BY TUMBLE(ts, INTERVAL 1 MINUTE)", "line 1:8: HOP_END(…) does not match the GROUP BY window TUMBLE(ts, INTERVAL 1 MINUTE)"},
	{"SELECT TUMBLE_START(ts, INTERVAL 1 MINUTE) FROM clicks", "line 1:8: TUMBLE_START needs a GROUP BY window: GROUP BY …, TUMBLE(…)"},
	{"SELECT SESSION_END(ts, INTERVAL 1 MINUTE), COUNT(*) FROM clicks GROUP BY user_id", "line 1:8: SESSION_END needs a GROUP BY window: GROUP BY …, SESSION(…)"},
	{"SELECT COUNT(*) FROM clicks GROUP BY TUMBLE(url, INTERVAL 1 MINUTE)", "line 1:45: TUMBLE must window on the stream's event time (ts or _event_time), not url"},
	{"SELECT COUNT(*) FROM events GROUP BY TUMBLE(created, INTERVAL 1 MINUTE)", "line 1:45: TUMBLE must window on the stream's event time (_event_time), not created"},
	{"SELECT COUNT(*) FROM clicks GROUP BY TUMBLE(ts + INTERVAL 1 SECOND, INTERVAL 1 MINUTE)", "line 1:48: TUMBLE must window on the stream's event time (ts or _event_time), not an expression"},
	{"SELECT COUNT(*) FROM clicks GROUP BY HOP(ts, INTERVAL 5 MINUTE, INTERVAL 1 MINUTE)", "line 1:46: HOP slide INTERVAL 5 MINUTE must not be longer than its size INTERVAL 1 MINUTE"},
	{"SELECT COUNT(*) FROM clicks GROUP BY TUMBLE(ts, INTERVAL 0 MINUTE)", "line 1:49: argument 2 of TUMBLE must be a positive INTERVAL"},
	{"SELECT COUNT(*) FROM clicks GROUP BY TUMBLE(ts, 5)", "line 1:49: type mismatch: argument 2 of TUMBLE must be INTERVAL, got BIGINT: TUMBLE(time TIMESTAMP, INTERVAL)"},
	{"SELECT COUNT(*) FROM clicks GROUP BY TUMBLE(ts, 'soon')", `line 1:49: bad duration "soon" (want a number and a unit: '500ms', '5s', '1m', '2h', '7d')`},
	{"SELECT COUNT(*) FROM clicks GROUP BY TUMBLE(ts)", "line 1:38: TUMBLE takes 2 arguments, got 1: TUMBLE(time TIMESTAMP, INTERVAL)"},
	{"SELECT COUNT(*) FROM clicks GROUP BY SESSION(ts, price)", "line 1:50: argument 2 of SESSION must be a literal: SESSION(time TIMESTAMP, INTERVAL)"},

	// Streaming rules.
	{"SELECT * FROM clicks\n  ORDER BY ts\n  EMIT CHANGES", "line 2:3: ORDER BY is not supported on a push query without a window: its rows never end (ORDER BY works on snapshot queries and within windows)"},
	{"SELECT user_id, COUNT(*) FROM clicks GROUP BY user_id ORDER BY 2 EMIT CHANGES LIMIT 5", "line 1:55: ORDER BY is not supported on a push query without a window: its rows never end (ORDER BY works on snapshot queries and within windows)"},
}

func TestPlanInvalid(t *testing.T) {
	cat := testCatalog(t)
	fns := NewFunctions()
	for _, tc := range invalidQueries {
		q, err := parseAndPlan(t, tc.sql, cat, fns)
		if err == nil {
			t.Errorf("plan %q succeeded, want error %q\n%s", tc.sql, tc.err, q.Explain())
			continue
		}
		if err.Error() != tc.err {
			t.Errorf("plan %q\n got error: %s\nwant error: %s", tc.sql, err, tc.err)
		}
	}
}

// TestPlanShapes checks fields of planned queries that EXPLAIN does not
// show in full.
func TestPlanShapes(t *testing.T) {
	cat := testCatalog(t)
	fns := NewFunctions()
	plan := func(sql string) *Query {
		t.Helper()
		q, err := parseAndPlan(t, sql, cat, fns)
		if err != nil {
			t.Fatalf("plan %q: %v", sql, err)
		}
		return q
	}

	q := plan("SELECT * FROM clicks EMIT CHANGES LIMIT 10")
	if q.Kind != Push || q.Aggregate() != nil || q.Window() != nil {
		t.Errorf("push query: kind %v aggregate %v", q.Kind, q.Aggregate())
	}
	if l, ok := q.Root.(*Limit); !ok || l.N != 10 {
		t.Errorf("root = %#v, want Limit 10", q.Root)
	}
	if got, want := q.OutputSchema(), (Schema{{"user_id", String}, {"url", String}, {"price", Float64}, {"ts", Timestamp}}); !reflect.DeepEqual(got, want) {
		t.Errorf("output %v, want %v", got, want)
	}
	scan := q.Scan()
	if scan.Stream != "clicks" || scan.Archive || scan.Columns != 4 || scan.EventTime != "ts" || len(scan.Output) != 9 {
		t.Errorf("scan %+v", scan)
	}

	q = plan("INSERT INTO per_minute SELECT user_id, COUNT(*) AS n, TUMBLE_START(ts, INTERVAL 1 MINUTE) AS window_start FROM clicks GROUP BY user_id, TUMBLE(ts, INTERVAL 1 MINUTE)")
	if q.Kind != Persistent || q.Sink != "per_minute" {
		t.Errorf("persistent query: kind %v sink %q", q.Kind, q.Sink)
	}
	w := q.Window()
	if w == nil || w.Kind != Tumble || w.Size != time.Minute {
		t.Fatalf("window %+v", w)
	}
	if ref, ok := w.Time.(*ColumnRef); !ok || ref.Index != 3 || ref.Type() != Timestamp {
		t.Errorf("window time %#v", w.Time)
	}
	agg := q.Aggregate()
	if len(agg.Aggs) != 1 || agg.Aggs[0].Func != "count" || len(agg.Aggs[0].Args) != 0 || agg.Aggs[0].Name != "n" {
		t.Errorf("aggs %+v", agg.Aggs)
	}
	wantAgg := Schema{{"user_id", String}, {"window_start", Timestamp}, {"window_end", Timestamp}, {"n", Int64}}
	if !reflect.DeepEqual(agg.Output, wantAgg) {
		t.Errorf("aggregate schema %v, want %v", agg.Output, wantAgg)
	}
	if !reflect.DeepEqual(q.OutputSchema(), cat["per_minute"].Columns) {
		t.Errorf("persistent output %v, want the stream's columns", q.OutputSchema())
	}

	w = plan("SELECT COUNT(*) FROM clicks GROUP BY HOP(ts, INTERVAL 30 SECOND, INTERVAL '2' MINUTE)").Window()
	if w.Kind != Hop || w.Slide != 30*time.Second || w.Size != 2*time.Minute {
		t.Errorf("hop %+v", w)
	}
	w = plan("SELECT COUNT(*) FROM clicks GROUP BY SESSION(_event_time, '90s')").Window()
	if w.Kind != Session || w.Gap != 90*time.Second {
		t.Errorf("session %+v", w)
	}
	w = plan("SELECT COUNT(*) FROM logs GROUP BY TUMBLE(at, INTERVAL 1 HOUR)").Window()
	if ref := w.Time.(*ColumnRef); ref.Name != ColEventTime || ref.Index != 12 || ref.Typ != Timestamp {
		t.Errorf("BIGINT event time should window on _event_time, got %#v", ref)
	}

	agg = plan("SELECT APPROX_PERCENTILE(price, 0.95), COUNT(DISTINCT url), SUM(DISTINCT price) FROM clicks").Aggregate()
	if a := agg.Aggs[0]; a.Func != "approx_percentile" || a.Param != 0.95 || len(a.Args) != 1 || a.Type != Float64 {
		t.Errorf("percentile %+v", a)
	}
	if a := agg.Aggs[1]; a.Func != "count" || !a.Distinct || a.Type != Int64 {
		t.Errorf("count distinct %+v", a)
	}

	// Literals are converted where they meet a column.
	q = plan("SELECT url FROM clicks WHERE ts >= '2026-11-01T10:00:00.5Z' AND price > 1")
	f := q.Root.(*Project).Input.(*Filter)
	and := f.Cond.(*Binary)
	ge := and.L.(*Binary)
	if lit := ge.R.(*Literal); lit.Value.Type != Timestamp || lit.Value.Int != time.Date(2026, 11, 1, 10, 0, 0, 5e8, time.UTC).UnixMilli() {
		t.Errorf("timestamp literal %+v", lit.Value)
	}
	gt := and.R.(*Binary)
	if lit := gt.R.(*Literal); lit.Value.Type != Float64 || lit.Value.Float != 1 {
		t.Errorf("promoted literal %+v", lit.Value)
	}
	if ref := gt.L.(*ColumnRef); ref.Index != 2 || ref.Typ != Float64 {
		t.Errorf("column %+v", ref)
	}
	if got := q.Scan().Used; !reflect.DeepEqual(got, []int{1, 2, 3, 8}) {
		t.Errorf("used columns %v", got)
	}

	// A snapshot over the lake.
	q = plan("SELECT user_id FROM archive.clicks")
	if q.Kind != Snapshot || !q.Scan().Archive {
		t.Errorf("archive query %v %+v", q.Kind, q.Scan())
	}
	// Plans are immutable: planning twice gives equal plans.
	a, b := plan("SELECT user_id, COUNT(*) FROM clicks GROUP BY user_id"), plan("SELECT user_id, COUNT(*) FROM clicks GROUP BY user_id")
	if a.Explain() != b.Explain() {
		t.Error("planning is not deterministic")
	}
}

// TestRewrites checks the rewrite list and the rewrites that EXPLAIN cases
// do not reach.
func TestRewrites(t *testing.T) {
	var names []string
	for _, r := range Rewrites() {
		names = append(names, r.Name)
	}
	if got := strings.Join(names, ","); got != "drop-true-filter,merge-filters,merge-projects,drop-identity-project,mark-used-columns" {
		t.Errorf("rewrites %s", got)
	}
	scan := &Scan{Stream: "s", Output: Schema{{"a", Int64}, {ColEventTime, Timestamp}}}
	cond := func(v bool) Expr { return &Literal{Value: BoolValue(v)} }
	var n Node = &Filter{Input: &Filter{Input: scan, Cond: cond(false)}, Cond: &ColumnRef{Name: "a", Index: 0, Typ: Boolean}}
	n = applyRewrites(n)
	f, ok := n.(*Filter)
	if !ok || f.Cond.String() != "FALSE AND a" {
		t.Fatalf("merge-filters gave %s", describeNode(n))
	}
	if got := f.Input.(*Scan).Used; !reflect.DeepEqual(got, []int{0, 1}) {
		t.Errorf("used %v", got)
	}
	if n := applyRewrites(&Filter{Input: scan, Cond: cond(true)}); n.(*Scan).Stream != "s" {
		t.Errorf("drop-true-filter gave %s", describeNode(n))
	}
}

func TestPlanInsertValues(t *testing.T) {
	cat := testCatalog(t)
	st, err := ParseOne("INSERT INTO clicks VALUES ('u1', '/home', 0, '2026-11-22T10:00:00Z'),\n ('u2', NULL, -1.5, 1764000000000), (NULL, 'x', 3, CAST('2026-01-01' AS TIMESTAMP))")
	if err != nil {
		t.Fatal(err)
	}
	p, err := PlanInsert(st.(*Insert), cat)
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC).UnixMilli()
	want := [][]Value{
		{StringValue("u1"), StringValue("/home"), FloatValue(0), {Type: Timestamp, Int: ts}},
		{StringValue("u2"), NullOf(String), FloatValue(-1.5), {Type: Timestamp, Int: 1764000000000}},
		{NullOf(String), StringValue("x"), FloatValue(3), {Type: Timestamp, Int: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()}},
	}
	if p.Stream != "clicks" || !reflect.DeepEqual(p.Rows, want) || len(p.Columns) != 4 {
		t.Errorf("got %+v\nwant rows %+v", p, want)
	}

	st, _ = ParseOne("INSERT INTO logs (ok, status, service) VALUES (TRUE, 2.0, 'api')")
	p, err = PlanInsert(st.(*Insert), cat)
	if err != nil {
		t.Fatal(err)
	}
	row := p.Rows[0]
	if !row[6].Bool || row[2].Int != 2 || row[2].Type != Int64 || row[0].Str != "api" || !row[7].Null || row[7].Type != Int64 {
		t.Errorf("named columns: %+v", row)
	}

	invalid := []struct{ sql, err string }{
		{"INSERT INTO nope VALUES (1)", `line 1:13: unknown stream "nope"`},
		{"INSERT INTO clicks VALUES ('u1', '/')", "line 1:27: row 1 has 2 values but stream clicks has 4 columns (user_id, url, price, ts)"},
		{"INSERT INTO clicks (user_id) VALUES ('a'),\n  ('b', 'c')", "line 2:3: row 2 has 2 values but the INSERT names 1 column"},
		{"INSERT INTO clicks (user_id, nope) VALUES ('a', 1)", `line 1:30: unknown column "nope" in clicks (columns: user_id, url, price, ts)`},
		{"INSERT INTO clicks (url, URL) VALUES ('a', 'b')", "line 1:26: column url is named twice"},
		{"INSERT INTO clicks VALUES ('u1', '/', 'cheap', NULL)", "line 1:39: column price is DOUBLE: cannot store 'cheap': a VARCHAR does not convert to DOUBLE"},
		{"INSERT INTO clicks VALUES ('u1', '/', 1,\n  'tomorrow')", `line 2:3: column ts is TIMESTAMP: cannot store 'tomorrow': bad timestamp "tomorrow" (want RFC 3339 like '2026-11-22T10:00:00Z' or a date like '2026-11-22')`},
		{"INSERT INTO clicks VALUES (1, '/', 1, NULL)", "line 1:28: column user_id is VARCHAR: cannot store 1: a BIGINT does not convert to VARCHAR"},
		{"INSERT INTO logs (status) VALUES (1.5)", "line 1:35: column status is BIGINT: cannot store 1.5: 1.5 is not an integer"},
		{"INSERT INTO logs (ok) VALUES (1)", "line 1:31: column ok is BOOLEAN: cannot store 1: a BIGINT does not convert to BOOLEAN"},
		{"INSERT INTO clicks VALUES ('u1', '/', price, NULL)", "line 1:39: INSERT … VALUES takes literal values only, not price"},
		{"INSERT INTO clicks VALUES ('u1', '/', 1 + 1, NULL)", "line 1:41: INSERT … VALUES takes literal values only, not 1 + 1"},
		{"INSERT INTO clicks VALUES ('u1', '/', 1, NOW())", "line 1:42: INSERT … VALUES takes literal values only, not NOW()"},
		{"INSERT INTO clicks VALUES ('u1', '/', 1, INTERVAL 1 DAY)", "line 1:42: an INTERVAL cannot be stored in a column"},
		{"INSERT INTO clicks VALUES ('u1', '/', 1, CAST('x' AS TIMESTAMP))", `line 1:47: bad timestamp "x" (want RFC 3339 like '2026-11-22T10:00:00Z' or a date like '2026-11-22')`},
	}
	for _, tc := range invalid {
		st, err := ParseOne(tc.sql)
		if err != nil {
			t.Errorf("parse %q: %v", tc.sql, err)
			continue
		}
		_, err = PlanInsert(st.(*Insert), cat)
		if err == nil || err.Error() != tc.err {
			t.Errorf("PlanInsert(%q)\n got error: %v\nwant error: %s", tc.sql, err, tc.err)
		}
	}
}

func TestPlanInsertSelectInvalid(t *testing.T) {
	cat := testCatalog(t)
	fns := NewFunctions()
	invalid := []struct{ sql, err string }{
		{"INSERT INTO nope SELECT * FROM clicks", `line 1:13: unknown stream "nope"`},
		{"INSERT INTO clicks SELECT * FROM clicks", "line 1:13: a query cannot insert into the stream it reads (clicks)"},
		{"INSERT INTO per_minute\n  SELECT user_id, url FROM clicks", `line 2:19: column "url" is not in stream per_minute (columns: user_id, n, window_start); name it with AS`},
		{"INSERT INTO per_minute SELECT user_id, price AS n FROM clicks", "line 1:40: type mismatch: column n of per_minute is BIGINT, the query gives DOUBLE"},
		{"INSERT INTO per_minute SELECT user_id, user_id FROM clicks", "line 1:40: column user_id of per_minute is given twice"},
		{"INSERT INTO per_minute (user_id, n) SELECT user_id FROM clicks", "line 1:37: the INSERT names 2 columns but the query gives 1"},
		{"INSERT INTO per_minute (user_id, nope) SELECT user_id, 1 FROM clicks", `line 1:34: unknown column "nope" in per_minute (columns: user_id, n, window_start)`},
		{"INSERT INTO per_minute SELECT user_id FROM clicks LIMIT 5", "line 1:57: LIMIT is not allowed in INSERT INTO … SELECT: a persistent query runs until STOP QUERY"},
		{"INSERT INTO per_minute SELECT user_id FROM clicks ORDER BY user_id", "line 1:51: ORDER BY is not supported on a persistent query without a window: its rows never end (ORDER BY works on snapshot queries and within windows)"},
		{"INSERT INTO per_minute SELECT user_id FROM archive.clicks", "line 1:44: a persistent query cannot read archive.clicks: read the stream"},
		{"INSERT INTO per_minute SELECT nope FROM clicks", `line 1:31: unknown column "nope" in clicks (columns: user_id, url, price, ts, _partition_key, _shard, _sequence, _arrival, _event_time)`},
	}
	for _, tc := range invalid {
		_, err := parseAndPlan(t, tc.sql, cat, fns)
		if err == nil || err.Error() != tc.err {
			t.Errorf("plan %q\n got error: %v\nwant error: %s", tc.sql, err, tc.err)
		}
	}
}

// datasets is a DatasetCatalog over testCatalog with two datasets: one
// with a TIMESTAMP column, one without.
type datasets struct{ Streams }

func (d datasets) Dataset(url string) (*StreamDef, error) {
	cols := Schema{{"user_id", String}, {"qty", Int64}, {"dt", String}}
	switch url {
	case "s3://lake/timed":
		def := &StreamDef{Name: url, Columns: append(cols, Column{"ts", Timestamp}), Options: DefaultStreamOptions(),
			Dataset: &Dataset{URL: url, TimeColumn: "ts", Partitions: []string{"dt"}}}
		def.Options.EventTime, def.Options.Archive = "ts", url
		return def, nil
	case "file:///untimed":
		def := &StreamDef{Name: url, Columns: cols, Options: DefaultStreamOptions(), Dataset: &Dataset{URL: url, Partitions: []string{"dt"}}}
		def.Options.Archive = url
		return def, nil
	}
	return nil, errors.New("no Parquet files under " + url)
}

// TestPlanDatasets plans queries over datasets: the scan carries the
// dataset, windows need its time column, and datasets are bounded.
func TestPlanDatasets(t *testing.T) {
	cat := datasets{testCatalog(t)}
	fns := NewFunctions()
	q, err := parseAndPlan(t, "SELECT dt, COUNT(*) AS n, TUMBLE_START(ts, INTERVAL 1 HOUR) AS h FROM s3.`lake/timed` GROUP BY dt, TUMBLE(ts, INTERVAL 1 HOUR)", cat, fns)
	if err != nil {
		t.Fatal(err)
	}
	if s := q.Scan(); s.Dataset == nil || s.Dataset.TimeColumn != "ts" || !s.Archive || s.Stream != "s3://lake/timed" {
		t.Errorf("scan %+v", s)
	}
	if !strings.Contains(q.Explain(), "Scan s3://lake/timed") {
		t.Errorf("explain:\n%s", q.Explain())
	}
	for _, c := range []struct{ sql, err string }{
		{"SELECT COUNT(*) FROM file.`/untimed` GROUP BY TUMBLE(_event_time, INTERVAL 1 HOUR)",
			"line 1:54: TUMBLE needs an event time, and the dataset file:///untimed has no TIMESTAMP column"},
		{"SELECT * FROM s3.`lake/timed` EMIT CHANGES",
			"line 1:31: EMIT CHANGES cannot read the dataset s3://lake/timed: the lake is bounded (drop EMIT CHANGES for a snapshot query)"},
		{"SELECT * FROM s3.`lake/nothing`", "line 1:15: no Parquet files under s3://lake/nothing"},
		{"SELECT _arrival FROM s3.`lake/timed` GROUP BY _arrival, TUMBLE(_arrival, INTERVAL 1 HOUR)",
			"line 1:64: TUMBLE must window on the stream's event time (ts or _event_time), not _arrival"},
	} {
		_, err := parseAndPlan(t, c.sql, cat, fns)
		if err == nil || err.Error() != c.err {
			t.Errorf("%s\n got %v\nwant %s", c.sql, err, c.err)
		}
	}
	// A catalog without datasets says so.
	if _, err := parseAndPlan(t, "SELECT * FROM s3.`lake/timed`", testCatalog(t), fns); err == nil || !strings.Contains(err.Error(), "cannot be read here") {
		t.Errorf("plain catalog: %v", err)
	}
	// Persistent queries cannot read datasets.
	if _, err := parseAndPlan(t, "INSERT INTO per_minute SELECT user_id, COUNT(*) AS n, TUMBLE_START(ts, INTERVAL 1 MINUTE) AS window_start FROM s3.`lake/timed` GROUP BY user_id, TUMBLE(ts, INTERVAL 1 MINUTE)", cat, fns); err == nil || !strings.Contains(err.Error(), "a persistent query cannot read the dataset s3://lake/timed") {
		t.Errorf("persistent over a dataset: %v", err)
	}
}
