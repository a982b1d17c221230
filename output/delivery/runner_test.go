package delivery

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/freshet/freshet/engine/decode"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/lake"
)

func newRunner(t testing.TB, cfg Config) *Runner {
	t.Helper()
	if cfg.Stream == "" {
		cfg.Stream = "clicks"
	}
	cfg.Decode = decode.Options{Columns: columns, EventTime: "ts"}
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

func steps(t testing.TB, r *Runner, n int) {
	t.Helper()
	for range n {
		if _, err := r.Step(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// Records are written when the buffer reaches its size, or when the oldest
// has waited the interval, whichever comes first.
func TestBuffering(t *testing.T) {
	clk := &clock{t: t0}
	src := newSource(t, 1, clk)
	objs := newFileStore(t)
	r := newRunner(t, Config{Source: src, Objects: objs, BufferBytes: 20_000, BufferInterval: time.Minute, ReadLimit: 100, Now: clk.Now})
	ts := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) }
	putRecords(t, src, 0, 100, ts) // ~6 KB
	steps(t, r, 3)
	if st := r.Stats(); st.Files != 0 || st.BufferedRecords != 100 {
		t.Fatalf("flushed below both hints: %+v", st)
	}
	clk.Advance(59 * time.Second)
	steps(t, r, 1)
	if st := r.Stats(); st.Files != 0 {
		t.Fatalf("flushed before the interval: %+v", st)
	}
	clk.Advance(time.Second)
	steps(t, r, 1)
	st := r.Stats()
	before := st
	if st.Files != 2 || st.DeliveredRecords != 100 || st.ErrorRecords != 2 || st.BufferedRecords != 0 {
		t.Fatalf("after the interval: %+v", st)
	}
	// Size: 400 records (~25 KB) pass 20 KB within a few pages.
	putRecords(t, src, 100, 400, ts)
	steps(t, r, 4) // the clock stands still: only the size hint can flush
	st = r.Stats()
	if st.DeliveredRecords <= 100 || st.DeliveredBytes-before.DeliveredBytes < 20_000 {
		t.Fatalf("size hint did not flush: %+v", st)
	}
	clk.Advance(time.Minute)
	steps(t, r, 3)
	if st := r.Stats(); st.DeliveredRecords != 500 || st.LagRecords != 0 {
		t.Fatalf("not all delivered: %+v", st)
	}
	checkExactlyOnce(t, objs, 500)
}

var errCrash = errors.New("simulated crash")

// A crash after the upload and before the checkpoint: the next runner
// redoes the same flush from the checkpoint's pending ranges, even though
// more records have arrived meanwhile, and the lake holds every record
// once.
func TestCrashBetweenUploadAndCheckpoint(t *testing.T) {
	clk := &clock{t: t0}
	src := newSource(t, 2, clk)
	objs := newFileStore(t)
	cpPath := filepath.Join(t.TempDir(), "clicks.json")
	ts := func(i int) time.Time { return t0.Add(time.Duration(i) * 7 * time.Second) }
	putRecords(t, src, 0, 1000, ts)
	cfg := Config{Source: src, Objects: objs, CheckpointPath: cpPath, BufferBytes: 1 << 30, BufferInterval: time.Minute, ReadLimit: 300, Now: clk.Now}

	r1 := newRunner(t, cfg)
	r1.afterWrite = func() error { return errCrash }
	steps(t, r1, 2)
	clk.Advance(time.Minute)
	if _, err := r1.Step(context.Background()); !errors.Is(err, errCrash) {
		t.Fatalf("step: %v", err)
	}
	_, _, files1 := lakeContents(t, objs)
	if len(files1) == 0 {
		t.Fatal("nothing uploaded before the crash")
	}
	// More records arrive before the restart; a naive re-read would
	// cut the flush elsewhere and name the files differently.
	putRecords(t, src, 1000, 500, ts)
	r2 := newRunner(t, cfg)
	steps(t, r2, 3)
	clk.Advance(time.Minute)
	steps(t, r2, 5)
	if st := r2.Stats(); st.LagRecords != 0 || st.BufferedRecords != 0 {
		t.Fatalf("not caught up: %+v", st)
	}
	checkExactlyOnce(t, objs, 1500)

	// A crash with the checkpoint written: nothing is redone.
	r3 := newRunner(t, cfg)
	steps(t, r3, 3)
	if st := r3.Stats(); st.Files != 0 {
		t.Fatalf("a committed flush was redone: %+v", st)
	}
}

// Splitting a shard: the parent is read to its end before its children,
// and every record reaches the lake once.
func TestResharding(t *testing.T) {
	clk := &clock{t: t0}
	src := newSource(t, 1, clk)
	objs := newFileStore(t)
	ts := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) }
	putRecords(t, src, 0, 300, ts)
	cfg := Config{Source: src, Objects: objs, BufferBytes: 1 << 30, BufferInterval: time.Second, ReadLimit: 100, Now: clk.Now}
	r := newRunner(t, cfg)
	steps(t, r, 1)
	if err := src.UpdateShardCount(context.Background(), "clicks", 2); err != nil {
		t.Fatal(err)
	}
	putRecords(t, src, 300, 300, ts)
	for range 10 {
		clk.Advance(time.Second)
		steps(t, r, 1)
	}
	checkExactlyOnce(t, objs, 600)
	_, _, files := lakeContents(t, objs)
	shards := map[string]bool{}
	for _, f := range files {
		sh, _, _, _ := lake.ParseFileName(f)
		shards[sh] = true
	}
	if len(shards) != 3 {
		t.Fatalf("files from shards %v, want the parent and two children", shards)
	}
}

