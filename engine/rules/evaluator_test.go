package rules_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/freshet/freshet/engine/rules"
)

// receiver is a webhook receiver: a real HTTP server on loopback that
// records the Alertmanager messages it gets, answering 500 to the first
// fail requests.
type receiver struct {
	srv      *httptest.Server
	mu       sync.Mutex
	fail     int
	requests int
	msgs     []rules.WebhookMessage
}

func newReceiver(t *testing.T, fail int) *receiver {
	r := &receiver{fail: fail}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.requests++
		if req.Method != http.MethodPost || req.Header.Get("Content-Type") != "application/json" {
			t.Errorf("webhook request: %s %s", req.Method, req.Header.Get("Content-Type"))
		}
		if r.fail > 0 {
			r.fail--
			http.Error(w, "receiver down", http.StatusInternalServerError)
			return
		}
		var m rules.WebhookMessage
		if err := json.Unmarshal(body, &m); err != nil {
			t.Errorf("webhook body %s: %v", body, err)
		}
		r.msgs = append(r.msgs, m)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// take returns the messages received so far and forgets them.
func (r *receiver) take() []rules.WebhookMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.msgs
	r.msgs = nil
	return m
}

const highErrorRate = `
groups:
  - name: api
    interval: 1m
    rules:
      - alert: HighErrorRate
        sql: |
          SELECT service, COUNT(*) AS errors
          FROM logs
          WHERE level = 'ERROR' AND ts > NOW() - INTERVAL 2 MINUTE
          GROUP BY service
          HAVING errors >= 3
        for: 2m
        keep_firing_for: 1m
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.service }} logged {{ $value }} errors in 2 minutes"
notify:
`

