package rules_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/freshet/freshet/engine/rules"
	"github.com/freshet/freshet/sql"
)

// logsCatalog is a catalog with the stream logs (level, service, ts).
func logsCatalog(t *testing.T) sql.Catalog {
	t.Helper()
	st, err := sql.ParseOne("CREATE STREAM logs (level VARCHAR, service VARCHAR, ts TIMESTAMP) WITH (event_time = 'ts')")
	if err != nil {
		t.Fatal(err)
	}
	def := st.(*sql.CreateStream).Def()
	return sql.Streams{def.Name: def}
}

// checkCases are rule files and every error `freshet rules check` reports
// for them, with file:line:col positions (SQL errors also carry their
// line:column inside the sql).
var checkCases = []struct{ name, src, errs string }{
	{"valid", `
groups:
  - name: api
    interval: 30s
    rules:
      - alert: HighErrorRate
        sql: SELECT service, COUNT(*) AS n FROM logs WHERE level = 'ERROR' GROUP BY service
        for: 1h30m
        keep_firing_for: 2d
        labels: {severity: page}
        annotations: {summary: "{{ $labels.service }}: {{ $value | humanize }} ({{ $values.n }})"}
notify:
  - webhook: http://127.0.0.1:9093/api/v2/alerts
  - http: https://hooks.example/freshet
  - stream: alerts
  - log: true
  - log: false
`, ""},
	{"bad YAML", "groups: [\n", "r.yaml:1: bad YAML: did not find expected node content"},
	{"unknown keys", `
groups:
  - name: a
    limit: 10
    rules:
      - alert: X
        expr: up == 0
        sql: SELECT level FROM logs
        severity: page
`, `r.yaml:4:5: group: limit is not supported
r.yaml:7:9: rule: expr is PromQL; Freshet rules give a SQL query as sql:
r.yaml:9:9: rule: unknown key "severity" (known: alert, annotations, for, keep_firing_for, labels, sql)`},
	{"durations", `
groups:
  - name: a
    interval: 5x
    rules:
      - alert: X
        sql: SELECT level FROM logs
        for: 1h30
        keep_firing_for: [1m]
`, `r.yaml:4:15: interval: bad duration "5x" (want e.g. 30s, 5m, 1h30m, 2d)
r.yaml:8:14: for: bad duration "1h30" (want e.g. 30s, 5m, 1h30m, 2d)
r.yaml:9:26: keep_firing_for must be a string`},
	{"SQL in a literal block", `
groups:
  - name: a
    rules:
      - alert: X
        sql: |
          SELECT level,
            COUNT(*) AS n
          FROM logs WHERE lvl = 'x' GROUP BY level
`, `r.yaml:9:27: group "a", rule "X": sql line 3:17: unknown column "lvl" in logs (columns: level, service, ts, _partition_key, _shard, _sequence, _arrival, _event_time)`},
	{"SQL on one line", `
groups:
  - name: a
    rules:
      - alert: X
        sql: SELECT level FROM logs WHERE
      - alert: Y
        sql: "SELECT level FROM nope"
      - alert: Z
        sql: SHOW STREAMS
      - alert: W
        sql: SELECT * FROM logs EMIT CHANGES
      - alert: V
        sql: SELECT level || 'x', COUNT(*) FROM logs GROUP BY level
      - alert: U
        sql: SELECT CONCAT(level, service), COUNT(*) AS n FROM logs GROUP BY level, service
`, `r.yaml:6:42: group "a", rule "X": sql line 1:29: syntax error at end of input
r.yaml:8:33: group "a", rule "Y": sql line 1:19: unknown stream "nope"
r.yaml:10:14: group "a", rule "Z": sql must be a SELECT, found SHOW
r.yaml:12:33: group "a", rule "W": sql line 1:20: an alert rule is a snapshot query: remove EMIT CHANGES
r.yaml:14:21: group "a", rule "V": sql line 1:8: type mismatch: the operand of OR must be BOOLEAN, got VARCHAR
r.yaml:16:14: group "a", rule "U": column "CONCAT(level, service)" would be a label: name it with AS (letters, digits and _; not alertname)`},
	{"templates and names", `
groups:
  - name: a
    rules:
      - alert: X
        sql: SELECT level FROM logs
        annotations:
          summary: '{{ $labels.x '
          other: '{{ humanise $value }}'
          block: |
            line one
            {{ end }}
        labels:
          bad-name: x
          team: '{{ $labels.level | toUpper }}'
      - alert: X Y
        sql: SELECT level FROM logs
      - sql: SELECT level FROM logs
`, `r.yaml:8:20: group "a", rule "X": annotation summary: template line 1: unclosed action
r.yaml:9:18: group "a", rule "X": annotation other: template line 1: function "humanise" not defined
r.yaml:12: group "a", rule "X": annotation block: template line 2: unexpected {{end}}
r.yaml:14:21: group "a", rule "X": bad label name "bad-name" (use letters, digits and _, not starting with __)
r.yaml:16:16: group "a", rule "X Y": bad alert name (use letters, digits, _ and :)
r.yaml:18:9: group "a", rule 3: alert name is missing`},
	{"groups and targets", `
groups:
  - name: a
    rules: []
  - name: a
  - interval: 1m
notify:
  - webhook: ftp://x
  - pager: duty
  - log: maybe
  - stream: "no spaces"
`, `r.yaml:5:5: group "a" is defined twice (first at r.yaml:3:5)
r.yaml:6:5: group without a name
r.yaml:8:5: notify: bad URL "ftp://x" (want http:// or https://)
r.yaml:9:5: notify: unknown target "pager" (known: webhook, http, stream, log)
r.yaml:10:10: notify: log must be true or false
r.yaml:11:5: notify: bad stream name "no spaces"`},
}

