package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/seglog"
	"github.com/freshet/freshet/ingest/streamstore"
	"github.com/freshet/freshet/sql"
)

// rulesData is the shared rules test data.
const rulesData = "../../testdata/rules"

// writeSampleData makes a data directory holding the sample stream logs of
// testdata/rules, each record arriving at its event time, as if a server
// had received them live.
func writeSampleData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var mu sync.Mutex
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	store, err := streamstore.Open(streamstore.Options{Dir: dir, RetentionCheck: -1, Now: clock,
		OpenLog: func(d string, o ingest.LogOptions) (ingest.Log, error) { return seglog.Open(d, o) }})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.Open(engine.Options{Store: store, Dir: engineDir(dir)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	script, err := os.ReadFile(filepath.Join(rulesData, "logs.sql"))
	if err != nil {
		t.Fatal(err)
	}
	stmts, err := sql.Parse(string(script))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stmts {
		res, err := eng.ExecuteStatement(ctx, s, engine.ExecOptions{})
		if err != nil {
			t.Fatal(err)
		}
		res.Close()
	}
	data, err := os.ReadFile(filepath.Join(rulesData, "logs.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var rec struct{ Ts time.Time }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		now = rec.Ts
		mu.Unlock()
		if _, err := store.PutRecords(ctx, "logs", []ingest.PutEntry{{PartitionKey: string(rune('a' + i)), Data: []byte(line)}}); err != nil {
			t.Fatal(err)
		}
	}
	eng.Close()
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRulesCheckCommand: `freshet rules check` offline (SQL parsed) and
// against a data directory (SQL planned), with positioned errors on
// stderr and exit status 1.
func TestRulesCheckCommand(t *testing.T) {
	good := filepath.Join(rulesData, "errors.yaml")
	out, errs, code := runCLI(t, "rules", "check", good)
	if code != 0 || out != good+": 2 groups, 2 rules, 1 notify targets: OK (SQL parsed)\n" {
		t.Fatalf("check: %d %q %q", code, out, errs)
	}
	tmp := t.TempDir()
	bad := writeFile(t, tmp, "bad.yaml", `groups:
  - name: api
    rules:
      - alert: Typo
        sql: |
          SELECT service, COUNT(*) AS n
          FROM logs WHERE lvl = 'ERROR'
          GROUP BY service
        for: 5 minutes
`)
	_, errs, code = runCLI(t, "rules", "check", bad)
	if code != 1 || errs != bad+`:9:14: for: bad duration "5 minutes" (want e.g. 30s, 5m, 1h30m, 2d)`+"\nfreshet rules: 1 of 1 rule files have problems\n" {
		t.Fatalf("offline check of a bad file: %d %q", code, errs)
	}
	fixed := writeFile(t, tmp, "bad.yaml", strings.Replace(mustRead(t, bad), "5 minutes", "5m", 1))
	if _, errs, code = runCLI(t, "rules", "check", fixed); code != 0 {
		t.Fatalf("offline, the unknown column passes: %d %q", code, errs)
	}
	data := writeSampleData(t)
	_, errs, code = runCLI(t, "rules", "check", fixed, "--data-dir", data)
	if code != 1 || !strings.HasPrefix(errs, fixed+`:7:27: group "api", rule "Typo": sql line 2:17: unknown column "lvl" in logs`) {
		t.Fatalf("check against the data: %d %q", code, errs)
	}
	if out, _, code := runCLI(t, "rules", "check", "--data-dir", data, good); code != 0 || !strings.Contains(out, "OK (SQL planned against "+data+")") {
		t.Fatalf("good rules against the data: %d %q", code, out)
	}
	if _, errs, code := runCLI(t, "rules", "frobnicate"); code != 2 || !strings.Contains(errs, `unknown subcommand "frobnicate"`) {
		t.Fatalf("unknown subcommand: %d %q", code, errs)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRulesBacktestCommand runs `freshet rules backtest` over a data
// directory holding the sample logs and compares the timeline with the
// one computed by hand (testdata/rules/errors.backtest.txt).
func TestRulesBacktestCommand(t *testing.T) {
	data := writeSampleData(t)
	rulesFile := filepath.Join(rulesData, "errors.yaml")
	out, errs, code := runCLI(t, "rules", "backtest", rulesFile, "--from", "2026-11-22T10:00:00Z", "--to", "2026-11-22T10:15:00Z", "--data-dir", data)
	if want := mustRead(t, filepath.Join(rulesData, "errors.backtest.txt")); code != 0 || out != want {
		t.Fatalf("backtest: %d\n%s\nwant:\n%s\nstderr: %s", code, out, want, errs)
	}
	if errs != "" {
		t.Errorf("stderr is not a terminal, yet: %q", errs)
	}
	out, errs, code = runCLI(t, "rules", "backtest", "--format", "json", "--data-dir", data, "--from", "2026-11-22T10:00:00Z", "--to", "2026-11-22T10:15:00Z", rulesFile)
	var tl struct {
		Evaluations int
		Events      []struct {
			At             time.Time
			Rule, From, To string
			Labels         map[string]string
			Value          *float64
		}
	}
	if err := json.Unmarshal([]byte(out), &tl); err != nil || code != 0 {
		t.Fatalf("json: %d %v %q %q", code, err, out, errs)
	}
	var got []string
	for _, e := range tl.Events {
		got = append(got, e.At.Format("15:04")+" "+e.Rule+" "+e.Labels["service"]+" "+e.From+">"+e.To)
	}
	want := "10:02 HighErrorRate api inactive>pending, 10:04 HighErrorRate api pending>firing, 10:04 HighErrorRate web inactive>pending, " +
		"10:04 LogFlood  inactive>firing, 10:06 HighErrorRate web pending>inactive, 10:06 LogFlood  firing>resolved, 10:08 HighErrorRate api firing>resolved"
	if tl.Evaluations != 24 || strings.Join(got, ", ") != want {
		t.Fatalf("json events (%d evaluations):\n%s\nwant:\n%s", tl.Evaluations, strings.Join(got, ", "), want)
	}
	if _, errs, code := runCLI(t, "rules", "backtest", rulesFile, "--data-dir", data); code != 2 || !strings.Contains(errs, "--from") {
		t.Fatalf("without --from: %d %q", code, errs)
	}
	if _, errs, code := runCLI(t, "rules", "backtest", rulesFile, "--data-dir", data, "--from", "yesterday"); code != 1 || !strings.Contains(errs, "bad timestamp") {
		t.Fatalf("bad --from: %d %q", code, errs)
	}
}

// TestRulesTestCommand runs `freshet rules test` on a passing and on a
// failing test file.
func TestRulesTestCommand(t *testing.T) {
	pass := filepath.Join(rulesData, "errors_test.yaml")
	out, errs, code := runCLI(t, "rules", "test", pass)
	if code != 0 || strings.Count(out, "ok      ") != 2 || !strings.HasSuffix(out, "PASS: 2 tests\n") {
		t.Fatalf("passing file: %d %q %q", code, out, errs)
	}
	fail := filepath.Join(rulesData, "errors_fail_test.yaml")
	out, errs, code = runCLI(t, "rules", "test", fail)
	if code != 1 || !strings.Contains(out, `FAILED  `+fail+`:22:5: test "firing too early (wrong on purpose)"`) ||
		!strings.Contains(out, "expected:\n      firing  {service=\"api\", severity=\"page\"}") ||
		!strings.Contains(out, "got:\n      pending {service=\"api\", severity=\"page\"}") ||
		errs != "freshet rules: 1 rule tests failed\n" {
		t.Fatalf("failing file: %d\n%s\n%s", code, out, errs)
	}
}

func TestParseMoment(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"now":                       now,
		"-6h":                       now.Add(-6 * time.Hour),
		"-1d":                       now.Add(-24 * time.Hour),
		"2026-11-21":                time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC),
		"2026-11-22T10:00:00Z":      time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
		"2026-11-22T11:00:00+01:00": time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
	} {
		if got, err := parseMoment(in, now); err != nil || !got.Equal(want) {
			t.Errorf("%s: %v %v, want %v", in, got, err, want)
		}
	}
}
