package engine_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/engine/encode"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/seglog"
	"github.com/freshet/freshet/ingest/streamstore"
	"github.com/freshet/freshet/sql"
)

func exec(t *testing.T, eng *engine.Engine, text string) *engine.Result {
	t.Helper()
	res, err := eng.Execute(context.Background(), text)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	t.Cleanup(res.Close)
	return res
}

func click(user, url string, ts time.Time) string {
	return fmt.Sprintf(`{"user_id":%q,"url":%q,"price":1.5,"ts":%q}`, user, url, ts.UTC().Format(time.RFC3339Nano))
}

// readRows reads n rows of a result as CSV lines, failing after timeout.
func readRows(t *testing.T, res *engine.Result, n int, timeout time.Duration) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var out []string
	for len(out) < n {
		rec, err := res.Next(ctx)
		if err != nil {
			t.Fatalf("after %d of %d rows: %v", len(out), n, err)
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row, _ := encode.Row(rec, i)
			out = append(out, string(encode.AppendCSV(nil, row)))
		}
		rec.Release()
	}
	return out
}

// TestPushQuery: a push query starts at the end of the stream, emits each
// window once when the watermark passes it, and stops at its LIMIT.
func TestPushQuery(t *testing.T) {
	eng := newEngine(t, 1000)
	exec(t, eng, `CREATE STREAM clicks (user_id VARCHAR, url VARCHAR, price DOUBLE, ts TIMESTAMP) WITH (shards = 2, event_time = 'ts', watermark_delay = '1s', idle_timeout = '200ms')`)
	base := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	put(t, eng.Store(), "clicks", []string{click("old", "/x", base.Add(-time.Hour))}) // before the query: not seen
	res := exec(t, eng, `SELECT user_id, COUNT(*) AS n, window_start FROM clicks GROUP BY user_id, TUMBLE(ts, INTERVAL 10 SECOND) EMIT CHANGES LIMIT 3`)
	if res.Kind != sql.Push {
		t.Fatalf("kind %v", res.Kind)
	}
	time.Sleep(50 * time.Millisecond) // let the reader take its starting positions
	put(t, eng.Store(), "clicks", []string{
		click("u1", "/a", base), click("u2", "/a", base.Add(time.Second)), click("u1", "/b", base.Add(5*time.Second)),
		click("u1", "/c", base.Add(12*time.Second)), // in the next window
	})
	// Nothing is final until the watermark (max 12 s − 1 s delay) passes 10 s.
	rows := readRows(t, res, 2, 5*time.Second)
	want := []string{"u1,2,2026-11-22T10:00:00.000Z", "u2,1,2026-11-22T10:00:00.000Z"}
	if strings.Join(rows, ";") != strings.Join(want, ";") {
		t.Fatalf("first window: %v, want %v", rows, want)
	}
	put(t, eng.Store(), "clicks", []string{click("u3", "/z", base.Add(25*time.Second))})
	rows = readRows(t, res, 1, 5*time.Second)
	if rows[0] != "u1,1,2026-11-22T10:00:10.000Z" {
		t.Fatalf("second window: %v", rows)
	}
	// LIMIT 3 reached: the result ends.
	if _, err := res.Next(context.Background()); !errors.Is(err, io.EOF) {
		t.Fatalf("after LIMIT: %v", err)
	}
}

