package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/freshet/freshet/engine/rules"
)

const boomRules = `groups:
  - name: ev
    interval: 50ms
    rules:
      - alert: Boom
        sql: SELECT kind, COUNT(*) AS n FROM ev GROUP BY kind
        labels: {severity: page}
        annotations: {summary: "{{ $labels.kind }} x{{ $value }}"}
`

// waitFor polls cond until it holds, failing after a generous deadline (a
// liveness check: nothing is asserted about how long it takes).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func httpDo(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeAlertRules runs `freshet serve --rules FILE --alert-webhook URL`
// in-process: an inserted row fires the rule on its schedule, the webhook
// receives it, /v1/alerts, SHOW ALERTS and /metrics show it, POST
// /v1/rules/reload picks up an edited file without losing the alert, and
// the state is saved in the data directory.
func TestServeAlertRules(t *testing.T) {
	dir := t.TempDir()
	rulesFile := writeFile(t, t.TempDir(), "rules.yaml", boomRules)
	msgs := make(chan rules.WebhookMessage, 100)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m rules.WebhookMessage
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			t.Errorf("webhook: %v", err)
		}
		msgs <- m
	}))
	defer rcv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var errb bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve", "--data-dir", dir, "--listen", "127.0.0.1:0", "--rules", rulesFile,
			"--alert-webhook", rcv.URL + "/hook", "--alert-resend-interval", "1h"}, nil, pw, &errb)
		pw.Close()
	}()
	url := waitForAddress(t, pr)
	go io.Copy(io.Discard, pr)

	// The rule fails (no stream yet) and says so.
	waitFor(t, "the rule's error state", func() bool {
		_, body := httpDo(t, "GET", url+"/v1/alerts", "")
		return strings.Contains(body, `"state":"error"`) && strings.Contains(body, `unknown stream \"ev\"`)
	})
	for _, s := range []string{"CREATE STREAM ev (kind VARCHAR)", "INSERT INTO ev VALUES ('disk'), ('disk')"} {
		if code, body := httpDo(t, "POST", url+"/v1/sql", s); code != 200 {
			t.Fatalf("%s: %d %s", s, code, body)
		}
	}
	var m rules.WebhookMessage
	select {
	case m = <-msgs:
	case <-time.After(20 * time.Second):
		t.Fatal("no webhook message")
	}
	if m.Status != "firing" || len(m.Alerts) != 1 || m.Alerts[0].Labels["kind"] != "disk" || m.Alerts[0].Annotations["summary"] != "disk x2" ||
		m.ExternalURL != url {
		t.Fatalf("webhook: %+v", m)
	}
	var alerts []map[string]any
	_, body := httpDo(t, "GET", url+"/v1/alerts", "")
	if err := json.Unmarshal([]byte(body), &alerts); err != nil || len(alerts) != 1 || alerts[0]["state"] != "firing" || alerts[0]["value"] != 2.0 {
		t.Fatalf("/v1/alerts: %s", body)
	}
	if code, body := httpDo(t, "POST", url+"/v1/sql", "SHOW ALERTS"); code != 200 || !strings.Contains(body, `"firing"`) || !strings.Contains(body, `kind=\"disk\"`) {
		t.Fatalf("SHOW ALERTS: %d %s", code, body)
	}
	_, metrics := httpDo(t, "GET", url+"/metrics", "")
	for _, s := range []string{`freshet_rule_evaluations_total{group="ev",rule="Boom"} `, `freshet_alerts{alertname="Boom",state="firing"} 1`,
		`freshet_alert_notifications_sent_total{target="webhook ` + rcv.URL + `/hook"} 1`, "freshet_rule_group_evaluation_duration_seconds_count"} {
		if !strings.Contains(metrics, s) {
			t.Errorf("/metrics lacks %s", s)
		}
	}

	// Edit the file and reload: the alert stays firing, with the new summary.
	writeFile(t, filepath.Dir(rulesFile), "rules.yaml", strings.Replace(boomRules, `x{{ $value }}`, `happened {{ $value }} times`, 1))
	if code, body := httpDo(t, "POST", url+"/v1/rules/reload", ""); code != 200 || !strings.Contains(body, `"rules":1`) {
		t.Fatalf("reload: %d %s", code, body)
	}
	waitFor(t, "the new annotation", func() bool {
		_, body := httpDo(t, "GET", url+"/v1/alerts", "")
		return strings.Contains(body, "disk happened 2 times") && strings.Contains(body, `"state":"firing"`)
	})
	writeFile(t, filepath.Dir(rulesFile), "rules.yaml", "groups: [")
	if code, body := httpDo(t, "POST", url+"/v1/rules/reload", ""); code != 400 || !strings.Contains(body, "bad YAML") {
		t.Fatalf("bad reload: %d %s", code, body)
	}
	if _, body := httpDo(t, "GET", url+"/v1/rules", ""); !strings.Contains(body, `"alert":"Boom"`) {
		t.Fatalf("the rules were lost: %s", body)
	}
	select {
	case m := <-msgs:
		t.Fatalf("the reload announced the alert again: %+v", m)
	default:
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d: %s", code, errb.String())
	}
	state, err := os.ReadFile(filepath.Join(dir, "engine", rules.StateFile))
	if err != nil || !strings.Contains(string(state), `"state": "firing"`) {
		t.Fatalf("saved state: %s %v", state, err)
	}
}

// TestServeReloadsOnSIGHUP starts `freshet serve` as a child process,
// rewrites its rule file and sends SIGHUP.
func TestServeReloadsOnSIGHUP(t *testing.T) {
	rulesFile := writeFile(t, t.TempDir(), "rules.yaml", strings.Replace(boomRules, "50ms", "1h", 1))
	srv := startChild(t, "serve", "--data-dir", ":memory:", "--listen", "127.0.0.1:0", "--rules", rulesFile)
	if _, body := httpDo(t, "GET", srv.url+"/v1/rules", ""); !strings.Contains(body, `"alert":"Boom"`) {
		t.Fatalf("/v1/rules: %s", body)
	}
	writeFile(t, filepath.Dir(rulesFile), "rules.yaml", strings.Replace(strings.Replace(boomRules, "50ms", "1h", 1), "Boom", "Bang", 1))
	if err := srv.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reloaded rules", func() bool {
		_, body := httpDo(t, "GET", srv.url+"/v1/rules", "")
		return strings.Contains(body, `"alert":"Bang"`)
	})
}

// TestServeRefusesBadRules: serve does not start with rules that do not
// load.
func TestServeRefusesBadRules(t *testing.T) {
	bad := writeFile(t, t.TempDir(), "rules.yaml", "groups:\n  - name: g\n    interval: soon\n")
	_, errs, code := runCLI(t, "serve", "--data-dir", ":memory:", "--listen", "127.0.0.1:0", "--rules", bad)
	if code != 1 || !strings.Contains(errs, bad+`:3:15: interval: bad duration "soon"`) {
		t.Fatalf("%d %q", code, errs)
	}
	_, errs, code = runCLI(t, "serve", "--data-dir", ":memory:", "--listen", "127.0.0.1:0", "--alert-webhook", "not a url")
	if code != 1 || !strings.Contains(errs, `notify: bad URL "not a url"`) {
		t.Fatalf("%d %q", code, errs)
	}
}
