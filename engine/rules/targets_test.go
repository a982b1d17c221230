package rules_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/engine/encode"
	"github.com/freshet/freshet/engine/rules"
	"github.com/freshet/freshet/sql"
)

// syncBuffer is a log destination safe for the dispatchers' goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// query runs a snapshot as of noon (after every sample record arrived)
// and returns its rows as CSV lines.
func query(t *testing.T, eng *engine.Engine, text string) []string {
	t.Helper()
	stmt, err := sql.ParseOne(text)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := eng.ExecuteStatement(ctx, stmt, engine.ExecOptions{Now: at("12:00:00")})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	var out []string
	for {
		rec, err := res.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row, _ := encode.Row(rec, i)
			out = append(out, string(encode.AppendCSV(nil, row)))
		}
		rec.Release()
	}
}

// TestStreamHTTPAndLogTargets: the stream target writes one record per
// alert event to a stream it creates, queryable with SQL; the generic HTTP
// target posts Freshet's own JSON; the log target logs each event. A
// resolved event carries the last value seen (10:06: 3 errors).
func TestStreamHTTPAndLogTargets(t *testing.T) {
	e := newEnv(t, "")
	e.loadLogs(t)
	var mu sync.Mutex
	var bodies []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Errorf("http target body: %v", err)
		}
		mu.Lock()
		bodies = append(bodies, body)
		mu.Unlock()
	}))
	defer srv.Close()
	var logs syncBuffer
	cfg := parseRules(t, highErrorRate+"  - stream: alerts\n  - http: "+srv.URL+"\n  - log: true\n")
	ev := newEvaluator(t, e, "", cfg, rules.Options{ResendInterval: time.Hour, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	for _, hhmm := range []string{"10:02", "10:03", "10:04", "10:05", "10:06", "10:07", "10:08"} {
		step(t, ev, hhmm)
	}
	rows := query(t, e.eng, `SELECT at, alertname, status, JSON_EXTRACT(labels, '$.service') AS service, value, starts_at, ends_at FROM alerts`)
	want := []string{
		"2026-11-22T10:04:00.000Z,HighErrorRate,firing,api,6,2026-11-22T10:04:00.000Z,",
		"2026-11-22T10:08:00.000Z,HighErrorRate,resolved,api,3,2026-11-22T10:04:00.000Z,2026-11-22T10:08:00.000Z",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Fatalf("alerts stream:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 2 || bodies[0]["rule"] != "HighErrorRate" || bodies[0]["group"] != "api" {
		t.Fatalf("http target: %v", bodies)
	}
	first := bodies[0]["alerts"].([]any)[0].(map[string]any)
	if first["status"] != "firing" || first["labels"].(map[string]any)["service"] != "api" || first["value"] != 6.0 ||
		first["annotations"].(map[string]any)["summary"] != "api logged 6 errors in 2 minutes" {
		t.Fatalf("http target alert: %v", first)
	}
	l := logs.String()
	for _, s := range []string{`msg="alert firing" group=api alertname=HighErrorRate status=firing labels="{alertname=\"HighErrorRate\", service=\"api\", severity=\"page\"}"`,
		`msg="alert resolved" group=api alertname=HighErrorRate status=resolved`, `summary="api logged 6 errors in 2 minutes"`} {
		if !strings.Contains(l, s) {
			t.Errorf("log lacks %s:\n%s", s, l)
		}
	}
}
