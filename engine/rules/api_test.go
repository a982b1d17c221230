package rules_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/engine/httpapi"
	"github.com/freshet/freshet/engine/rules"
)

// TestShowAlertsAndHTTP: the instances are listed by SHOW ALERTS, by
// GET /v1/alerts (the query API) and per rule by GET /v1/rules; POST
// /v1/rules/reload reloads, and answers 400 with the errors when the new
// rules do not load.
func TestShowAlertsAndHTTP(t *testing.T) {
	e := newEnv(t, "")
	e.loadLogs(t)
	cfg := parseRules(t, highErrorRate)
	ev := newEvaluator(t, e, "", cfg, rules.Options{})
	for _, hhmm := range []string{"10:02", "10:03", "10:04"} {
		step(t, ev, hhmm)
	}
	rows := query(t, e.eng, "SHOW ALERTS")
	want := []string{
		`api,HighErrorRate,firing,2026-11-22T10:02:00.000Z,6,"{alertname=""HighErrorRate"", service=""api"", severity=""page""}","{""summary"":""api logged 6 errors in 2 minutes""}",`,
		`api,HighErrorRate,pending,2026-11-22T10:04:00.000Z,3,"{alertname=""HighErrorRate"", service=""web"", severity=""page""}","{""summary"":""web logged 3 errors in 2 minutes""}",`,
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Fatalf("SHOW ALERTS:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}

	reloads := 0
	mux := http.NewServeMux()
	mux.Handle("/v1/", httpapi.New(e.eng, nil))
	rh := rules.Handler(ev, func() error {
		reloads++
		if reloads == 2 {
			_, err := rules.Parse("bad.yaml", []byte("groups: 7\n"))
			return err
		}
		return ev.Load(cfg)
	})
	mux.Handle("/v1/rules", rh)
	mux.Handle("/v1/rules/", rh)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	var alerts []engine.Alert
	getJSON(t, srv.URL+"/v1/alerts", &alerts)
	if len(alerts) != 2 || alerts[0].State != "firing" || !alerts[0].Since.Equal(at("10:02:00")) || *alerts[0].Value != 6 ||
		alerts[0].Labels["service"] != "api" || alerts[1].State != "pending" {
		t.Fatalf("/v1/alerts: %+v", alerts)
	}
	var groups struct{ Groups []rules.GroupStatus }
	getJSON(t, srv.URL+"/v1/rules", &groups)
	if g := groups.Groups; len(g) != 1 || g[0].Name != "api" || g[0].Interval != "1m" || len(g[0].Rules) != 1 ||
		g[0].Rules[0].Health != "ok" || g[0].Rules[0].Firing != 1 || g[0].Rules[0].Pending != 1 || g[0].Rules[0].For != "2m" ||
		!g[0].LastEval.Equal(at("10:04:00")) {
		t.Fatalf("/v1/rules: %+v", groups)
	}
	resp, err := http.Post(srv.URL+"/v1/rules/reload", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != 200 || body["rules"] != 1.0 || len(ev.Alerts()) != 2 {
		t.Fatalf("reload: %d %v", resp.StatusCode, body)
	}
	resp, err = http.Post(srv.URL+"/v1/rules/reload", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	body = nil
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != 400 || body["error"] != "bad.yaml:1:9: groups must be a list" {
		t.Fatalf("failed reload: %d %v", resp.StatusCode, body)
	}
}

// TestShowAlertsWithoutRules: with no evaluator attached, SHOW ALERTS and
// GET /v1/alerts list nothing.
func TestShowAlertsWithoutRules(t *testing.T) {
	e := newEnv(t, "")
	if rows := query(t, e.eng, "SHOW ALERTS"); len(rows) != 0 {
		t.Fatalf("%v", rows)
	}
	srv := httptest.NewServer(httpapi.New(e.eng, nil))
	defer srv.Close()
	var alerts []engine.Alert
	getJSON(t, srv.URL+"/v1/alerts", &alerts)
	if alerts == nil || len(alerts) != 0 {
		t.Fatalf("%v", alerts)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