// TestPersistentQueryExactlyOnceAcrossRestarts runs a windowed INSERT …
// SELECT on a durable store, closes and reopens the engine between inputs,
// and checks that the output stream holds every window once.
func TestPersistentQueryExactlyOnceAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	open := func() (*engine.Engine, *streamstore.Store) {
		store, err := streamstore.Open(streamstore.Options{Dir: dir + "/streams", RetentionCheck: -1,
			OpenLog: func(d string, o ingest.LogOptions) (ingest.Log, error) { return seglog.Open(d, o) }})
		if err != nil {
			t.Fatal(err)
		}
		eng, err := engine.Open(engine.Options{Store: store, Dir: dir + "/engine", Mem: mem, CheckpointInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		return eng, store
	}
	eng, store := open()
	ctx := context.Background()
	for _, s := range []string{
		`CREATE STREAM clicks (user_id VARCHAR, url VARCHAR, price DOUBLE, ts TIMESTAMP) WITH (shards = 3, event_time = 'ts', idle_timeout = '100ms')`,
		`CREATE STREAM per_window (user_id VARCHAR, n BIGINT, window_start TIMESTAMP) WITH (shards = 2)`,
	} {
		res, err := eng.Execute(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		res.Close()
	}
	res, err := eng.Execute(ctx, `INSERT INTO per_window SELECT user_id, COUNT(*) AS n, TUMBLE_START(ts, INTERVAL 1 MINUTE) AS window_start FROM clicks GROUP BY user_id, TUMBLE(ts, INTERVAL 1 MINUTE)`)
	if err != nil {
		t.Fatal(err)
	}
	if res.QueryID != "q1" {
		t.Fatalf("query id %q", res.QueryID)
	}
	res.Close()
	base := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	const minutes = 6
	for m := 0; m < minutes; m++ {
		var lines []string
		for i := 0; i < 50; i++ {
			lines = append(lines, click(fmt.Sprintf("u%d", i%5), "/", base.Add(time.Duration(m)*time.Minute+time.Duration(i)*time.Second)))
		}
		put(t, store, "clicks", lines)
		time.Sleep(60 * time.Millisecond)
		// Restart the engine (and the store) in the middle of the input.
		if m%2 == 1 {
			eng.Close()
			store.Close()
			eng, store = open()
		}
	}
	// Windows of minutes 0..4 are final (the watermark is at minute 5).
	want := map[string]int{}
	for m := 0; m < minutes-1; m++ {
		for u := 0; u < 5; u++ {
			want[fmt.Sprintf("u%d|%s", u, base.Add(time.Duration(m)*time.Minute).Format("15:04"))] = 10
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := readOutput(t, store, "per_window")
		if len(got) >= len(want) || time.Now().After(deadline) {
			if len(got) != len(want) {
				t.Fatalf("output holds %d windows, want %d: %v", len(got), len(want), got)
			}
			for k, n := range want {
				if got[k] != fmt.Sprint(n) {
					t.Fatalf("window %s: %q, want %d (all: %v)", k, got[k], n, got)
				}
			}
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	res, err = eng.Execute(ctx, "SHOW QUERIES")
	if err != nil {
		t.Fatal(err)
	}
	rows := readRows(t, res, 1, time.Second)
	res.Close()
	if !strings.HasPrefix(rows[0], "q1,RUNNING,clicks,per_window,300,") {
		t.Fatalf("SHOW QUERIES: %v", rows)
	}
	if _, err := eng.Execute(ctx, "DROP STREAM clicks"); err == nil || !strings.Contains(err.Error(), "STOP QUERY q1") {
		t.Fatalf("dropping a stream a query reads: %v", err)
	}
	res, err = eng.Execute(ctx, "STOP QUERY q1")
	if err != nil {
		t.Fatal(err)
	}
	res.Close()
	eng.Close()
	store.Close()
}

// readOutput reads a JSON output stream into user|HH:MM → n, failing on a
// duplicate window.
func readOutput(t *testing.T, store ingest.Store, stream string) map[string]string {
	t.Helper()
	ctx := context.Background()
	d, err := store.DescribeStream(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, sh := range d.Shards {
		from := uint64(1)
		for {
			res, err := store.ReadShard(ctx, stream, sh.ID, from, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res.Records {
				var user, ws, n string
				fmt.Sscanf(strings.NewReplacer(`"`, " ", ",", " ", ":", " ", "{", " ", "}", " ").Replace(string(r.Data)), " user_id %s n %s window_start %s", &user, &n, &ws)
				parts := strings.Split(string(r.Data), `"window_start":"`)
				ws = parts[1][11:16]
				k := user + "|" + ws
				if _, dup := out[k]; dup {
					t.Fatalf("window %s delivered twice (%s)", k, r.Data)
				}
				out[k] = n
			}
			if len(res.Records) == 0 {
				break
			}
			from = res.NextOffset
		}
	}
	return out
}

// TestLateAndUndecodableRecords: a push query counts records that arrive
// after their window closed and sends them to the late stream; records that
// do not decode go, with the reason, to <stream>__errors; neither stops the
// query.
func TestLateAndUndecodableRecords(t *testing.T) {
	eng := newEngine(t, 1000)
	res := exec(t, eng, `CREATE STREAM ev (id VARCHAR, ts TIMESTAMP) WITH (event_time = 'ts', late_stream = 'ev_late')`)
	if !strings.Contains(res.Message, "ev_late") {
		t.Fatalf("create: %q", res.Message)
	}
	q := exec(t, eng, `SELECT COUNT(*) AS n, window_start FROM ev GROUP BY TUMBLE(ts, INTERVAL 10 SECOND) EMIT CHANGES`)
	time.Sleep(50 * time.Millisecond)
	base := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	ev := func(id string, off time.Duration) string {
		return fmt.Sprintf(`{"id":%q,"ts":%q}`, id, base.Add(off).Format(time.RFC3339))
	}
	put(t, eng.Store(), "ev", []string{ev("a", 0), ev("b", 3*time.Second), ev("c", 15*time.Second)})
	rows := readRows(t, q, 1, 5*time.Second) // window [0,10) closes at watermark 15 s
	if rows[0] != "2,2026-11-22T10:00:00.000Z" {
		t.Fatalf("first window: %v", rows)
	}
	put(t, eng.Store(), "ev", []string{ev("late", 4*time.Second), `{"id": 5, "ts": "not a time"}`, ev("d", 31*time.Second)})
	rows = readRows(t, q, 1, 5*time.Second)
	if rows[0] != "1,2026-11-22T10:00:10.000Z" {
		t.Fatalf("second window: %v (the late record must not count)", rows)
	}
	// The late record is in ev_late, queryable like its source.
	late := collect(t, eng, "SELECT id FROM ev_late")
	if strings.Join(late, ";") != "id;late" {
		t.Fatalf("late stream: %v", late)
	}
	errs := collect(t, eng, "DESCRIBE ev")
	var lateCount, decodeErrs string
	for _, l := range errs {
		if strings.HasPrefix(l, "(late records),") {
			lateCount = l
		}
		if strings.HasPrefix(l, "(decode errors),") {
			decodeErrs = l
		}
	}
	if lateCount != "(late records),1" || decodeErrs != "(decode errors),1" {
		t.Fatalf("DESCRIBE counters: %q %q", lateCount, decodeErrs)
	}
	recs, err := eng.Store().ReadShard(context.Background(), "ev__errors", ingest.ShardID(0), 1, 10)
	if err != nil || len(recs.Records) != 1 || !strings.Contains(string(recs.Records[0].Data), `"reason"`) || !strings.Contains(string(recs.Records[0].Data), "not a time") {
		t.Fatalf("error stream: %+v %v", recs.Records, err)
	}
}

// TestSnapshotAsOf: a snapshot with Now and EventTimeUntil sees what a
// server at that moment saw: NOW() is that moment and later events are
// left out.
func TestSnapshotAsOf(t *testing.T) {
	eng := newEngine(t, 1000)
	exec(t, eng, `CREATE STREAM logs (level VARCHAR, ts TIMESTAMP) WITH (event_time = 'ts')`)
	base := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var lines []string
	for i := 0; i < 10; i++ {
		lines = append(lines, fmt.Sprintf(`{"level":"ERROR","ts":%q}`, base.Add(time.Duration(i)*time.Minute).Format(time.RFC3339)))
	}
	put(t, eng.Store(), "logs", lines)
	stmt, err := sql.ParseOne(`SELECT COUNT(*) AS n FROM logs WHERE ts > NOW() - INTERVAL 3 MINUTE`)
	if err != nil {
		t.Fatal(err)
	}
	at := base.Add(5 * time.Minute)
	res, err := eng.ExecuteStatement(context.Background(), stmt, engine.ExecOptions{Now: base.Add(24 * time.Hour), EventTimeUntil: at})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	rows := readRows(t, res, 1, 5*time.Second)
	// NOW() a day later: nothing is within 3 minutes of it.
	if rows[0] != "0" {
		t.Fatalf("with NOW() a day later: %v", rows)
	}
	res2, err := eng.ExecuteStatement(context.Background(), stmt, engine.ExecOptions{Now: at, EventTimeUntil: at})
	if err != nil {
		t.Fatal(err)
	}
	defer res2.Close()
	// Events at minutes 3, 4 and 5 are within 3 minutes of 10:05; 6..9 are after it.
	if rows := readRows(t, res2, 1, 5*time.Second); rows[0] != "3" {
		t.Fatalf("as of 10:05: %v", rows)
	}
}

// TestDecodeErrorsWrittenOnce: each undecodable record reaches the error
// stream once, however many queries read it and across a restart of the
// engine; DROP STREAM drops the error stream with it.
func TestDecodeErrorsWrittenOnce(t *testing.T) {
	store, err := streamstore.Open(streamstore.Options{RetentionCheck: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	dir := t.TempDir()
	open := func() *engine.Engine {
		eng, err := engine.Open(engine.Options{Store: store, Dir: dir, Mem: memory.NewGoAllocator()})
		if err != nil {
			t.Fatal(err)
		}
		return eng
	}
	errorRecords := func() int {
		res, err := store.ReadShard(context.Background(), "ev__errors", ingest.ShardID(0), 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		return len(res.Records)
	}
	eng := open()
	exec(t, eng, `CREATE STREAM ev (id VARCHAR, ts TIMESTAMP) WITH (shards = 2, event_time = 'ts')`)
	put(t, store, "ev", []string{`{"id":"a","ts":"2026-11-22T10:00:00Z"}`, `{"id":"b","ts":"not a time"}`, `not json`, `{"id":"c","ts":"2026-11-22T10:00:01Z"}`})
	for range 3 {
		if got := collect(t, eng, "SELECT COUNT(*) AS n FROM ev"); got[1] != "2" {
			t.Fatalf("count %v", got)
		}
	}
	if n := errorRecords(); n != 2 {
		t.Fatalf("%d records in ev__errors after three queries, want 2", n)
	}
	var decodeErrs string
	for _, l := range collect(t, eng, "DESCRIBE ev") {
		if strings.HasPrefix(l, "(decode errors),") {
			decodeErrs = l
		}
	}
	if decodeErrs != "(decode errors),2" {
		t.Fatalf("DESCRIBE: %q", decodeErrs)
	}
	eng.Close()

	eng = open()
	collect(t, eng, "SELECT COUNT(*) AS n FROM ev")
	put(t, store, "ev", []string{`{"id":"d","ts":"nope"}`})
	collect(t, eng, "SELECT COUNT(*) AS n FROM ev")
	if n := errorRecords(); n != 3 {
		t.Fatalf("%d records in ev__errors after a restart and one new error, want 3", n)
	}
	exec(t, eng, "DROP STREAM ev")
	if _, err := store.DescribeStream(context.Background(), "ev__errors"); !errors.Is(err, ingest.ErrNotFound) {
		t.Fatalf("ev__errors after DROP STREAM ev: %v", err)
	}
	eng.Close()
}
