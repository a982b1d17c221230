package sql

import (
	"bytes"
	"log"
	"reflect"
	"strings"
	"testing"
	"time"
)

// validStatements are statements that parse, with their parsed shape as
// describeStmt renders it.
var validStatements = []struct{ sql, want string }{
	// The examples of DESIGN.md, "SQL in one screen".
	{`CREATE STREAM clicks (user_id VARCHAR, url VARCHAR, price DOUBLE, ts TIMESTAMP)
  WITH (shards = 4, format = 'json', event_time = 'ts', watermark_delay = '5s',
        archive = 's3://lake/raw')`,
		"CREATE STREAM clicks (user_id VARCHAR, url VARCHAR, price DOUBLE, ts TIMESTAMP) shards=4 format=json event_time=ts watermark_delay=5s archive=s3://lake/raw"},
	{"INSERT INTO clicks VALUES ('u1', '/home', 0, '2026-11-22T10:00:00Z')",
		"INSERT INTO clicks VALUES ('u1', '/home', 0, '2026-11-22T10:00:00Z')"},
	{"SELECT * FROM clicks EMIT CHANGES LIMIT 10", "SELECT * FROM clicks EMIT CHANGES LIMIT 10"},
	{`CREATE STREAM per_minute (user_id VARCHAR, n BIGINT, window_start TIMESTAMP)
  WITH (shards = 1, archive = 's3://lake/agg')`,
		"CREATE STREAM per_minute (user_id VARCHAR, n BIGINT, window_start TIMESTAMP) shards=1 format=json archive=s3://lake/agg"},
	{`INSERT INTO per_minute
  SELECT user_id, COUNT(*) AS n, TUMBLE_START(ts, INTERVAL 1 MINUTE) AS window_start
  FROM clicks WHERE url LIKE '/checkout%'
  GROUP BY user_id, TUMBLE(ts, INTERVAL 1 MINUTE)`,
		"INSERT INTO per_minute SELECT user_id, COUNT(*) AS n, TUMBLE_START(ts, INTERVAL 1 MINUTE) AS window_start FROM clicks WHERE url LIKE '/checkout%' GROUP BY user_id, TUMBLE(ts, INTERVAL 1 MINUTE)"},
	{`SELECT user_id, SUM(price) FROM archive.clicks
  WHERE ts >= '2026-11-01' AND ts < '2026-11-02' GROUP BY user_id`,
		"SELECT user_id, SUM(price) FROM archive.clicks WHERE ts >= '2026-11-01' AND ts < '2026-11-02' GROUP BY user_id"},
	{"SHOW STREAMS", "SHOW STREAMS"},
	// Datasets: the path keeps its case; three ways to name one.
	{"SELECT a FROM s3.`Lake/Raw/clicks/` WHERE dt = '2026-11-22'", "SELECT a FROM s3://Lake/Raw/clicks WHERE dt = '2026-11-22'"},
	{"select a from FILE.`/data/Events` as e", "SELECT a FROM file:///data/Events AS e"},
	{"SELECT COUNT(*) FROM `s3://b/p`", "SELECT COUNT(*) FROM s3://b/p"},
	{"SELECT COUNT(*) FROM `file:///tmp/x`", "SELECT COUNT(*) FROM file:///tmp/x"},
	// A path is taken as written (escaped into the URL); a URL is a URL.
	{"SELECT a FROM file.`/x/a#b c%20`", "SELECT a FROM file:///x/a%23b%20c%2520"},
	{"SELECT a FROM `file:///x/a%23b`", "SELECT a FROM file:///x/a%23b"},
	{"SELECT a FROM s3.`b/country=A%20B`", "SELECT a FROM s3://b/country=A%2520B"},
	{"DESCRIBE clicks", "DESCRIBE clicks"},
	{"DESCRIBE s3.`Lake/Raw`", "DESCRIBE s3://Lake/Raw"},
	{"desc `file:///Data/x`;", "DESCRIBE file:///Data/x"},
	{"SHOW QUERIES", "SHOW QUERIES"},
	{"SHOW ALERTS", "SHOW ALERTS"},
	{"show Alerts;", "SHOW ALERTS"},
	{"STOP QUERY q1", "STOP QUERY q1"},
	{"DROP STREAM clicks", "DROP STREAM clicks"},

	// CREATE STREAM: types, options, IF NOT EXISTS, case and quoting.
	{"create stream IF NOT EXISTS Events (Name text, N int, big BIGINT, i INTEGER, f FLOAT, r REAL, d DECIMAL(10, 2), dp DOUBLE PRECISION, c CHAR(3), v VARCHAR(64), s STRING, b BOOLEAN, bo BOOL, t TIMESTAMP(3))",
		"CREATE STREAM IF NOT EXISTS events (name VARCHAR, n BIGINT, big BIGINT, i BIGINT, f DOUBLE, r DOUBLE, d DOUBLE, dp DOUBLE, c VARCHAR, v VARCHAR, s VARCHAR, b BOOLEAN, bo BOOLEAN, t TIMESTAMP) shards=1 format=json"},
	{"CREATE STREAM `raw-logs` (`Level` VARCHAR, at BIGINT) WITH (event_time = at, format = CSV, idle_timeout = '1m', retention = '7d', late_stream = 'late', partition_key = 'level', watermark_delay = INTERVAL 500 MILLISECOND)",
		"CREATE STREAM raw-logs (level VARCHAR, at BIGINT) shards=1 format=csv event_time=at watermark_delay=500ms idle_timeout=1m0s retention=168h0m0s late_stream=late partition_key=level"},
	{"CREATE STREAM s (a INT) WITH (retention = '8760h', shards = '2', archive = 'file:///tmp/lake')",
		"CREATE STREAM s (a BIGINT) shards=2 format=json retention=8760h0m0s archive=file:///tmp/lake"},
	{"CREATE STREAM s (a INT) WITH (watermark_delay = INTERVAL '2' SECOND, idle_timeout = INTERVAL 1 HOUR)",
		"CREATE STREAM s (a BIGINT) shards=1 format=json watermark_delay=2s idle_timeout=1h0m0s"},
	{"DROP STREAM IF EXISTS `clicks`", "DROP STREAM IF EXISTS clicks"},
	{"desc clicks", "DESCRIBE clicks"},
	{"show streams;", "SHOW STREAMS"},
	{"STOP QUERY 'q-7'", "STOP QUERY q-7"},

	// SELECT: EMIT CHANGES forms.
	{"SELECT * FROM clicks EMIT CHANGES", "SELECT * FROM clicks EMIT CHANGES"},
	{"SELECT * FROM clicks LIMIT 10 EMIT CHANGES", "SELECT * FROM clicks EMIT CHANGES LIMIT 10"},
	{"select * from clicks emit changes limit 0", "SELECT * FROM clicks EMIT CHANGES LIMIT 0"},
	{"SELECT emit FROM clicks", "SELECT emit FROM clicks"},
	{"SELECT url AS emit FROM clicks", "SELECT url AS emit FROM clicks"},
	{"SELECT * FROM clicks LIMIT 5", "SELECT * FROM clicks LIMIT 5"},

	// SELECT: the expression forms.
	{"SELECT a + b * c - d / e % f, (a + b) * c, -a, - 5, -5.5, +a FROM t",
		"SELECT a + b * c - d / e % f, (a + b) * c, -a, -5, -5.5, a FROM t"},
	{"SELECT a FROM t WHERE a = 1 AND b <> 2 AND c != 3 OR d < 4 AND e <= 5 AND f > 6 AND g >= 7",
		"SELECT a FROM t WHERE a = 1 AND b != 2 AND c != 3 OR d < 4 AND e <= 5 AND f > 6 AND g >= 7"},
	{"SELECT a FROM t WHERE NOT a AND !b && c || d", "SELECT a FROM t WHERE NOT a AND NOT b AND c OR d"},
	{"SELECT a FROM t WHERE a IS NULL OR b IS NOT NULL", "SELECT a FROM t WHERE a IS NULL OR b IS NOT NULL"},
	{"SELECT a FROM t WHERE a IN (1, 2) AND b NOT IN ('x')", "SELECT a FROM t WHERE a IN (1, 2) AND b NOT IN ('x')"},
	{"SELECT a FROM t WHERE a BETWEEN 1 AND 2 AND b NOT BETWEEN 3 AND 4", "SELECT a FROM t WHERE a BETWEEN 1 AND 2 AND b NOT BETWEEN 3 AND 4"},
	{"SELECT a FROM t WHERE a LIKE 'x%' AND b NOT LIKE '_y' AND c REGEXP '^z' AND d NOT REGEXP 'w' AND e RLIKE 'v'",
		"SELECT a FROM t WHERE a LIKE 'x%' AND b NOT LIKE '_y' AND c REGEXP '^z' AND d NOT REGEXP 'w' AND e REGEXP 'v'"},
	{"SELECT CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END, CASE WHEN a > 1 THEN a END FROM t",
		"SELECT CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END, CASE WHEN a > 1 THEN a END FROM t"},
	{"SELECT CAST(a AS DOUBLE), CAST(a AS VARCHAR(10)), CAST(a AS SIGNED INTEGER), CAST(a AS DATETIME), CONVERT(a, CHAR), CAST(CAST(a AS INT) AS TEXT) FROM t",
		"SELECT CAST(a AS DOUBLE), CAST(a AS VARCHAR), CAST(a AS BIGINT), CAST(a AS TIMESTAMP), CAST(a AS VARCHAR), CAST(CAST(a AS BIGINT) AS VARCHAR) FROM t"},
	{"SELECT ts - INTERVAL 5 MINUTE, NOW() - INTERVAL '1' HOUR, ts + INTERVAL 1.5 SECOND, INTERVAL 2 DAYS + ts FROM t",
		"SELECT ts - INTERVAL 5 MINUTE, NOW() - INTERVAL 1 HOUR, ts + INTERVAL 1500 MILLISECOND, INTERVAL 2 DAY + ts FROM t"},
	{"SELECT payload->>'$.a', payload->'$.b.c' FROM t", "SELECT JSON_EXTRACT(payload, '$.a'), JSON_EXTRACT(payload, '$.b.c') FROM t"},
	{"SELECT EXTRACT(HOUR FROM ts), extract(year from ts), SUBSTRING(url FROM 2 FOR 3), SUBSTR(LOWER(url), 1), SUBSTRING(url, 1, 2) FROM t",
		"SELECT EXTRACT('HOUR', ts), EXTRACT('YEAR', ts), SUBSTRING(url, 2, 3), SUBSTRING(LOWER(url), 1), SUBSTRING(url, 1, 2) FROM t"},
	{"SELECT TRUE, FALSE, NULL, 'it''s', \"dq\", 1.5e3, .5, 0x1F FROM t", "SELECT TRUE, FALSE, NULL, 'it''s', 'dq', 1500.0, 0.5, 31 FROM t"},
	{"SELECT t.a, c.b, `Weird Col` FROM t AS c", "SELECT a, b, `weird col` FROM t AS c"},
	{"SELECT a x, b AS `Y` FROM t", "SELECT a AS x, b AS y FROM t"},
	{"SELECT t.* FROM t", "SELECT t.* FROM t"},
	{"SELECT DISTINCT a FROM t", "SELECT DISTINCT a FROM t"},
	{"SELECT IF(a > 1, 'x', 'y'), REPLACE(a, 'b', 'c'), MOD(a, 2), a MOD 2, CURRENT_TIMESTAMP FROM t",
		"SELECT IF(a > 1, 'x', 'y'), REPLACE(a, 'b', 'c'), a % 2, a % 2, CURRENT_TIMESTAMP() FROM t"},
	{"SELECT COUNT(*), COUNT(a), COUNT(DISTINCT a), APPROX_PERCENTILE(a, 0.99) FROM t",
		"SELECT COUNT(*), COUNT(a), COUNT(DISTINCT a), APPROX_PERCENTILE(a, 0.99) FROM t"},
	{"SELECT a, COUNT(*) c FROM t WHERE b > 0 GROUP BY a HAVING c > 1 ORDER BY c DESC, a LIMIT 3",
		"SELECT a, COUNT(*) AS c FROM t WHERE b > 0 GROUP BY a HAVING c > 1 ORDER BY c DESC, a LIMIT 3"},
	{"SELECT COUNT(*) FROM t GROUP BY HOP(ts, INTERVAL 1 MINUTE, INTERVAL 5 MINUTE)", "SELECT COUNT(*) FROM t GROUP BY HOP(ts, INTERVAL 1 MINUTE, INTERVAL 5 MINUTE)"},
	{"SELECT COUNT(*) FROM t GROUP BY SESSION(ts, INTERVAL '30' SECOND)", "SELECT COUNT(*) FROM t GROUP BY SESSION(ts, INTERVAL 30 SECOND)"},
	{"SELECT a -- a comment; with a semicolon\nFROM t # another\nWHERE b = ';' /* and ; a block */", "SELECT a FROM t WHERE b = ';'"},

	// INSERT forms.
	{"INSERT INTO clicks (user_id, ts) VALUES ('u1', '2026-01-01'), ('u2', NULL)",
		"INSERT INTO clicks (user_id, ts) VALUES ('u1', '2026-01-01'), ('u2', NULL)"},
	{"insert into clicks values ('u1', '/', -1.5, 1764000000000)", "INSERT INTO clicks VALUES ('u1', '/', -1.5, 1764000000000)"},
	{"INSERT INTO per_minute (user_id, n) SELECT user_id, COUNT(*) FROM clicks GROUP BY user_id",
		"INSERT INTO per_minute (user_id, n) SELECT user_id, COUNT(*) FROM clicks GROUP BY user_id"},
	{"INSERT INTO per_minute (SELECT user_id FROM clicks)", "INSERT INTO per_minute SELECT user_id FROM clicks"},
	{"INSERT INTO per_minute SELECT user_id FROM clicks EMIT CHANGES", "INSERT INTO per_minute SELECT user_id FROM clicks"},

	// EXPLAIN.
	{"EXPLAIN SELECT * FROM clicks EMIT CHANGES LIMIT 1", "EXPLAIN SELECT * FROM clicks EMIT CHANGES LIMIT 1"},
	{"EXPLAIN INSERT INTO per_minute SELECT user_id FROM clicks", "EXPLAIN INSERT INTO per_minute SELECT user_id FROM clicks"},
	{"DESCRIBE SELECT a FROM t", "EXPLAIN SELECT a FROM t"},
}

