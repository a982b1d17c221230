package rules_test

import (
	"context"
	"testing"

	"github.com/freshet/freshet/engine/rules"
)

// TestTemplates: labels and annotations are Prometheus templates over the
// row's text columns ($labels), its first numeric column ($value) and all
// of them by name ($values); rule labels win over columns of the same name
// and empty labels are dropped.
func TestTemplates(t *testing.T) {
	e := newEnv(t, "")
	e.exec(t, `CREATE STREAM req (service VARCHAR, level VARCHAR, latency DOUBLE, ts TIMESTAMP) WITH (event_time = 'ts')`)
	e.put(t, "req",
		`{"service":"api","level":"ERROR","latency":0.5,"ts":"2026-11-22T10:00:01Z"}`,
		`{"service":"api","level":"ERROR","latency":1.5,"ts":"2026-11-22T10:00:02Z"}`,
		`{"service":"api","level":"ERROR","latency":2.5,"ts":"2026-11-22T10:00:03Z"}`)
	cfg := parseRules(t, `
groups:
  - name: g
    rules:
      - alert: Slow
        sql: SELECT service, level, COUNT(*) AS errors, AVG(latency) AS latency FROM req GROUP BY service, level
        labels:
          team: '{{ if eq $labels.service "api" }}backend{{ else }}frontend{{ end }}'
          level: override
          empty: '{{ $labels.nope }}'
        annotations:
          summary: '{{ $labels.service }} has {{ $value }} errors at level {{ $labels.level }}'
          latency: '{{ $values.latency }}s on average, {{ humanizeDuration $values.latency }}'
          missing: '[{{ $labels.nope }}{{ $values.nope }}]'
          upper: '{{ $labels.service | toUpper }} {{ title "backend team" }}'
          numbers: '{{ humanize 1234567.0 }} {{ humanizePercentage 0.256 }} {{ humanizeDuration 3725 }} {{ printf "%.1f" $value }}'
          broken: '{{ template "nope" }}'
`)
	ev := newEvaluator(t, e, "", cfg, rules.Options{})
	if err := ev.Eval(context.Background(), at("10:01:00")); err != nil {
		t.Fatal(err)
	}
	alerts := ev.Alerts()
	if len(alerts) != 1 {
		t.Fatalf("%+v", alerts)
	}
	a := alerts[0]
	if got := rules.LabelString(a.Labels); got != `{alertname="Slow", level="override", service="api", team="backend"}` {
		t.Errorf("labels %s", got)
	}
	if a.Value == nil || *a.Value != 3 || a.State != "firing" {
		t.Errorf("value %v, state %s", a.Value, a.State)
	}
	want := map[string]string{
		"summary": "api has 3 errors at level ERROR",
		"latency": "1.5s on average, 1.5s",
		"missing": "[0]",
		"upper":   "API Backend Team",
		"numbers": "1.235M 25.6% 1h 2m 5s 3.0",
	}
	for k, v := range want {
		if a.Annotations[k] != v {
			t.Errorf("annotation %s: %q, want %q", k, a.Annotations[k], v)
		}
	}
	if b := a.Annotations["broken"]; b != `<error expanding template: executing "broken" at <{{template "nope"}}>: template "nope" not defined>` {
		t.Errorf("broken: %q", b)
	}
}
