package rules_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/freshet/freshet/engine/rules"
)

// TestBacktestTimeline checks a backtest of testdata/rules/errors.yaml
// over logs.jsonl against the timeline computed by hand in
// testdata/rules/README.md.
func TestBacktestTimeline(t *testing.T) {
	e := newEnv(t, "")
	e.loadLogs(t)
	cfg, err := rules.Load(filepath.Join(testdata, "errors.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var calls, total int
	tl, err := rules.Backtest(context.Background(), cfg, rules.History{Engine: e.eng}, at("10:00:00"), at("10:15:00"),
		func(done, n int) { calls, total = done, n })
	if err != nil {
		t.Fatal(err)
	}
	if calls != 24 || total != 24 {
		t.Errorf("progress: %d of %d, want 24 of 24", calls, total)
	}
	var out bytes.Buffer
	if err := tl.WriteText(&out); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(testdata, "errors.backtest.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Fatalf("timeline:\n%s\nwant (hand-computed):\n%s", out.String(), want)
	}

	// The JSON form holds the same events, with annotations.
	out.Reset()
	if err := tl.WriteJSON(&out); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Evaluations int
		Events      []rules.Event
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Evaluations != 24 || len(doc.Events) != 7 {
		t.Fatalf("JSON: %d evaluations, %d events", doc.Evaluations, len(doc.Events))
	}
	first := doc.Events[0]
	if first.Rule != "HighErrorRate" || first.To != "pending" || first.Annotations["summary"] != "api logged 3 errors in 2 minutes" {
		t.Fatalf("first event: %+v", first)
	}
}