func TestParseValid(t *testing.T) {
	for _, tc := range validStatements {
		st, err := ParseOne(tc.sql)
		if err != nil {
			t.Errorf("ParseOne(%q): %v", tc.sql, err)
			continue
		}
		if got := describeStmt(st); got != tc.want {
			t.Errorf("ParseOne(%q)\n got: %s\nwant: %s", tc.sql, got, tc.want)
		}
	}
}

// invalidStatements do not parse; err is the whole error text, with the
// position of the offending token.
var invalidStatements = []struct{ sql, err string }{
	// Half-parsed DDL and other statements we do not run.
	{"CREATE TABLE t (x INT) ENGINE=foo garbage", "line 1:8: unsupported statement CREATE TABLE (Freshet has streams: CREATE STREAM name (col TYPE, …) WITH (…))"},
	{"ALTER TABLE t ADD COLUMN y INT", "line 1:7: unsupported statement ALTER TABLE (Freshet has ALTER STREAM name SET (archive = …))"},
	{"ALTER STREAM s SET (shards = 2)", `line 1:21: ALTER STREAM cannot set "shards" (it sets: archive, archive_buffer_interval, archive_buffer_size, archive_compression, archive_partition_by, archive_sse, archive_sse_kms_key_id)`},
	{"ALTER STREAM s ADD (archive = 'x')", "line 1:16: expected SET, found \"ADD\""},
	{"UPDATE t SET a = 1", "line 1:1: unsupported statement UPDATE"},
	{"DELETE FROM t", "line 1:1: unsupported statement DELETE"},
	{"REPLACE INTO t VALUES (1)", "line 1:1: unsupported statement REPLACE"},
	{"DROP TABLE t", "line 1:6: unsupported statement DROP TABLE (use DROP STREAM name)"},
	{"SHOW TABLES", "line 1:6: unsupported statement SHOW TABLES (use SHOW STREAMS, SHOW QUERIES or SHOW ALERTS)"},
	{"frobnicate", `line 1:1: unknown statement "frobnicate" (expected SELECT, INSERT, CREATE STREAM, ALTER STREAM, DROP STREAM, SHOW STREAMS, SHOW QUERIES, SHOW ALERTS, DESCRIBE, EXPLAIN or STOP QUERY)`},
	{"(CREATE TABLE t (a INT))", `line 1:2: syntax error near "CREATE"`},

	// CREATE STREAM.
	{"CREATE STREAM s (a INT) WITH (foo = 1)", `line 1:31: unknown stream option "foo" (known: archive, archive_buffer_interval, archive_buffer_size, archive_compression, archive_partition_by, archive_sse, archive_sse_kms_key_id, event_time, format, idle_timeout, late_stream, partition_key, retention, shards, watermark_delay)`},
	{"CREATE STREAM s (a INT) WITH (archive_compression = 'lz4')", "line 1:53: archive_compression must be snappy, zstd, gzip or none"},
	{"CREATE STREAM s (a INT) WITH (archive_partition_by = 'a,zz')", "line 1:54: archive_partition_by names unknown column \"zz\" (columns: a)"},
	{"CREATE STREAM s (a INT) WITH (archive_buffer_size = '2GB')", "line 1:53: archive_buffer_size must be a size from 1MB to 1GB, like '64MB' or 67108864"},
	{"CREATE STREAM s (a INT)\n  WITH (shards = 0)", "line 2:18: shards must be an integer from 1 to 1024"},
	{"CREATE STREAM s (a INT) WITH (shards = 2000)", "line 1:40: shards must be an integer from 1 to 1024"},
	{"CREATE STREAM s (a INT) WITH (shards = 'many')", "line 1:40: shards must be an integer from 1 to 1024"},
	{"CREATE STREAM s (a INT) WITH (retention = '1h')", "line 1:43: retention must be from 24h to 8760h, got 1h0m0s"},
	{"CREATE STREAM s (a INT) WITH (retention = '366d')", "line 1:43: retention must be from 24h to 8760h, got 366d"},
	{"CREATE STREAM s (a INT, A TEXT)", "line 1:25: duplicate column a"},
	{"CREATE STREAM s (a BLOB)", "line 1:20: unknown type BLOB (use BOOLEAN, INT, BIGINT, DOUBLE, VARCHAR, TEXT or TIMESTAMP)"},
	{"CREATE STREAM s (_event_time TIMESTAMP)", "line 1:18: column name _event_time is reserved for record metadata"},
	{"CREATE STREAM s (a INT NOT NULL)", "line 1:24: column constraints are not supported (every column is nullable)"},
	{"CREATE STREAM s", `line 1:16: expected column list "(name TYPE, …)" at end of statement`},
	{"CREATE STREAM s (a INT", "line 1:17: unclosed column list"},
	{"CREATE STREAM s (a INT b INT)", `line 1:24: expected "," or ")" in the column list, found "b"`},
	{"CREATE STREAM s ()", `line 1:18: expected column name, found ")"`},
	{"CREATE STREAM s (a)", "line 1:19: expected column type (BOOLEAN, BIGINT, DOUBLE, VARCHAR or TIMESTAMP), found \")\""},
	{"CREATE STREAM s (a INT) WITH (event_time = 'b')", `line 1:44: event_time names unknown column "b" (columns: a)`},
	{"CREATE STREAM s (a VARCHAR) WITH (event_time = 'a')", "line 1:48: event_time column a must be TIMESTAMP or BIGINT (epoch milliseconds), not VARCHAR"},
	{"CREATE STREAM s (a INT) WITH (partition_key = 'z')", `line 1:47: partition_key names unknown column "z" (columns: a)`},
	{"CREATE STREAM s (a INT) WITH (watermark_delay = 5)", "line 1:49: watermark_delay must be a duration like '5s' or INTERVAL 5 SECOND"},
	{"CREATE STREAM s (a INT) WITH (watermark_delay = 'soon')", `line 1:49: watermark_delay: bad duration "soon" (want a number and a unit: '500ms', '5s', '1m', '2h', '7d')`},
	{"CREATE STREAM s (a INT) WITH (watermark_delay = '-5s')", "line 1:49: watermark_delay must not be negative"},
	{"CREATE STREAM s (a INT) WITH (idle_timeout = '0s')", "line 1:46: idle_timeout must be positive"},
	{"CREATE STREAM s (a INT) WITH (watermark_delay = INTERVAL 1 MONTH)", "line 1:58: unsupported INTERVAL unit MONTH (use MILLISECOND, SECOND, MINUTE, HOUR, DAY, WEEK)"},
	{"CREATE STREAM s (a INT) WITH (archive = 'lake')", "line 1:41: archive must be an s3:// or file:// URL in quotes, like 's3://lake/raw'"},
	{"CREATE STREAM s (a INT) WITH (format = 'xml')", "line 1:40: format must be 'json' or 'csv'"},
	{"CREATE STREAM s (a INT) WITH (late_stream = 's')", "line 1:45: late_stream must be another stream than s"},
	{"CREATE STREAM s (a INT) WITH (late_stream = 'a b')", `line 1:45: bad stream name "a b" (use letters, digits, _ and -)`},
	{"CREATE STREAM s (a INT) WITH (shards = 1, SHARDS = 2)", "line 1:43: option shards given twice"},
	{"CREATE STREAM s (a INT) WITH (shards = 1) extra", `line 1:43: unexpected "extra" at end of statement`},
	{"CREATE STREAM s (a INT) WITH shards = 1", `line 1:30: expected "(", found "shards"`},
	{"CREATE STREAM s (a INT) WITH (shards 1)", `line 1:38: expected "=", found "1"`},
	{"CREATE STREAM s (a INT) WITH (shards = )", `line 1:40: expected option value, found ")"`},
	{"CREATE STREAM s AS SELECT * FROM t", "line 1:17: CREATE STREAM … AS SELECT is not supported: create the stream with its columns, then INSERT INTO it SELECT …"},
	{"CREATE STREAM `a.b` (x INT)", `line 1:15: bad stream name "a.b" (use letters, digits, _ and -)`},
	{"CREATE STREAM IF EXISTS s (x INT)", `line 1:18: expected NOT, found "EXISTS"`},
	{"CREATE", "line 1:7: expected STREAM after CREATE at end of statement"},

	// Other extensions.
	{"DROP STREAM", "line 1:12: expected stream name at end of statement"},
	{"DROP STREAM a b", `line 1:15: unexpected "b" at end of statement`},
	{"SHOW", "line 1:5: expected STREAMS, QUERIES or ALERTS after SHOW at end of statement"},
	{"SHOW ALERTS firing", `line 1:13: unexpected "firing" at end of statement`},
	{"SHOW STREAMS now", `line 1:14: unexpected "now" at end of statement`},
	{"STOP QUERY", "line 1:11: expected query id at end of statement"},
	{"STOP q1", `line 1:6: expected QUERY, found "q1"`},
	{"DESCRIBE", "line 1:9: expected stream name at end of statement"},
	{"EXPLAIN", "line 1:8: expected SELECT or INSERT after EXPLAIN at end of statement"},
	{"EXPLAIN SHOW STREAMS", `line 1:9: EXPLAIN explains SELECT or INSERT INTO … SELECT, found "SHOW"`},
	{"EXPLAIN INSERT INTO s VALUES (1)", "line 1:9: EXPLAIN explains SELECT or INSERT INTO … SELECT, not INSERT … VALUES"},
	{"SELECT a FROM t EMIT CHANGES WHERE a = 1", "line 1:17: EMIT CHANGES must end the query (it may be followed by LIMIT)"},
	{"SELECT a FROM t\nEMIT FINAL", "line 2:1: EMIT FINAL is not supported: windowed results are emitted once, final, when the watermark passes the window end"},
	{"SELECT a FROM t EMIT CHANGES LIMIT", `line 1:35: syntax error at end of input`},

	// Syntax errors, positioned in the original text.
	{"SELECT", "line 1:7: syntax error at end of input"},
	{"SELECT a FROM t WHERE", "line 1:22: syntax error at end of input"},
	{"SELECT a FROM t WHERE a = 'x' 'y'", `line 1:31: syntax error near "'y'"`},
	{"SELECT a,\n  b c d\nFROM t", `line 2:7: syntax error near "d"`},
	{"SELECT CAST(a) FROM t", `line 1:14: syntax error near ")"`},
	{"SELECT CAST(a AS) FROM t", `line 1:17: syntax error near ")"`},
	{"SELECT a FROM t WHERE x = " + strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300),
		`line 1:226: expressions nested too deeply near "("`},
	{"SELECT 'unterminated FROM t", "line 1:8: unterminated string literal"},
	{"SELECT a FROM t /* open", "line 1:17: unterminated comment"},
	{"SELECT `open FROM t", "line 1:8: unterminated quoted identifier"},
	{"SELECT é FROM t", `line 1:8: unexpected character "é"`},
	{"SELECT 1abc FROM t", `line 1:8: bad number "1a"`},
	{"SELECT a FROM t /*! x */", "line 1:17: MySQL-specific comments /*! … */ are not supported"},
	{"SELECT a FROM t; SELECT b FROM", "line 1:31: syntax error at end of input"},
	{"SELECT a FROM t; SELECT FROM; SELECT c FROM",
		"line 1:25: syntax error near \"FROM\"\nline 1:44: syntax error at end of input"},

	// Unsupported SQL.
	{"SELECT 1", "line 1:9: SELECT needs FROM <stream>"},
	{"SELECT a FROM dual", "line 1:15: SELECT needs FROM <stream>"},
	{"SELECT a FROM t UNION SELECT b FROM u", "line 1:17: UNION is not supported"},
	{"(SELECT a FROM t)", `line 1:17: syntax error near ")"`},
	{"SELECT a FROM t JOIN u ON t.a = u.a", "line 1:17: JOIN is not supported (one stream per query)"},
	{"SELECT a FROM t, u", "line 1:16: joins are not supported (one stream per query)"},
	{"SELECT a FROM (SELECT b FROM t) x", "line 1:15: subqueries are not supported"},
	{"SELECT a FROM db.t", "line 1:15: unknown schema \"db\" (archive.<stream> reads a stream's lake; s3.`bucket/prefix` and file.`/path` read a Parquet dataset)"},
	{"SELECT a FROM file.`data/x`", `line 1:15: file datasets need an absolute path: FROM file.` + "`/data/events`" + `, not "data/x"`},
	{"DESCRIBE file.`x`", `line 1:10: file datasets need an absolute path: FROM file.` + "`/data/events`" + `, not "x"`},
	{"SELECT a FROM s3.`/`", "line 1:15: s3 datasets are named by bucket and prefix: FROM s3.`bucket/prefix`"},
	{"SELECT a FROM `s3://b/x?y`", `line 1:15: bad dataset URL "s3://b/x?y": a ? or # must be escaped (%3F, %23)`},
	{"SELECT a FROM `ftp://host/x`", `line 1:15: unknown dataset scheme "ftp" (s3:// or file://)`},
	{"SELECT a FROM t WHERE a IN (SELECT b FROM u)", "line 1:28: IN with a subquery is not supported"},
	{"SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u)", "line 1:23: EXISTS (subqueries) is not supported"},
	{"SELECT (SELECT 1 FROM u) FROM t", "line 1:9: a subquery is not supported"},
	{"SELECT a FROM t WHERE a = ?", "line 1:27: a bind parameter is not supported"},
	{"SELECT a FROM t WHERE a = :x", "line 1:27: a bind parameter is not supported"},
	{"SELECT a FROM t WHERE a <=> 1", "line 1:25: <=> is not supported"},
	{"SELECT a FROM t WHERE a IS TRUE", "line 1:25: IS TRUE is not supported"},
	{"SELECT a FROM t FOR UPDATE", "line 1:17: FOR UPDATE is not supported"},
	{"SELECT a FROM t LIMIT 1, 2", "line 1:23: LIMIT with an offset is not supported"},
	{"SELECT a FROM t LIMIT 10 OFFSET 5", "line 1:23: LIMIT with an offset is not supported"},
	{"SELECT a FROM t LIMIT 1.5", "line 1:23: LIMIT must be a non-negative integer"},
	{"SELECT a FROM t\n  LIMIT -1", "line 2:9: LIMIT must be a non-negative integer"},
	{"SELECT a FROM t LIMIT 99999999999", "line 1:23: LIMIT must be a non-negative integer"},
	{"SELECT a DIV 2 FROM t", "line 1:10: DIV is not supported (use FLOOR(a / b))"},
	{"SELECT a & 1 FROM t", "line 1:10: bitwise operator & is not supported"},
	{"SELECT ~a FROM t", "line 1:8: operator ~ is not supported"},
	{"SELECT x'ab' FROM t", "line 1:8: a hexadecimal or bit string is not supported"},
	{"SELECT 99999999999999999999 FROM t", "line 1:8: integer 99999999999999999999 is out of range"},
	{"SELECT a FROM t WHERE b LIKE 'x' ESCAPE '!'", "line 1:34: LIKE … ESCAPE is not supported"},
	{"SELECT a FROM t WHERE b COLLATE utf8 = 'x'", "line 1:25: COLLATE is not supported"},
	{"SELECT a FROM t WHERE (a, b) = (1, 2)", "line 1:23: a row value is not supported"},
	{"SELECT GROUP_CONCAT(a) FROM t", "line 1:8: GROUP_CONCAT is not supported"},
	{"SELECT MATCH(a) AGAINST ('x') FROM t", "line 1:8: MATCH … AGAINST is not supported"},
	{"SELECT COUNT(*, a) FROM t", "line 1:14: * is only allowed as in COUNT(*)"},
	{"SELECT a.b.c FROM t", "line 1:8: unsupported column reference a.b.c (use stream.column)"},
	{"SELECT CAST(a AS blob) FROM t", "line 1:18: unknown type BLOB in CAST (use BOOLEAN, BIGINT, DOUBLE, VARCHAR or TIMESTAMP)"},
	{"SELECT CONVERT(a, JSON) FROM t", "line 1:19: unknown type JSON in CAST (use BOOLEAN, BIGINT, DOUBLE, VARCHAR or TIMESTAMP)"},
	{"SELECT a FROM t WHERE b = INTERVAL a MINUTE", "line 1:36: INTERVAL needs a literal number, like INTERVAL 5 MINUTE"},
	{"SELECT a FROM t WHERE b = INTERVAL 1 FORTNIGHT", "line 1:38: unsupported INTERVAL unit FORTNIGHT (use MILLISECOND, SECOND, MINUTE, HOUR, DAY, WEEK)"},
	{"SELECT a FROM t WHERE b = INTERVAL 'x' MINUTE", `line 1:36: bad INTERVAL quantity "x"`},
	{"SELECT a FROM t WHERE b = INTERVAL 1 MONTH", "line 1:38: unsupported INTERVAL unit MONTH (use MILLISECOND, SECOND, MINUTE, HOUR, DAY, WEEK)"},
	{"INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 1", "line 1:26: ON DUPLICATE KEY UPDATE is not supported (streams are append-only)"},
	{"INSERT IGNORE INTO t VALUES (1)", "line 1:8: INSERT IGNORE is not supported"},
	{"INSERT INTO archive.t VALUES (1)", "line 1:13: cannot insert into archive.t: name a stream"},
	{"INSERT INTO t SELECT a FROM u UNION SELECT b FROM v", "line 1:31: UNION is not supported"},
}