// An hour partition gets its _SUCCESS marker once the watermark (the
// slowest non-idle shard's event time) passes the hour's end.
func TestSuccessMarkers(t *testing.T) {
	clk := &clock{t: t0}
	src := newSource(t, 1, clk)
	objs := newFileStore(t)
	cpPath := filepath.Join(t.TempDir(), "cp.json")
	cfg := Config{Source: src, Objects: objs, CheckpointPath: cpPath, BufferBytes: 1 << 30, BufferInterval: time.Second,
		WatermarkDelay: 5 * time.Minute, IdleTimeout: time.Hour, Now: clk.Now}
	r := newRunner(t, cfg)
	// Events 10:00..10:59 then 11:00..11:03.
	putRecords(t, src, 0, 64, func(i int) time.Time { return t0.Add(time.Duration(i) * time.Minute) })
	clk.Advance(time.Second)
	steps(t, r, 2)
	marker := func(h string) bool {
		_, err := objs.Stat(context.Background(), "clicks/dt=2026-11-22/hr="+h+"/"+lake.SuccessMarker)
		return err == nil
	}
	if marker("10") {
		t.Fatal("hour 10 marked while the watermark (11:03 - 5m) is inside it")
	}
	putRecords(t, src, 64, 3, func(i int) time.Time { return t0.Add(time.Duration(i) * time.Minute) }) // up to 11:06
	clk.Advance(time.Second)
	steps(t, r, 2)
	if !marker("10") || marker("11") {
		t.Fatalf("markers: hr=10 %v hr=11 %v", marker("10"), marker("11"))
	}
	if st := r.Stats(); st.Markers != 1 {
		t.Fatalf("%+v", st)
	}
	// The marker survives a restart without being rewritten.
	r2 := newRunner(t, cfg)
	steps(t, r2, 2)
	if st := r2.Stats(); st.Markers != 0 {
		t.Fatalf("marked again after restart: %+v", st)
	}
	all, _ := output.ListAll(context.Background(), objs, "clicks/")
	n := 0
	for _, o := range all {
		if strings.HasSuffix(o.Key, lake.SuccessMarker) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d markers", n)
	}
}
