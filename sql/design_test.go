package sql

import (
	"strings"
	"testing"
)

// designScreen is "SQL in one screen" of DESIGN.md, verbatim.
const designScreen = `CREATE STREAM clicks (user_id VARCHAR, url VARCHAR, price DOUBLE, ts TIMESTAMP)
  WITH (shards = 4, format = 'json', event_time = 'ts', watermark_delay = '5s',
        archive = 's3://lake/raw');
INSERT INTO clicks VALUES ('u1', '/home', 0, '2026-11-22T10:00:00Z');
SELECT * FROM clicks EMIT CHANGES LIMIT 10;
CREATE STREAM per_minute (user_id VARCHAR, n BIGINT, window_start TIMESTAMP)
  WITH (shards = 1, archive = 's3://lake/agg');
INSERT INTO per_minute
  SELECT user_id, COUNT(*) AS n, TUMBLE_START(ts, INTERVAL 1 MINUTE) AS window_start
  FROM clicks WHERE url LIKE '/checkout%'
  GROUP BY user_id, TUMBLE(ts, INTERVAL 1 MINUTE);
SELECT user_id, SUM(price) FROM archive.clicks
  WHERE ts >= '2026-11-01' AND ts < '2026-11-02' GROUP BY user_id;
SHOW STREAMS; DESCRIBE clicks; SHOW QUERIES; STOP QUERY q1; DROP STREAM clicks;
`

// TestDesignScreen parses the design's script and plans each statement
// against the streams it creates, as a REPL would.
func TestDesignScreen(t *testing.T) {
	stmts, err := Parse(designScreen)
	if err != nil {
		t.Fatal(err)
	}
	cat := Streams{}
	fns := NewFunctions()
	var got []string
	for _, s := range stmts {
		line := describeStmt(s)
		switch s := s.(type) {
		case *CreateStream:
			cat[s.Name] = s.Def()
		case *Insert:
			p, err := PlanInsert(s, cat)
			if err != nil {
				t.Fatalf("%s: %v", s.Text, err)
			}
			line += " → " + itoa(len(p.Rows)) + " row"
		case *Select, *InsertSelect:
			q, err := planStatement(s, cat, fns)
			if err != nil {
				t.Fatalf("%s: %v", s.Source().Text, err)
			}
			line += " → " + q.Kind.String() + " " + q.OutputSchema().String()
		}
		got = append(got, s.Source().Start.String()+" "+line)
	}
	want := []string{
		"line 1:1 CREATE STREAM clicks (user_id VARCHAR, url VARCHAR, price DOUBLE, ts TIMESTAMP) shards=4 format=json event_time=ts watermark_delay=5s archive=s3://lake/raw",
		"line 4:1 INSERT INTO clicks VALUES ('u1', '/home', 0, '2026-11-22T10:00:00Z') → 1 row",
		"line 5:1 SELECT * FROM clicks EMIT CHANGES LIMIT 10 → push (user_id VARCHAR, url VARCHAR, price DOUBLE, ts TIMESTAMP)",
		"line 6:1 CREATE STREAM per_minute (user_id VARCHAR, n BIGINT, window_start TIMESTAMP) shards=1 format=json archive=s3://lake/agg",
		"line 8:1 INSERT INTO per_minute SELECT user_id, COUNT(*) AS n, TUMBLE_START(ts, INTERVAL 1 MINUTE) AS window_start FROM clicks WHERE url LIKE '/checkout%' GROUP BY user_id, TUMBLE(ts, INTERVAL 1 MINUTE) → persistent (user_id VARCHAR, n BIGINT, window_start TIMESTAMP)",
		"line 12:1 SELECT user_id, SUM(price) FROM archive.clicks WHERE ts >= '2026-11-01' AND ts < '2026-11-02' GROUP BY user_id → snapshot (user_id VARCHAR, SUM(price) DOUBLE)",
		"line 14:1 SHOW STREAMS",
		"line 14:15 DESCRIBE clicks",
		"line 14:32 SHOW QUERIES",
		"line 14:46 STOP QUERY q1",
		"line 14:61 DROP STREAM clicks",
	}
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("got:\n%s\nwant:\n%s", g, w)
	}
}