func TestParseInvalid(t *testing.T) {
	for _, tc := range invalidStatements {
		st, err := Parse(tc.sql)
		if err == nil {
			t.Errorf("Parse(%q) = %s, want error %q", tc.sql, describeAll(st), tc.err)
			continue
		}
		if err.Error() != tc.err {
			t.Errorf("Parse(%q)\n got error: %s\nwant error: %s", tc.sql, err, tc.err)
		}
		if _, ok := ErrorPos(err); !ok {
			t.Errorf("Parse(%q): error %v has no position", tc.sql, err)
		}
	}
}

func describeAll(st []Statement) string {
	parts := make([]string, len(st))
	for i, s := range st {
		parts[i] = describeStmt(s)
	}
	return strings.Join(parts, "; ")
}

// TestParsePositions checks the position of every expression node.
func TestParsePositions(t *testing.T) {
	tests := []struct{ sql, want string }{
		{"SELECT user_id, COUNT(*) AS n, TUMBLE_START(ts, INTERVAL 1 MINUTE) AS window_start\n  FROM clicks WHERE url LIKE '/checkout%'\n  GROUP BY user_id, TUMBLE(ts, INTERVAL 1 MINUTE)",
			"user_id@1:8 COUNT@1:17 TUMBLE_START@1:32 ts@1:45 INTERVAL 1 MINUTE@1:49 LIKE@2:25 url@2:21 '/checkout%'@2:30 user_id@3:12 TUMBLE@3:21 ts@3:28 INTERVAL 1 MINUTE@3:32"},
		{"SELECT a, a + a, -a, - 5, CAST(a AS DOUBLE), CAST(CAST(a AS INT) AS VARCHAR(10)) FROM t WHERE a = 1 AND (b = 2 OR NOT c) ORDER BY a DESC, 2",
			"a@1:8 +@1:13 a@1:11 a@1:15 neg@1:18 a@1:19 -5@1:22 CAST@1:27 a@1:32 CAST@1:46 CAST@1:51 a@1:56 AND@1:101 =@1:97 a@1:95 1@1:99 OR@1:112 =@1:108 b@1:106 2@1:110 NOT@1:115 c@1:119 a@1:131 2@1:139"},
		{"SELECT\n\tCASE a WHEN 1 THEN 'x' ELSE 'z' END\nFROM t\nWHERE a IN (1, 2) AND b NOT BETWEEN 1 AND 10 AND c IS NOT NULL AND d NOT LIKE '%x'",
			"CASE@2:2 a@2:7 1@2:14 'x'@2:21 'z'@2:30 AND@4:64 AND@4:46 AND@4:19 IN@4:9 a@4:7 1@4:13 2@4:16 BETWEEN@4:25 b@4:23 1@4:37 10@4:43 IS@4:52 c@4:50 LIKE@4:70 d@4:68 '%x'@4:79"},
		{"SELECT EXTRACT(HOUR FROM ts), SUBSTRING(url FROM 2 FOR 3), payload->>'$.a', t.x FROM t",
			"EXTRACT@1:8 'HOUR'@1:16 ts@1:26 SUBSTRING@1:31 url@1:41 2@1:50 3@1:56 JSON_EXTRACT@1:67 payload@1:60 '$.a'@1:70 x@1:77"},
		{"INSERT INTO clicks (user_id, ts) VALUES ('u1', '2026-01-01'),\n  ('u2', NULL)",
			"'u1'@1:42 '2026-01-01'@1:48 'u2'@2:4 NULL@2:10"},
		// The same name twice gets two positions.
		{"SELECT url FROM t WHERE url = 'url' AND url <> lower(url)",
			"url@1:8 AND@1:37 =@1:29 url@1:25 'url'@1:31 !=@1:45 url@1:41 LOWER@1:48 url@1:54"},
		// Positions count characters, not bytes.
		{"SELECT 'é', a FROM t", "'é'@1:8 a@1:13"},
		// In a script, positions are in the script.
		{"EXPLAIN SELECT a FROM t\n  WHERE b > 1", "a@1:16 >@2:11 b@2:9 1@2:13"},
	}
	for _, tc := range tests {
		st, err := ParseOne(tc.sql)
		if err != nil {
			t.Errorf("ParseOne(%q): %v", tc.sql, err)
			continue
		}
		if got := positions(st); got != tc.want {
			t.Errorf("positions of %q\n got: %s\nwant: %s", tc.sql, got, tc.want)
		}
	}
}

