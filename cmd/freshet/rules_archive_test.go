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

// writeArchivedSampleData makes a data directory holding the sample stream
// logs of testdata/rules, archived to a local directory: records 0–17 (to 10:04:30)
// delivered to the lake, the last two put after delivery stopped, then
// retention dropping what arrived before 10:02:40 (records 0–6). Only the
// lake holds 0–6, both hold 7–17, only the stream 18–19.
func writeArchivedSampleData(t *testing.T) string {
	t.Helper()
	dataDir, lakeDir := t.TempDir(), t.TempDir()
	var mu sync.Mutex
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	setClock := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
	// One segment per record, so that retention drops exactly the records
	// older than its cutoff.
	store, err := streamstore.Open(streamstore.Options{Dir: dataDir, RetentionCheck: -1, Now: clock,
		Log:     ingest.LogOptions{SegmentAge: time.Millisecond},
		OpenLog: func(d string, o ingest.LogOptions) (ingest.Log, error) { return seglog.Open(d, o) }})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	eng, err := engine.Open(engine.Options{Store: store, Dir: engineDir(dataDir), OpenArchive: openArchive})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	script, err := os.ReadFile(filepath.Join(rulesData, "logs.sql"))
	if err != nil {
		t.Fatal(err)
	}
	stmts, err := sql.Parse(string(script) + "; ALTER STREAM logs SET (archive = 'file://" + lakeDir + "', archive_buffer_interval = '1s')")
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
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	put := func(from, to int) {
		for i := from; i < to; i++ {
			var rec struct{ Ts time.Time }
			if err := json.Unmarshal([]byte(lines[i]), &rec); err != nil {
				t.Fatal(err)
			}
			setClock(rec.Ts)
			if _, err := store.PutRecords(ctx, "logs", []ingest.PutEntry{{PartitionKey: lines[i], Data: []byte(lines[i])}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	put(0, 18)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if st := eng.ArchiveStats(); len(st) == 1 && st[0].DeliveredRecords == 18 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("lake not delivered: %+v", eng.ArchiveStats())
		}
	}
	eng.Close()
	put(18, 20)
	setClock(time.Date(2026, 11, 23, 10, 2, 40, 0, time.UTC))
	if err := store.EnforceRetention(); err != nil {
		t.Fatal(err)
	}
	d, err := store.DescribeStream(ctx, "logs")
	if err != nil {
		t.Fatal(err)
	}
	retained := 0
	for _, sh := range d.Shards {
		res, err := store.ReadShard(ctx, "logs", sh.ID, 0, ingest.MaxGetRecordsLimit)
		if err != nil {
			t.Fatal(err)
		}
		retained += len(res.Records)
	}
	if retained != 13 {
		t.Fatalf("the stream retains %d records, want 13", retained)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	return dataDir
}

// TestRulesBacktestOverArchive runs `freshet rules backtest` over a data
// directory whose stream retention has cut: the timeline is the one
// computed by hand over all the records (testdata/rules/errors.backtest.txt),
// with no warning, so the command read the lake for the records retention
// dropped, and each record once.
func TestRulesBacktestOverArchive(t *testing.T) {
	data := writeArchivedSampleData(t)
	rulesFile := filepath.Join(rulesData, "errors.yaml")
	out, errs, code := runCLI(t, "rules", "backtest", rulesFile, "--from", "2026-11-22T10:00:00Z", "--to", "2026-11-22T10:15:00Z", "--data-dir", data)
	if want := mustRead(t, filepath.Join(rulesData, "errors.backtest.txt")); code != 0 || out != want {
		t.Fatalf("backtest: %d\n%s\nwant:\n%s\nstderr: %s", code, out, want, errs)
	}
}

// TestBacktestEngineDoesNotDeliver: the engine rules backtest opens reads
// the lake but does not deliver to it (two records are waiting), while the
// one the REPL and freshet sql open does.
func TestBacktestEngineDoesNotDeliver(t *testing.T) {
	data := writeArchivedSampleData(t)
	for _, c := range []struct {
		deliver bool
		runners int
	}{{false, 0}, {true, 1}} {
		eng, closeEngine, err := openDataDir(data, c.deliver)
		if err != nil {
			t.Fatal(err)
		}
		n := len(eng.ArchiveStats())
		closeEngine()
		if n != c.runners {
			t.Errorf("deliver %v: %d delivery runners, want %d", c.deliver, n, c.runners)
		}
	}
}
