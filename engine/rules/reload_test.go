package rules_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/freshet/freshet/engine/rules"
)

// TestReloadKeepsState: reloading with the rule's SQL and annotations
// changed keeps its alerts (a rule is known by group, alert name and
// labels); a config that does not compile is refused and the rules stay;
// a rule that is gone takes its alerts with it.
func TestReloadKeepsState(t *testing.T) {
	e := newEnv(t, "")
	e.loadLogs(t)
	dir := t.TempDir()
	rcv := newReceiver(t, 0)
	cfg := parseRules(t, highErrorRate+"  - webhook: "+rcv.srv.URL+"\n")
	ev := newEvaluator(t, e, dir, cfg, rules.Options{ResendInterval: time.Hour})
	for _, hhmm := range []string{"10:02", "10:03", "10:04"} {
		step(t, ev, hhmm)
	}
	if msgs := rcv.take(); len(msgs) != 1 {
		t.Fatalf("%+v", msgs)
	}
	edited := strings.Replace(strings.Replace(highErrorRate, "HAVING errors >= 3", "HAVING errors >= 2", 1),
		"logged {{ $value }} errors", "has {{ $value }} errors", 1)
	if err := ev.Load(parseRules(t, edited+"  - webhook: "+rcv.srv.URL+"\n")); err != nil {
		t.Fatal(err)
	}
	if s := states(ev); s != "api:firing@10:02 web:pending@10:04" {
		t.Fatalf("after reload: %s", s)
	}
	step(t, ev, "10:05")
	if a := ev.Alerts()[0]; a.Annotations["summary"] != "api has 6 errors in 2 minutes" {
		t.Fatalf("annotations after reload: %v", a.Annotations)
	}
	if msgs := rcv.take(); len(msgs) != 0 {
		t.Fatalf("a reload announced the alert again: %+v", msgs)
	}

	broken, err := rules.Parse("broken.yaml", []byte("groups:\n  - name: api\n    rules:\n      - alert: X\n        sql: SELEC 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	var rerr *rules.Error
	if err := ev.Load(broken); !errors.As(err, &rerr) || rerr.Pos.Line != 5 || !strings.Contains(err.Error(), "broken.yaml:5:14") {
		t.Fatalf("broken config: %v", err)
	}
	if g := ev.Groups(); len(g) != 1 || !strings.Contains(g[0].Rules[0].SQL, "errors >= 2") || g[0].Rules[0].Firing != 1 {
		t.Fatalf("after a refused reload: %+v", g)
	}

	other := strings.Replace(edited, "alert: HighErrorRate", "alert: Other", 1)
	if err := ev.Load(parseRules(t, other)); err != nil {
		t.Fatal(err)
	}
	if a := ev.Alerts(); len(a) != 0 {
		t.Fatalf("the removed rule's alerts stayed: %+v", a)
	}
	data, err := os.ReadFile(filepath.Join(dir, rules.StateFile))
	if err != nil || strings.Contains(string(data), "HighErrorRate") || !strings.Contains(string(data), "Other") {
		t.Fatalf("state file: %s %v", data, err)
	}
}

// TestRuleErrorState: a rule whose query fails shows the error (SHOW
// ALERTS, Groups, metrics), keeps its alerts as they were, and recovers at
// the first tick that succeeds.
func TestRuleErrorState(t *testing.T) {
	e := newEnv(t, "")
	cfg := parseRules(t, "groups:\n  - name: g\n    rules:\n      - alert: Missing\n        sql: SELECT kind, COUNT(*) AS n FROM later GROUP BY kind\n")
	ev := newEvaluator(t, e, "", cfg, rules.Options{})
	ctx := context.Background()
	if err := ev.Eval(ctx, at("10:00:00")); err != nil {
		t.Fatal(err)
	}
	a := ev.Alerts()
	if len(a) != 1 || a[0].State != "error" || !a[0].Since.Equal(at("10:00:00")) || !strings.Contains(a[0].Error, `unknown stream "later"`) {
		t.Fatalf("%+v", a)
	}
	if err := ev.Eval(ctx, at("10:01:00")); err != nil {
		t.Fatal(err)
	}
	if a := ev.Alerts(); len(a) != 1 || !a[0].Since.Equal(at("10:00:00")) {
		t.Fatalf("the error's since moved: %+v", a)
	}
	if g := ev.Groups(); g[0].Rules[0].Health != "error" {
		t.Fatalf("%+v", g)
	}
	if m := metrics(t, ev); !strings.Contains(m, `freshet_rule_evaluation_failures_total{group="g",rule="Missing"} 2`) ||
		!strings.Contains(m, `freshet_rule_evaluations_total{group="g",rule="Missing"} 2`) {
		t.Fatalf("metrics:\n%s", m)
	}
	e.exec(t, "CREATE STREAM later (kind VARCHAR, ts TIMESTAMP) WITH (event_time = 'ts')")
	e.put(t, "later", `{"kind":"x","ts":"2026-11-22T10:01:30Z"}`)
	if err := ev.Eval(ctx, at("10:02:00")); err != nil {
		t.Fatal(err)
	}
	if s := states(ev); s != ":firing@10:02" {
		t.Fatalf("after recovery: %s", s)
	}
	if g := ev.Groups(); g[0].Rules[0].Health != "ok" || g[0].Rules[0].LastError != "" {
		t.Fatalf("%+v", g)
	}
}

// TestStartSchedules: Start evaluates each group on its own schedule.
// (The only test on the wall clock: it waits for evaluations to happen and
// asserts nothing about when.)
func TestStartSchedules(t *testing.T) {
	e := newEnv(t, "")
	e.exec(t, "CREATE STREAM ticks (n BIGINT)")
	cfg := parseRules(t, "groups:\n  - name: fast\n    interval: 10ms\n    rules:\n      - alert: Any\n        sql: SELECT COUNT(*) AS n FROM ticks\n")
	ev := newEvaluator(t, e, "", cfg, rules.Options{})
	ev.Start()
	deadline := time.Now().Add(10 * time.Second)
	for {
		g := ev.Groups()
		if g[0].Rules[0].Health == "ok" && strings.Contains(metrics(t, ev), `freshet_rule_group_evaluation_duration_seconds_count{group="fast"} `) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no evaluation: %+v", g)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := ev.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}