func TestCheck(t *testing.T) {
	cat := logsCatalog(t)
	for _, c := range checkCases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "r.yaml")
			if err := os.WriteFile(path, []byte(c.src), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := rules.CheckFiles(path, cat, nil)
			got := ""
			if err != nil {
				got = strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
			}
			if got != c.errs {
				t.Fatalf("errors:\n%s\nwant:\n%s", got, c.errs)
			}
		})
	}
}

// TestCheckOffline: without a catalog, SQL is only parsed: unknown streams
// pass, syntax errors do not.
func TestCheckOffline(t *testing.T) {
	cfg, err := rules.Parse("r.yaml", []byte("groups:\n  - name: a\n    rules:\n      - alert: X\n        sql: SELECT x FROM nope\n      - alert: Y\n        sql: SELECT FROM\n"))
	if err != nil {
		t.Fatal(err)
	}
	errs := rules.Check(cfg, nil, nil)
	if len(errs) != 1 || errs[0].Error() != `r.yaml:7:21: group "a", rule "Y": sql line 1:8: syntax error near "FROM"` {
		t.Fatalf("%v", errs.Err())
	}
}

// TestLoadDirectory loads every YAML file of a directory, in name order,
// and finds a group defined in two of them.
func TestLoadDirectory(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.yaml":    "groups:\n  - name: one\n    rules:\n      - alert: A\n        sql: SELECT level FROM logs\n",
		"b.yml":     "groups:\n  - name: two\n    interval: 2m\n    rules: []\nnotify:\n  - log: true\n",
		"notes.txt": "not rules",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := rules.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Groups) != 2 || cfg.Groups[0].Name != "one" || cfg.Groups[0].Every() != time.Minute ||
		cfg.Groups[1].Every() != 2*time.Minute || len(cfg.Notify) != 1 || cfg.Notify[0].Kind != rules.Log {
		t.Fatalf("%+v", cfg)
	}
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte("groups:\n  - name: one\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := rules.Load(dir); err == nil || !strings.Contains(err.Error(), `c.yaml:2:5: group "one" is defined twice (first at `+filepath.Join(dir, "a.yaml")+":2:5)") {
		t.Fatalf("duplicate group: %v", err)
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"0": 0, "30s": 30 * time.Second, "5m": 5 * time.Minute, "1h30m": 90 * time.Minute, "2d": 48 * time.Hour,
		"1w": 7 * 24 * time.Hour, "1y": 365 * 24 * time.Hour, "250ms": 250 * time.Millisecond, "1.5h": 90 * time.Minute,
	} {
		if got, err := rules.ParseDuration(in); err != nil || got != want {
			t.Errorf("%s: %v %v, want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "5", "5x", "-1m", "m", "1d1d"} {
		if _, err := rules.ParseDuration(in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
	if s := rules.FormatDuration(26*time.Hour + 90*time.Second); s != "1d2h1m30s" {
		t.Errorf("format: %s", s)
	}
}
