package rules_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/engine/rules"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/streamstore"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/storeurl"
	"github.com/freshet/freshet/sql"
)

// archivedLogs is the sample stream logs (testdata/rules) archived to a
// local directory, its records arriving at their event times into a store
// with one segment per record, so that retention drops exactly the records
// older than its cutoff.
type archivedLogs struct {
	store   *streamstore.Store
	clock   *clock
	dir     string // the engine's directory
	lakeDir string
	lines   []string
	arrival []time.Time
	shardOf []string
}

func newArchivedLogs(t *testing.T) *archivedLogs {
	t.Helper()
	a := &archivedLogs{clock: &clock{t: at("09:00:00")}, dir: t.TempDir(), lakeDir: t.TempDir()}
	store, err := streamstore.Open(streamstore.Options{RetentionCheck: -1, Now: a.clock.Now, Log: ingest.LogOptions{SegmentAge: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	a.store = store
	data, err := os.ReadFile(filepath.Join(testdata, "logs.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var rec struct{ Ts time.Time }
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		a.lines, a.arrival = append(a.lines, l), append(a.arrival, rec.Ts)
	}
	return a
}

func openArchive(ctx context.Context, url string) (output.ObjectStore, error) {
	return storeurl.Open(ctx, url, output.S3Config{})
}

// open opens an engine over store (the real one, or one wrapping it);
// deliver says whether it delivers the archive.
func (a *archivedLogs) open(t *testing.T, store ingest.Store, deliver bool) *engine.Engine {
	t.Helper()
	eng, err := engine.Open(engine.Options{Store: store, Dir: a.dir, OpenArchive: openArchive, NoArchiveDelivery: !deliver})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

// create creates the stream with the SQL of logs.sql, then archive (if
// not "") and the statements of extra.
func (a *archivedLogs) create(t *testing.T, eng *engine.Engine, extra ...string) {
	t.Helper()
	script, err := os.ReadFile(filepath.Join(testdata, "logs.sql"))
	if err != nil {
		t.Fatal(err)
	}
	stmts, err := sql.Parse(string(script) + ";" + strings.Join(extra, ";"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stmts {
		res, err := eng.ExecuteStatement(context.Background(), s, engine.ExecOptions{})
		if err != nil {
			t.Fatalf("%s: %v", s.Source().Text, err)
		}
		res.Close()
	}
}

// put writes the records from to to-1 of logs.jsonl to stream, each
// arriving at its event time.
func (a *archivedLogs) put(t *testing.T, stream string, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		a.clock.Set(a.arrival[i])
		res, err := a.store.PutRecords(context.Background(), stream, []ingest.PutEntry{{PartitionKey: a.lines[i], Data: []byte(a.lines[i])}})
		if err != nil || res[0].Err != nil {
			t.Fatalf("put %d: %v %v", i, err, res)
		}
		if stream == "logs" {
			a.shardOf = append(a.shardOf, res[0].ShardID)
		}
	}
}

// deliver puts records from to to-1 and waits until the lake holds every
// record put so far.
func (a *archivedLogs) deliver(t *testing.T, eng *engine.Engine, from, to int) {
	t.Helper()
	a.put(t, "logs", from, to)
	deadline := time.Now().Add(30 * time.Second)
	for {
		st := eng.ArchiveStats()
		if len(st) == 1 && st[0].DeliveredRecords == int64(to) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("lake not delivered: %+v", st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// trim lets retention drop the records that arrived before cutoff.
func (a *archivedLogs) trim(t *testing.T, cutoff time.Time) {
	t.Helper()
	a.clock.Set(cutoff.Add(24 * time.Hour))
	if err := a.store.EnforceRetention(); err != nil {
		t.Fatal(err)
	}
}

// retained counts the records of stream the store still holds.
func (a *archivedLogs) retained(t *testing.T, stream string) int {
	t.Helper()
	d, err := a.store.DescribeStream(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, sh := range d.Shards {
		res, err := a.store.ReadShard(context.Background(), stream, sh.ID, 0, ingest.MaxGetRecordsLimit)
		if err != nil {
			t.Fatal(err)
		}
		n += len(res.Records)
	}
	return n
}

// splitLogs delivers records 0–17 (up to 10:04:30) to the lake, stops
// delivery, puts the last two (10:05:05 and 10:10:05), and lets retention
// drop what arrived before 10:02:40 (records 0–6): 7 records are only in
// the lake, 11 in both, 2 only in the stream.
func splitLogs(t *testing.T) *archivedLogs {
	a := newArchivedLogs(t)
	deliver := a.open(t, a.store, true)
	a.create(t, deliver, "ALTER STREAM logs SET (archive = 'file://"+a.lakeDir+"', archive_buffer_interval = '1s')")
	a.deliver(t, deliver, 0, 18)
	deliver.Close()
	a.put(t, "logs", 18, 20)
	a.trim(t, at("10:02:40"))
	if n := a.retained(t, "logs"); n != 13 {
		t.Fatalf("the stream retains %d records, want 13", n)
	}
	return a
}

// countingHistory is History, counting the queries it runs.
type countingHistory struct {
	rules.History
	queries atomic.Int64
}

func (c *countingHistory) Query(ctx context.Context, stmt sql.Statement, at time.Time) (*engine.Result, error) {
	c.queries.Add(1)
	return c.History.Query(ctx, stmt, at)
}

// TestBacktestOverArchive: with the sample logs split between the lake
// (records 0–6, dropped from the stream), both (7–17) and the stream only
// (18–19), a backtest gives the timeline computed by hand in
// testdata/rules/README.md. It needs the lake (the api alert is pending at
// 10:02 on records 1–6 alone) and both parts (at 10:04 api counts
// 10:02:10–30 from the lake and 10:03:10–30 from the stream), and counts
// each record once (at 10:04 api has 6 errors, web 3, and LogFlood sees 11
// lines, not the 9, 6 and 19 of double counting).
func TestBacktestOverArchive(t *testing.T) {
	a := splitLogs(t)
	eng := a.open(t, a.store, false)
	cfg, err := rules.Load(filepath.Join(testdata, "errors.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	src := &countingHistory{History: rules.History{Engine: eng}}
	tl, err := rules.Backtest(context.Background(), cfg, src, at("10:00:00"), at("10:15:00"), nil)
	if err != nil {
		t.Fatal(err)
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
	if n := src.queries.Load(); n != 24 {
		t.Errorf("%d queries for 24 evaluations", n)
	}
}

// retentionDuringRead is the real store, except that once armed, the next
// read of a shard at an offset (records, not where they begin) first lets
// retention drop what arrived before cutoff: retention running in the
// middle of a backtest's query.
type retentionDuringRead struct {
	ingest.Store
	a      *archivedLogs
	t      *testing.T
	cutoff time.Time
	armed  atomic.Bool
	fired  atomic.Int64
	mu     sync.Mutex
}

func (s *retentionDuringRead) ReadShard(ctx context.Context, stream, shard string, from uint64, limit int) (ingest.GetRecordsResult, error) {
	if from > 0 && s.armed.CompareAndSwap(true, false) {
		s.mu.Lock()
		s.a.trim(s.t, s.cutoff)
		s.mu.Unlock()
		s.fired.Add(1)
	}
	return s.Store.ReadShard(ctx, stream, shard, from, limit)
}

// TestBacktestRetentionDuringQuery: when retention drops records in the
// middle of a tick's query (10:02:45–10:03:35, which the tick at 10:04 had
// left to the stream), the query is run again over the lake, and the
// timeline is still the hand-computed one.
func TestBacktestRetentionDuringQuery(t *testing.T) {
	a := splitLogs(t)
	store := &retentionDuringRead{Store: a.store, a: a, t: t, cutoff: at("10:03:40")}
	eng := a.open(t, store, false)
	cfg, err := rules.Load(filepath.Join(testdata, "errors.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	src := &countingHistory{History: rules.History{Engine: eng}}
	// Evaluations in order: 10:00 api and volume, 10:01 api, 10:02 api and
	// volume, 10:03 api; the seventh is api at 10:04.
	tl, err := rules.Backtest(context.Background(), cfg, src, at("10:00:00"), at("10:15:00"), func(done, _ int) {
		if done == 6 {
			store.armed.Store(true)
		}
	})
	if err != nil {
		t.Fatal(err)
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
	if store.fired.Load() != 1 || src.queries.Load() != 25 {
		t.Fatalf("retention ran %d times; %d queries for 24 evaluations, want 25 (one run again)", store.fired.Load(), src.queries.Load())
	}
	if n := a.retained(t, "logs"); n != 6 {
		t.Fatalf("the stream retains %d records after the second trim, want 6", n)
	}
}

// TestBacktestWarnsOfMissingHistory: a backtest warns about records that
// are neither retained nor archived — for a stream with an archive, how
// many and when they arrived; for one without, before when — and not
// about records the lake holds, nor about gaps that end before its range.
func TestBacktestWarnsOfMissingHistory(t *testing.T) {
	a := newArchivedLogs(t)
	deliver := a.open(t, a.store, true)
	a.create(t, deliver,
		"ALTER STREAM logs SET (archive = 'file://"+a.lakeDir+"', archive_buffer_interval = '1s')",
		"CREATE STREAM plain (service VARCHAR, level VARCHAR, msg VARCHAR, ts TIMESTAMP) WITH (shards = 2, event_time = 'ts')")
	// Records 0–7 reach the lake; delivery stops; retention drops records
	// 0–13 (before 10:03:40): 8–13 are lost.
	a.deliver(t, deliver, 0, 8)
	deliver.Close()
	a.put(t, "logs", 8, 20)
	for i := range a.lines {
		a.put(t, "plain", i, i+1)
	}
	a.trim(t, at("10:03:40"))
	eng := a.open(t, a.store, false)
	cfg, err := rules.Parse("warn.yaml", []byte(`
groups:
  - name: g
    interval: 1m
    rules:
      - alert: Errors
        sql: SELECT COUNT(*) AS n FROM logs WHERE level = 'ERROR' AND ts > NOW() - INTERVAL 2 MINUTE HAVING n > 0
      - alert: PlainErrors
        sql: SELECT COUNT(*) AS n FROM plain WHERE level = 'ERROR' AND ts > NOW() - INTERVAL 2 MINUTE HAVING n > 0
`))
	if err != nil {
		t.Fatal(err)
	}
	// By hand, per shard: the lost records, the last archived record
	// before them and the first retained after.
	var after, before time.Time
	for i := 8; i < 14; i++ {
		for j := i - 1; j >= 0; j-- {
			if a.shardOf[j] == a.shardOf[i] {
				if j < 8 && (after.IsZero() || a.arrival[j].Before(after)) {
					after = a.arrival[j]
				}
				break
			}
		}
		for j := i + 1; j < len(a.lines); j++ {
			if a.shardOf[j] == a.shardOf[i] {
				if j >= 14 && a.arrival[j].After(before) {
					before = a.arrival[j]
				}
				break
			}
		}
	}
	stamp := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	tl, err := rules.Backtest(context.Background(), cfg, rules.History{Engine: eng}, at("10:00:00"), at("10:15:00"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"6 records of stream logs that arrived between " + stamp(after) + " and " + stamp(before) + " are neither retained nor in its archive",
		"retention has dropped the records of stream plain that arrived before ",
	}
	if len(tl.Warnings) != 2 || !strings.HasPrefix(tl.Warnings[0], want[0]) || !strings.HasPrefix(tl.Warnings[1], want[1]) {
		t.Fatalf("warnings:\n%s\nwant, first:\n%s…\n%s…", strings.Join(tl.Warnings, "\n"), want[0], want[1])
	}
	// Later, both gaps are behind the range.
	tl, err = rules.Backtest(context.Background(), cfg, rules.History{Engine: eng}, at("10:30:00"), at("10:45:00"), nil)
	if err != nil || len(tl.Warnings) != 0 {
		t.Fatalf("warnings from 10:30: %q %v", tl.Warnings, err)
	}
}
