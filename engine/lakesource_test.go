package engine_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/engine/encode"
	"github.com/freshet/freshet/ingest/streamstore"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/lakescan"
	"github.com/freshet/freshet/output/storeurl"
	"github.com/freshet/freshet/sql"
)

// archivedEngine starts an engine whose stream clicks is archived to a
// local directory, writes records over three hours to it (some out of
// order, one undecodable) and waits until the lake holds them all.
func archivedEngine(t *testing.T, mem memory.Allocator, with ...string) (*engine.Engine, map[string]bool) {
	t.Helper()
	eng, opened, mu := readLoggedEngine(t, mem)
	res, err := eng.Execute(context.Background(), `CREATE STREAM clicks (user_id VARCHAR, qty BIGINT, price DOUBLE, ts TIMESTAMP)
		WITH (shards = 3, event_time = 'ts', archive = 'file://`+t.TempDir()+`/lake', archive_buffer_interval = '1s'`+strings.Join(with, "")+`)`)
	if err != nil {
		t.Fatal(err)
	}
	res.Close()
	base := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var lines []string
	for i := range 900 {
		ts := base.Add(time.Duration(i) * 12 * time.Second) // 10:00 to 12:59:48
		if i%10 == 7 {
			ts = ts.Add(-7 * time.Minute) // out of order
		}
		lines = append(lines, fmt.Sprintf(`{"user_id":"u%d","qty":%d,"price":%d.25,"ts":%q}`, i%4, i, i%9, ts.Format(time.RFC3339Nano)))
		if i == 450 {
			lines = append(lines, `not json`)
		}
	}
	for start := 0; start < len(lines); start += 300 {
		put(t, eng.Store(), "clicks", lines[start:min(start+300, len(lines))])
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		st := eng.ArchiveStats()
		if len(st) == 1 && st[0].Rows == 900 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("lake not delivered: %+v", st)
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	clear(opened)
	mu.Unlock()
	return eng, opened
}

// readLoggedEngine opens an engine whose object stores record the keys
// they read (in opened, under mu).
func readLoggedEngine(t *testing.T, mem memory.Allocator) (*engine.Engine, map[string]bool, *sync.Mutex) {
	t.Helper()
	store, err := streamstore.Open(streamstore.Options{RetentionCheck: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	mu := &sync.Mutex{}
	opened := map[string]bool{}
	eng, err := engine.Open(engine.Options{Store: store, Mem: mem, CheckpointInterval: 100 * time.Millisecond,
		OpenArchive: func(ctx context.Context, url string) (output.ObjectStore, error) {
			s, err := storeurl.Open(ctx, url, output.S3Config{})
			if err != nil {
				return nil, err
			}
			return &readLog{ObjectStore: s, mu: mu, keys: opened}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	return eng, opened, mu
}

// readLog records the keys read with ranged GETs.
type readLog struct {
	output.ObjectStore
	mu   *sync.Mutex
	keys map[string]bool
}

func (r *readLog) GetRange(ctx context.Context, key string, off, n int64) (io.ReadCloser, error) {
	r.mu.Lock()
	r.keys[key] = true
	r.mu.Unlock()
	return r.ObjectStore.GetRange(ctx, key, off, n)
}

func sorted(rows []string) []string {
	out := slices.Clone(rows[1:])
	slices.Sort(out)
	return append([]string{rows[0]}, out...)
}

// TestArchiveBacktest: windowed aggregates and filters give the same rows
// over archive.<stream> as over the live stream, and a time-range query
// reads only the partitions of its range.
func TestArchiveBacktest(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	eng, opened := archivedEngine(t, mem)
	queries := []string{
		`SELECT user_id, TUMBLE_START(ts, INTERVAL 15 MINUTE) AS ws, COUNT(*) AS n, SUM(qty) AS total, MAX(price) AS mp
		 FROM %s GROUP BY user_id, TUMBLE(ts, INTERVAL 15 MINUTE)`,
		`SELECT user_id, HOP_START(ts, INTERVAL 10 MINUTE, INTERVAL 30 MINUTE) AS ws, COUNT(*) AS n
		 FROM %s GROUP BY user_id, HOP(ts, INTERVAL 10 MINUTE, INTERVAL 30 MINUTE)`,
		`SELECT COUNT(*) AS n, SUM(qty) AS total, MIN(_sequence) AS first FROM %s WHERE qty %% 3 = 1 AND user_id != 'u2'`,
		`SELECT user_id, qty, _partition_key, _shard, _arrival, ts FROM %s WHERE qty < 40`,
		`SELECT user_id, COUNT(*) AS n, SUM(qty) AS total, MIN(price) AS lo, MAX(_sequence) AS hi, COUNT(DISTINCT _shard) AS shards,
		 AVG(price) AS ap FROM %s WHERE price > 2 GROUP BY user_id HAVING n > 10 ORDER BY total DESC LIMIT 3`,
		`SELECT COUNT(*) AS n FROM %s`,
		`SELECT _shard, COUNT(*) AS n, MIN(ts) AS lo FROM %s WHERE _event_time >= ts GROUP BY _shard`,
	}
	for _, q := range queries {
		live := sorted(collect(t, eng, fmt.Sprintf(q, "clicks")))
		archived := sorted(collect(t, eng, fmt.Sprintf(q, "archive.clicks")))
		if len(live) < 2 {
			t.Fatalf("%s: no rows", q)
		}
		if !slices.Equal(live, archived) {
			t.Errorf("%s:\nlive:     %v\narchive:  %v", q, live, archived)
		}
	}
	for k := range opened {
		delete(opened, k)
	}
	// A range in the WHERE clause reads only hour 11's files.
	q := `SELECT COUNT(*) AS n, SUM(qty) AS total FROM %s WHERE ts >= '2026-11-22T11:00:00Z' AND ts < '2026-11-22T12:00:00Z'`
	live := collect(t, eng, fmt.Sprintf(q, "clicks"))
	archived := collect(t, eng, fmt.Sprintf(q, "archive.clicks"))
	if !slices.Equal(live, archived) {
		t.Errorf("range:\nlive:    %v\narchive: %v", live, archived)
	}
	if len(opened) == 0 {
		t.Fatal("no file read")
	}
	for k := range opened {
		if !strings.Contains(k, "/hr=11/") {
			t.Errorf("read %s outside the range", k)
		}
	}
	eng.Close()
	mem.AssertSize(t, 0)
}

// ExecOptions' event-time bounds keep the rows of the range, live and over
// the archive, and report the archive scan's progress.
func TestArchiveEventTimeBounds(t *testing.T) {
	eng, _ := archivedEngine(t, memory.NewGoAllocator())
	defer eng.Close()
	from := time.Date(2026, 11, 22, 10, 30, 0, 0, time.UTC)
	until := time.Date(2026, 11, 22, 11, 15, 0, 0, time.UTC)
	run := func(stream string, progress func(lakescan.Progress)) []string {
		stmt, err := sql.ParseOne("SELECT COUNT(*) AS n, MIN(ts) AS lo, MAX(ts) AS hi FROM " + stream)
		if err != nil {
			t.Fatal(err)
		}
		res, err := eng.ExecuteStatement(context.Background(), stmt, engine.ExecOptions{EventTimeFrom: from, EventTimeUntil: until, Progress: progress})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Close()
		return resultRows(t, res)
	}
	var last lakescan.Progress
	live := run("clicks", nil)
	archived := run("archive.clicks", func(p lakescan.Progress) { last = p })
	if !slices.Equal(live, archived) || !strings.Contains(live[1], "2026-11-22 10:30:00") && !strings.Contains(live[1], "2026-11-22T10:30:00") {
		t.Fatalf("live %v, archive %v", live, archived)
	}
	if last.Files == 0 || last.FilesDone != last.Files || last.BytesDone != last.Bytes {
		t.Fatalf("progress %+v", last)
	}
}

// resultRows renders a result's rows as CSV lines (header first).
func resultRows(t *testing.T, res *engine.Result) []string {
	t.Helper()
	out := []string{strings.Join(res.Columns.Names(), ",")}
	for {
		rec, err := res.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("query: %v", err)
		}
		for i := range int(rec.NumRows()) {
			row, err := encode.Row(rec, i)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(encode.AppendCSV(nil, row)))
		}
		rec.Release()
	}
}

// TestArchivePartitionPruning: with archive_partition_by, a WHERE on the
// field reads only the directories of the values it allows, and gives the
// live stream's rows.
func TestArchivePartitionPruning(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	eng, opened := archivedEngine(t, mem, ", archive_partition_by = 'user_id'")
	q := `SELECT user_id, COUNT(*) AS n, SUM(qty) AS total FROM %s WHERE user_id IN ('u1', 'u3') AND qty > 10 GROUP BY user_id`
	live := sorted(collect(t, eng, fmt.Sprintf(q, "clicks")))
	archived := sorted(collect(t, eng, fmt.Sprintf(q, "archive.clicks")))
	if len(live) != 3 || !slices.Equal(live, archived) {
		t.Fatalf("live %v, archive %v", live, archived)
	}
	if len(opened) == 0 {
		t.Fatal("no file read")
	}
	for k := range opened {
		if !strings.Contains(k, "/user_id=u1/") && !strings.Contains(k, "/user_id=u3/") {
			t.Errorf("read %s, outside the partitions asked for", k)
		}
	}
	eng.Close()
	mem.AssertSize(t, 0)
}

// TestPersistentQueryMatchesArchive: a windowed persistent query's output
// (live) holds the same rows as the same SELECT run later over the
// archive — the backtesting promise.
func TestPersistentQueryMatchesArchive(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	eng, _ := archivedEngine(t, mem)
	ctx := context.Background()
	for _, s := range []string{
		`CREATE STREAM per_window (user_id VARCHAR, ws TIMESTAMP, n BIGINT, total BIGINT)`,
		`INSERT INTO per_window SELECT user_id, TUMBLE_START(ts, INTERVAL 15 MINUTE) AS ws, COUNT(*) AS n, SUM(qty) AS total
		 FROM clicks GROUP BY user_id, TUMBLE(ts, INTERVAL 15 MINUTE)`,
	} {
		res, err := eng.Execute(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		res.Close()
	}
	// A record a day later in every shard closes every real window.
	var flush []string
	for i := 0; i < 12; i++ {
		flush = append(flush, fmt.Sprintf(`{"user_id":"flush%d","qty":0,"price":0,"ts":"2026-11-23T10:00:00Z"}`, i))
	}
	put(t, eng.Store(), "clicks", flush)
	q := `SELECT user_id, TUMBLE_START(ts, INTERVAL 15 MINUTE) AS ws, COUNT(*) AS n, SUM(qty) AS total
		FROM archive.clicks WHERE ts < '2026-11-23T00:00:00Z' GROUP BY user_id, TUMBLE(ts, INTERVAL 15 MINUTE)`
	want := sorted(collect(t, eng, q))
	var got []string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		got = sorted(collect(t, eng, `SELECT user_id, ws, n, total FROM per_window`))
		if len(got) >= len(want) || time.Now().After(deadline) {
			break
		}
	}
	if len(want) < 10 || !slices.Equal(got, want) {
		t.Fatalf("persistent query output (%d rows):\n%v\narchive (%d rows):\n%v", len(got)-1, got, len(want)-1, want)
	}
	eng.Close()
	mem.AssertSize(t, 0)
}