// TestParseScript checks splitting, spans and errors of several statements.
func TestParseScript(t *testing.T) {
	script := "-- a script\nSHOW STREAMS;\n\n  SELECT ';' FROM t -- ; not a split\n  WHERE a = 1;;\nDESCRIBE `x`  ;\nSTOP QUERY 'q;1'"
	stmts, err := Parse(script)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		text string
		pos  string
	}{
		{"SHOW STREAMS", "line 2:1"},
		{"SELECT ';' FROM t -- ; not a split\n  WHERE a = 1", "line 4:3"},
		{"DESCRIBE `x`", "line 6:1"},
		{"STOP QUERY 'q;1'", "line 7:1"},
	}
	if len(stmts) != len(want) {
		t.Fatalf("got %d statements, want %d: %s", len(stmts), len(want), describeAll(stmts))
	}
	for i, w := range want {
		src := stmts[i].Source()
		if src.Text != w.text || src.Start.String() != w.pos {
			t.Errorf("statement %d: got %q at %s, want %q at %s", i, src.Text, src.Start, w.text, w.pos)
		}
		if src.Start.Offset != strings.Index(script, w.text) {
			t.Errorf("statement %d: offset %d, want %d", i, src.Start.Offset, strings.Index(script, w.text))
		}
	}
	if q := stmts[3].(*StopQuery); q.ID != "q;1" {
		t.Errorf("STOP QUERY id = %q", q.ID)
	}

	// Every failing statement is reported, as an ErrorList.
	_, err = Parse("SELECT FROM t;\nSHOW STREAMS;\nDROP x")
	list, ok := err.(ErrorList)
	if !ok || len(list) != 2 {
		t.Fatalf("got %T %v, want an ErrorList of 2", err, err)
	}
	if list[1].Pos.Line != 3 {
		t.Errorf("second error at %s, want line 3", list[1].Pos)
	}

	// ParseOne wants exactly one statement.
	if _, err := ParseOne("SHOW STREAMS; SHOW QUERIES"); err == nil || err.Error() != "line 1:15: expected one statement, found 2" {
		t.Errorf("ParseOne of two statements: %v", err)
	}
	if _, err := ParseOne(" -- nothing\n"); err == nil || err.Error() != "line 2:1: empty statement" {
		t.Errorf("ParseOne of nothing: %v", err)
	}
	if st, err := ParseOne("SHOW QUERIES;"); err != nil || describeStmt(st) != "SHOW QUERIES" {
		t.Errorf("ParseOne with a semicolon: %v %v", st, err)
	}
	if st, err := Parse(" ;; "); err != nil || len(st) != 0 {
		t.Errorf("Parse of empty statements: %v %v", st, err)
	}
}

