package sql

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// explainCases are planned and their EXPLAIN compared with
// testdata/<name>.golden; go test -run TestExplainGolden -update rewrites them.
var explainCases = []struct{ name, sql string }{
	// DESIGN.md, "SQL in one screen".
	{"design_push_limit", "SELECT * FROM clicks EMIT CHANGES LIMIT 10"},
	{"design_per_minute", `INSERT INTO per_minute
  SELECT user_id, COUNT(*) AS n, TUMBLE_START(ts, INTERVAL 1 MINUTE) AS window_start
  FROM clicks WHERE url LIKE '/checkout%'
  GROUP BY user_id, TUMBLE(ts, INTERVAL 1 MINUTE)`},
	{"design_archive", `SELECT user_id, SUM(price) FROM archive.clicks
  WHERE ts >= '2026-11-01' AND ts < '2026-11-02' GROUP BY user_id`},
	// Filters and projections.
	{"filter_project", "SELECT user_id, UPPER(url) AS u, price * 1.1 AS gross, price / 2, -price FROM clicks AS c WHERE c.price > 10 AND url NOT LIKE '/admin%' OR NOT (price < 1)"},
	{"where_true", "SELECT url FROM clicks WHERE TRUE"},
	{"predicates", "SELECT url FROM clicks WHERE url IN ('/a', '/b') AND price NOT IN (1, 2.5) AND price BETWEEN 1 AND 10 AND ts NOT BETWEEN '2026-01-01' AND '2026-02-01T12:00:00+01:00' AND url REGEXP '^/p/[0-9]+$' AND user_id IS NOT NULL AND ts IN ('2026-01-01')"},
	{"metadata", "SELECT _partition_key, _shard, _sequence, _arrival, _event_time, _arrival - _event_time AS lag_ms FROM clicks EMIT CHANGES"},
	{"snapshot_order", "SELECT url, price FROM clicks ORDER BY price DESC, 1 LIMIT 3"},
	{"order_by_alias", "SELECT url AS u, price * 2 AS p2 FROM clicks ORDER BY p2 DESC, u"},
	{"nulls", "SELECT COALESCE(url, 'none') AS url, IFNULL(price, 0), NULL AS nothing, IF(price > 1, 'hi', NULL) AS band FROM clicks WHERE url IS NOT NULL AND price <> NULL"},
	{"case_cast", "SELECT CASE WHEN latency_ms > 100 THEN 'big' WHEN latency_ms > 10 THEN 'mid' ELSE 'small' END AS size, CASE status WHEN 200 THEN 1.0 WHEN 404 THEN 0 END, CAST(status AS DOUBLE), CAST(at AS TIMESTAMP), CAST('2026-01-01' AS TIMESTAMP), CAST('42' AS BIGINT), CAST(ok AS VARCHAR), CAST(msg AS BOOLEAN) FROM logs"},
	// Functions.
	{"string_functions", "SELECT LOWER(url), UPPER(url), CONCAT(user_id, ':', price, ':', ts), SUBSTRING(url, 2), SUBSTR(url FROM 2 FOR 3), LENGTH(url), CHAR_LENGTH(url), TRIM(url), LTRIM(url), RTRIM(url), REPLACE(url, '/', '_'), REGEXP_LIKE(url, 'a+') FROM clicks"},
	{"math_functions", "SELECT ABS(latency_ms), ABS(-3), ROUND(status), ROUND(latency_ms, 1), FLOOR(status), CEIL(latency_ms), POWER(latency_ms, 2), POW(2, 10), SQRT(status), -latency_ms, MOD(status, 10), status % 7, latency_ms % 2, status / 100, status + latency_ms FROM logs"},
	{"time_functions", "SELECT ts - INTERVAL 5 MINUTE, NOW() - INTERVAL '1' HOUR, CURRENT_TIMESTAMP, EXTRACT(HOUR FROM ts), YEAR(ts), MONTH(ts), DAY(ts), HOUR(ts), MINUTE(ts), SECOND(ts), DATE_FORMAT(ts, '%Y-%m-%d %H:%i'), ts - _arrival FROM clicks WHERE ts > NOW() - INTERVAL 1 DAY AND ts < '2026-12-01' + INTERVAL 1 WEEK"},
	{"json", "SELECT payload->>'$.user.id' AS uid, JSON_EXTRACT(payload, '$.n'), payload->'$.tags[0]' FROM logs WHERE payload->>'$.kind' = 'click'"},
	// Aggregation.
	{"aggregates", "SELECT COUNT(*), COUNT(url), COUNT(DISTINCT url), SUM(price), SUM(DISTINCT price), AVG(price), MIN(price), MAX(ts), MIN(url), STDDEV(price), STDDEV_POP(price), STDDEV_SAMP(price), FIRST(url), LAST(url), APPROX_COUNT_DISTINCT(user_id), APPROX_PERCENTILE(price, 0.95) FROM clicks"},
	{"aggregate_int_sum", "SELECT service, SUM(status), AVG(status), MAX(latency_ms) - MIN(latency_ms) AS spread, COUNT(*) * 2 FROM logs GROUP BY service"},
	{"having_alias", "SELECT service, COUNT(*) AS errors FROM logs WHERE status >= 500 GROUP BY service HAVING errors > 100 ORDER BY errors DESC LIMIT 5"},
	{"having_aggregate", "SELECT service FROM logs GROUP BY service HAVING COUNT(*) > 10 AND MAX(latency_ms) > 250.5 ORDER BY COUNT(*) DESC"},
	{"group_by_expression", "SELECT LOWER(url), COUNT(*) FROM clicks GROUP BY LOWER(url)"},
	{"group_by_position", "SELECT LOWER(url) AS path, COUNT(*) AS n FROM clicks GROUP BY 1 ORDER BY 2 DESC"},
	{"group_by_alias", "SELECT LOWER(url) AS path, COUNT(*) AS n FROM clicks GROUP BY path ORDER BY n DESC"},
	{"global_aggregate_push", "SELECT COUNT(*) AS n, SUM(price) FROM clicks EMIT CHANGES"},
	{"distinct", "SELECT DISTINCT user_id, url FROM clicks"},
	// Windows.
	{"tumble_push", "SELECT user_id, window_start, window_end, COUNT(*) FROM clicks GROUP BY user_id, TUMBLE(ts, INTERVAL 1 MINUTE) EMIT CHANGES"},
	{"tumble_order_push", "SELECT user_id, COUNT(*) AS n FROM clicks GROUP BY user_id, TUMBLE(ts, INTERVAL '10' SECOND) ORDER BY n DESC LIMIT 3 EMIT CHANGES"},
	{"hop", "SELECT user_id, HOP_START(ts, INTERVAL 1 MINUTE, INTERVAL 5 MINUTE) AS s, HOP_END(ts, INTERVAL 1 MINUTE, INTERVAL 5 MINUTE) AS e, AVG(price) FROM clicks GROUP BY user_id, HOP(ts, INTERVAL 1 MINUTE, INTERVAL 5 MINUTE) EMIT CHANGES"},
	{"session", "SELECT user_id, SESSION_START(ts, INTERVAL 30 SECOND), SESSION_END(ts, INTERVAL 30 SECOND), COUNT(*) FROM clicks GROUP BY SESSION(ts, INTERVAL 30 SECOND), user_id"},
	{"tumble_bigint_event_time", "SELECT service, TUMBLE_START(at, INTERVAL 1 MINUTE), COUNT(*) FROM logs GROUP BY service, TUMBLE(at, INTERVAL 1 MINUTE) HAVING COUNT(*) > 1"},
	{"tumble_arrival_time", "SELECT name, TUMBLE_END(_event_time, '1h'), SUM(n) FROM events GROUP BY name, TUMBLE(_event_time, '1h')"},
	// Persistent queries.
	{"insert_select_coerce", "INSERT INTO totals SELECT service, SUM(status) AS total, COUNT(*) AS hits FROM logs GROUP BY service"},
	{"insert_select_columns", "INSERT INTO totals (service, hits, last_seen) SELECT service, COUNT(*), MAX(_event_time) FROM logs GROUP BY service"},
	{"insert_select_plain", "INSERT INTO events SELECT url AS name, 1 AS n, ts AS created FROM clicks WHERE price > 0"},
	{"explain_statement", "EXPLAIN SELECT user_id FROM clicks WHERE price > 1 EMIT CHANGES"},
}

func TestExplainGolden(t *testing.T) {
	cat := testCatalog(t)
	fns := NewFunctions()
	for _, tc := range explainCases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := parseAndPlan(t, tc.sql, cat, fns)
			if err != nil {
				// A golden case may also record an error.
				q = nil
			}
			got := tc.sql + "\n\n"
			if q != nil {
				got += q.Explain()
			} else {
				got += "error: " + err.Error() + "\n"
			}
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("EXPLAIN differs from %s (go test -update rewrites it)\n got:\n%s\nwant:\n%s", path, got, want)
			}
		})
	}
}