func parseRules(t *testing.T, text string) *rules.Config {
	t.Helper()
	cfg, err := rules.Parse("rules.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func newEvaluator(t *testing.T, e *env, dir string, cfg *rules.Config, o rules.Options) *rules.Evaluator {
	t.Helper()
	o.Engine, o.Dir = e.eng, dir
	if o.RetryMin == 0 {
		o.RetryMin, o.RetryMax = time.Millisecond, 5*time.Millisecond
	}
	ev, err := rules.New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := ev.Load(cfg); err != nil {
		t.Fatal(err)
	}
	e.eng.SetAlertSource(ev)
	t.Cleanup(func() { ev.Close(context.Background()) })
	return ev
}

// step evaluates at hh:mm:00 and waits for the notifications to go out.
func step(t *testing.T, ev *rules.Evaluator, hhmm string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ev.Eval(ctx, at(hhmm+":00")); err != nil {
		t.Fatal(err)
	}
	if err := ev.Flush(ctx); err != nil {
		t.Fatalf("flush: %v", err)
	}
}

// states renders the evaluator's instances as "service:state since".
func states(ev *rules.Evaluator) string {
	var out []string
	for _, a := range ev.Alerts() {
		out = append(out, fmt.Sprintf("%s:%s@%s", a.Labels["service"], a.State, a.Since.Format("15:04")))
	}
	return strings.Join(out, " ")
}

// TestWebhookLifecycle drives HighErrorRate over the sample logs minute by
// minute and checks the states (pending, firing with for, kept firing
// with keep_firing_for, resolved) and the Alertmanager messages a real
// receiver gets: one when api fires, one when it resolves, none for web,
// which never outlasts its for.
func TestWebhookLifecycle(t *testing.T) {
	e := newEnv(t, "")
	e.loadLogs(t)
	rcv := newReceiver(t, 0)
	cfg := parseRules(t, highErrorRate+"  - webhook: "+rcv.srv.URL+"/hook\n")
	ev := newEvaluator(t, e, "", cfg, rules.Options{ResendInterval: time.Hour, ExternalURL: "http://freshet.test"})

	want := []struct{ at, states string }{
		{"10:01", ""},
		{"10:02", "api:pending@10:02"},
		{"10:03", "api:pending@10:02"},
		{"10:04", "api:firing@10:02 web:pending@10:04"},
		{"10:05", "api:firing@10:02 web:pending@10:04"},
		{"10:06", "api:firing@10:02"},
		{"10:07", "api:firing@10:02"}, // kept firing: the row is gone since 10:07
		{"10:08", "api:resolved@10:08"},
		{"10:09", "api:resolved@10:08"},
	}
	var got []rules.WebhookMessage
	for _, w := range want {
		step(t, ev, w.at)
		if s := states(ev); s != w.states {
			t.Fatalf("at %s: %q, want %q", w.at, s, w.states)
		}
		for _, m := range rcv.take() {
			got = append(got, m)
			if len(m.Alerts) != 1 {
				t.Fatalf("at %s: %d alerts in %+v", w.at, len(m.Alerts), m)
			}
			if a := m.Alerts[0]; w.at != map[string]string{"firing": "10:04", "resolved": "10:08"}[a.Status] {
				t.Fatalf("at %s: unexpected %s message %+v", w.at, a.Status, m)
			}
		}
	}
	if len(got) != 2 {
		t.Fatalf("%d messages, want firing then resolved: %+v", len(got), got)
	}
	labels := map[string]string{"alertname": "HighErrorRate", "service": "api", "severity": "page"}
	for i, m := range got {
		status := []string{"firing", "resolved"}[i]
		if m.Version != "4" || m.Status != status || m.Receiver != "freshet" || m.ExternalURL != "http://freshet.test" ||
			m.GroupKey != `{}/{rule_group="api"}:{alertname="HighErrorRate"}` || m.GroupLabels["alertname"] != "HighErrorRate" ||
			rules.LabelString(m.CommonLabels) != rules.LabelString(labels) {
			t.Errorf("message %d: %+v", i, m)
		}
		a := m.Alerts[0]
		if a.Status != status || rules.LabelString(a.Labels) != rules.LabelString(labels) || len(a.Fingerprint) != 16 ||
			!a.StartsAt.Equal(at("10:04:00")) || a.GeneratorURL != "http://freshet.test/v1/alerts" {
			t.Errorf("alert %d: %+v", i, a)
		}
		if want := "api logged 6 errors in 2 minutes"; i == 0 && (a.Annotations["summary"] != want || m.CommonAnnotations["summary"] != want) {
			t.Errorf("firing annotations: %v / %v", a.Annotations, m.CommonAnnotations)
		}
		if wantEnd := []time.Time{{}, at("10:08:00")}[i]; !a.EndsAt.Equal(wantEnd) {
			t.Errorf("alert %d ends at %v, want %v", i, a.EndsAt, wantEnd)
		}
	}
	if got[0].Alerts[0].Fingerprint != got[1].Alerts[0].Fingerprint {
		t.Error("firing and resolved fingerprints differ")
	}
}

// TestResendWhileFiring: a firing alert is notified again once the resend
// interval has passed, and not before.
func TestResendWhileFiring(t *testing.T) {
	e := newEnv(t, "")
	e.loadLogs(t)
	rcv := newReceiver(t, 0)
	cfg := parseRules(t, highErrorRate+"  - webhook: "+rcv.srv.URL+"\n")
	ev := newEvaluator(t, e, "", cfg, rules.Options{ResendInterval: 2 * time.Minute})
	var sent []string
	for _, hhmm := range []string{"10:02", "10:03", "10:04", "10:05", "10:06", "10:07", "10:08"} {
		step(t, ev, hhmm)
		for _, m := range rcv.take() {
			sent = append(sent, hhmm+" "+m.Status)
		}
	}
	// Fired at 10:04, resent at 10:06, kept firing at 10:07, resolved at 10:08.
	if got := strings.Join(sent, ", "); got != "10:04 firing, 10:06 firing, 10:08 resolved" {
		t.Fatalf("sent: %s", got)
	}
}

// TestRestartMidFiring closes the evaluator, the engine and the store
// while api fires, reopens them on the same directory, and checks that the
// alert is still firing since the same moment, is not announced again,
// and resolves as if nothing had happened.
func TestRestartMidFiring(t *testing.T) {
	dir := t.TempDir()
	rcv := newReceiver(t, 0)
	cfg := parseRules(t, highErrorRate+"  - webhook: "+rcv.srv.URL+"\n")
	opts := rules.Options{ResendInterval: time.Hour}

	e := newEnv(t, dir)
	e.loadLogs(t)
	ev := newEvaluator(t, e, filepath.Join(dir, "engine"), cfg, opts)
	for _, hhmm := range []string{"10:02", "10:03", "10:04", "10:05"} {
		step(t, ev, hhmm)
	}
	if s := states(ev); s != "api:firing@10:02 web:pending@10:04" {
		t.Fatalf("before the restart: %s", s)
	}
	if msgs := rcv.take(); len(msgs) != 1 || msgs[0].Status != "firing" {
		t.Fatalf("before the restart: %+v", msgs)
	}
	if err := ev.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.close()
	if _, err := os.Stat(filepath.Join(dir, "engine", rules.StateFile)); err != nil {
		t.Fatal(err)
	}

	e = newEnv(t, dir)
	ev = newEvaluator(t, e, filepath.Join(dir, "engine"), cfg, opts)
	if s := states(ev); s != "api:firing@10:02 web:pending@10:04" {
		t.Fatalf("after the restart, before any evaluation: %s", s)
	}
	step(t, ev, "10:06")
	if s := states(ev); s != "api:firing@10:02" {
		t.Fatalf("10:06 after the restart: %s", s)
	}
	if msgs := rcv.take(); len(msgs) != 0 {
		t.Fatalf("a restart announced the alert again: %+v", msgs)
	}
	step(t, ev, "10:07")
	step(t, ev, "10:08")
	msgs := rcv.take()
	if len(msgs) != 1 || msgs[0].Status != "resolved" || !msgs[0].Alerts[0].StartsAt.Equal(at("10:04:00")) {
		t.Fatalf("after the restart: %+v", msgs)
	}
}

// TestFailingReceiverRetries: a receiver that answers 500 three times gets
// the notification on the fourth attempt; the failures are counted.
func TestFailingReceiverRetries(t *testing.T) {
	e := newEnv(t, "")
	e.loadLogs(t)
	rcv := newReceiver(t, 3)
	cfg := parseRules(t, highErrorRate+"  - webhook: "+rcv.srv.URL+"\n")
	ev := newEvaluator(t, e, "", cfg, rules.Options{ResendInterval: time.Hour})
	for _, hhmm := range []string{"10:02", "10:03", "10:04"} {
		step(t, ev, hhmm) // Flush returns once delivered
	}
	msgs := rcv.take()
	if len(msgs) != 1 || msgs[0].Status != "firing" || rcv.requests != 4 {
		t.Fatalf("%d requests, messages %+v", rcv.requests, msgs)
	}
	m := metrics(t, ev)
	target := fmt.Sprintf("{target=%q}", "webhook "+rcv.srv.URL)
	for _, line := range []string{
		"freshet_alert_notifications_sent_total" + target + " 1",
		"freshet_alert_notifications_failed_total" + target + " 3",
		"freshet_alert_notifications_dropped_total" + target + " 0",
		"freshet_alert_notification_queue_length" + target + " 0",
	} {
		if !strings.Contains(m, line+"\n") {
			t.Errorf("metrics lack %q:\n%s", line, m)
		}
	}
}

// TestQueueOverflowIsCounted: with a receiver that never answers 2xx, a
// full queue drops its oldest waiting notification, logs and counts it;
// what is left at shutdown is counted too.
func TestQueueOverflowIsCounted(t *testing.T) {
	e := newEnv(t, "")
	e.loadLogs(t)
	rcv := newReceiver(t, 1<<30)
	cfg := parseRules(t, highErrorRate+"  - webhook: "+rcv.srv.URL+"\n")
	ev := newEvaluator(t, e, "", cfg, rules.Options{ResendInterval: time.Millisecond, QueueSize: 2,
		RetryMin: time.Hour, RetryMax: time.Hour})
	ctx := context.Background()
	// Firing at 10:04, resent at 10:05 and 10:06 and kept firing at 10:07:
	// four notifications for a queue of two, the first in flight.
	for _, hhmm := range []string{"10:02", "10:03", "10:04", "10:05", "10:06", "10:07"} {
		if err := ev.Eval(ctx, at(hhmm+":00")); err != nil {
			t.Fatal(err)
		}
	}
	target := fmt.Sprintf("{target=%q}", "webhook "+rcv.srv.URL)
	if m := metrics(t, ev); !strings.Contains(m, "freshet_alert_notifications_dropped_total"+target+" 2\n") ||
		!strings.Contains(m, "freshet_alert_notification_queue_length"+target+" 2\n") {
		t.Fatalf("metrics:\n%s", m)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel() // no time to deliver
	ev.Close(cctx)
	if m := metrics(t, ev); !strings.Contains(m, "freshet_alert_notifications_dropped_total"+target+" 4\n") {
		t.Fatalf("after close:\n%s", m)
	}
}

func metrics(t *testing.T, ev *rules.Evaluator) string {
	t.Helper()
	var b strings.Builder
	if err := ev.WriteMetrics(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