// TestParseOptions checks the typed stream options and their defaults.
func TestParseOptions(t *testing.T) {
	st, err := ParseOne("CREATE STREAM s (a INT, k TEXT, ts BIGINT)")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.(*CreateStream).Options, DefaultStreamOptions(); !reflect.DeepEqual(got, want) {
		t.Errorf("defaults: got %+v, want %+v", got, want)
	}
	st, err = ParseOne("CREATE STREAM s (a INT, k TEXT, ts BIGINT) WITH (shards = 8, format = 'CSV', event_time = 'TS', watermark_delay = '1m30s', idle_timeout = '45s', retention = '48h', late_stream = late, partition_key = k, archive = 's3://b/p', " +
		"archive_buffer_size = '8MiB', archive_buffer_interval = '30s', archive_compression = 'ZSTD', archive_partition_by = 'k, a', archive_sse = 'aws:kms', archive_sse_kms_key_id = 'key-1')")
	if err != nil {
		t.Fatal(err)
	}
	want := StreamOptions{Shards: 8, Format: "csv", EventTime: "ts", WatermarkDelay: 90 * time.Second, IdleTimeout: 45 * time.Second,
		Retention: 48 * time.Hour, LateStream: "late", PartitionKey: "k", Archive: "s3://b/p",
		ArchiveBufferSize: 8 << 20, ArchiveBufferInterval: 30 * time.Second, ArchiveCompression: "zstd",
		ArchivePartitionBy: []string{"k", "a"}, ArchiveSSE: "aws:kms", ArchiveSSEKMSKeyID: "key-1"}
	if got := st.(*CreateStream).Options; !reflect.DeepEqual(got, want) {
		t.Errorf("options: got %+v, want %+v", got, want)
	}
}

// TestParseNoParserLog checks that nothing reaches the parser's lenient
// DDL path, which logs "ignoring error parsing DDL".
func TestParseNoParserLog(t *testing.T) {
	var buf bytes.Buffer
	old, flags := log.Writer(), log.Flags()
	log.SetOutput(&buf)
	defer func() { log.SetOutput(old); log.SetFlags(flags) }()
	for _, s := range []string{"CREATE TABLE t (x INT) ENGINE=foo garbage", "(CREATE TABLE t (x INT) garbage)", "SELECT a FROM t; ALTER TABLE t foo"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) succeeded", s)
		}
	}
	if buf.Len() > 0 {
		t.Errorf("the parser logged: %s", buf.String())
	}
}
