package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/streamstore"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/lake"
	"github.com/freshet/freshet/output/storeurl"
)

// historyBase is when the history fixture's first record arrives.
var historyBase = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// setClock is a settable clock for the store: a record put while it reads
// T arrives at T.
type setClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *setClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *setClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// historyFixture is a stream clicks (3 shards, archived to a local
// directory) whose 900 records arrive every 12 s from 10:00 (record i at
// 10:00 + 12i s, event time the same except every tenth, 7 minutes
// earlier; qty = i). Records 0–349 (and an undecodable line, last, which
// goes to the lake's error files) and then 350–599 were delivered to the
// lake in two rounds; 600–899 were put after delivery stopped, so only the
// stream holds them. Nothing is trimmed yet: trim does that.
type historyFixture struct {
	store   *streamstore.Store
	clock   *setClock
	dir     string // the engine's directory (catalog, archive checkpoint)
	lakeDir string
	shardOf []string // the shard of record i
	mu      sync.Mutex
	opened  map[string]bool // lake keys read since the last reset
}

func historyRecord(i int) (line string, arrival time.Time) {
	arrival = historyBase.Add(time.Duration(i) * 12 * time.Second)
	ts := arrival
	if i%10 == 7 {
		ts = ts.Add(-7 * time.Minute) // out of order
	}
	return fmt.Sprintf(`{"user_id":"u%d","qty":%d,"ts":%q}`, i%4, i, ts.Format(time.RFC3339)), arrival
}

func newHistoryFixture(t *testing.T, mem memory.Allocator) *historyFixture {
	t.Helper()
	f := &historyFixture{clock: &setClock{t: historyBase.Add(-time.Hour)}, dir: t.TempDir(), lakeDir: t.TempDir(), opened: map[string]bool{}}
	// One segment per record (SegmentAge 1 ms), so that retention drops
	// exactly the records older than its cutoff.
	store, err := streamstore.Open(streamstore.Options{RetentionCheck: -1, Now: f.clock.Now, Log: ingest.LogOptions{SegmentAge: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f.store = store
	deliver, err := engine.Open(engine.Options{Store: store, Dir: f.dir, Mem: mem, OpenArchive: f.openArchive})
	if err != nil {
		t.Fatal(err)
	}
	defer deliver.Close()
	res, err := deliver.Execute(context.Background(), `CREATE STREAM clicks (user_id VARCHAR, qty BIGINT, ts TIMESTAMP)
		WITH (shards = 3, event_time = 'ts', archive = 'file://`+f.lakeDir+`', archive_buffer_interval = '1s')`)
	if err != nil {
		t.Fatal(err)
	}
	res.Close()
	f.put(t, 0, 350)
	f.waitDelivered(t, deliver, 351)
	f.put(t, 350, 600)
	f.waitDelivered(t, deliver, 601)
	deliver.Close()
	f.put(t, 600, 900)
	return f
}

// put writes records from to to-1, each arriving at its time.
func (f *historyFixture) put(t *testing.T, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		line, arrival := historyRecord(i)
		f.clock.Set(arrival)
		res, err := f.store.PutRecords(context.Background(), "clicks", []ingest.PutEntry{{PartitionKey: fmt.Sprintf("k%d", i%7), Data: []byte(line)}})
		if err != nil || res[0].Err != nil {
			t.Fatalf("put %d: %v %v", i, err, res)
		}
		f.shardOf = append(f.shardOf, res[0].ShardID)
		if i == 349 {
			if _, err := f.store.PutRecords(context.Background(), "clicks", []ingest.PutEntry{{PartitionKey: "bad", Data: []byte("not json")}}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func (f *historyFixture) waitDelivered(t *testing.T, eng *engine.Engine, n int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st := eng.ArchiveStats()
		if len(st) == 1 && st[0].DeliveredRecords == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("lake not delivered (want %d records): %+v", n, st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (f *historyFixture) openArchive(ctx context.Context, url string) (output.ObjectStore, error) {
	s, err := storeurl.Open(ctx, url, output.S3Config{})
	if err != nil {
		return nil, err
	}
	return &readLog{ObjectStore: s, mu: &f.mu, keys: f.opened}, nil
}

// open opens an engine that reads the fixture's stream through store and
// its lake, without delivering.
func (f *historyFixture) open(t *testing.T, mem memory.Allocator, store ingest.Store) *engine.Engine {
	t.Helper()
	eng, err := engine.Open(engine.Options{Store: store, Dir: f.dir, Mem: mem, OpenArchive: f.openArchive, NoArchiveDelivery: true})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// trim lets retention drop the records that arrived before cutoff.
func (f *historyFixture) trim(t *testing.T, cutoff time.Time) {
	t.Helper()
	f.clock.Set(cutoff.Add(24 * time.Hour))
	if err := f.store.EnforceRetention(); err != nil {
		t.Fatal(err)
	}
}

// retained counts the records the stream holds.
func (f *historyFixture) retained(t *testing.T) int {
	t.Helper()
	ctx := context.Background()
	d, err := f.store.DescribeStream(ctx, "clicks")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, sh := range d.Shards {
		for from := uint64(0); ; {
			res, err := f.store.ReadShard(ctx, "clicks", sh.ID, from, ingest.MaxGetRecordsLimit)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Records) == 0 {
				break
			}
			n += len(res.Records)
			from = res.NextOffset
		}
	}
	return n
}

func (f *historyFixture) resetOpened() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.opened)
}

func (f *historyFixture) openedKeys() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var keys []string
	for k := range f.opened {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// historyQueries are the queries compared: counts per window, a rule-like
// NOW()-relative filter, and COUNT against COUNT(DISTINCT _sequence),
// which differ if a record is read twice.
var historyQueries = []string{
	`SELECT TUMBLE_START(ts, INTERVAL 15 MINUTE) AS ws, COUNT(*) AS n, SUM(qty) AS total FROM clicks GROUP BY TUMBLE(ts, INTERVAL 15 MINUTE)`,
	`SELECT user_id, COUNT(*) AS n, MAX(qty) AS top FROM clicks WHERE ts > NOW() - INTERVAL 20 MINUTE GROUP BY user_id`,
	`SELECT COUNT(*) AS n, COUNT(DISTINCT _sequence) AS distinct_records, SUM(qty) AS total FROM clicks`,
}

// historyTicks are the evaluation times: within the part only the lake
// holds, at the seam, across the records in both, and past the records
// only the stream holds.
var historyTicks = []time.Time{
	historyBase.Add(30 * time.Minute), historyBase.Add(70 * time.Minute), historyBase.Add(95 * time.Minute),
	historyBase.Add(2 * time.Hour), historyBase.Add(2*time.Hour + 40*time.Minute), historyBase.Add(3*time.Hour + 30*time.Minute),
}

// TestHistoryQuery: after retention has dropped records 0–349, a history
// query (lake, then retained records) gives, at every tick, the rows the
// live query gave over the same records before they were dropped — per
// window counts included, with no record counted twice although 350–599
// are both archived and retained — while a plain snapshot has lost them.
func TestHistoryQuery(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	f := newHistoryFixture(t, mem)
	eng := f.open(t, mem, f.store)
	if st := eng.ArchiveStats(); len(st) != 0 {
		t.Fatalf("an engine with NoArchiveDelivery delivers: %+v", st)
	}
	live := map[string][]string{}
	for _, q := range historyQueries {
		for _, at := range historyTicks {
			rows, err := queryRows(eng, q, engine.ExecOptions{Now: at, EventTimeUntil: at})
			if err != nil {
				t.Fatal(err)
			}
			live[q+at.String()] = rows
		}
	}
	// Counted by hand: every record has arrived and happened by 13:30.
	if got := live[historyQueries[2]+historyTicks[5].String()]; !slices.Equal(got, []string{"n,distinct_records,total", "900,900,404550"}) {
		t.Fatalf("live count at 13:30: %v", got)
	}
	// The three parts: 350 records (and the undecodable line) only
	// archived, 250 in both, 300 only retained.
	f.trim(t, historyBase.Add(70*time.Minute))
	if n := f.retained(t); n != 550 {
		t.Fatalf("retained %d records, want 550", n)
	}
	for _, q := range historyQueries {
		for _, at := range historyTicks {
			got, err := queryRows(eng, q, engine.ExecOptions{Now: at, EventTimeUntil: at, History: true})
			if err != nil {
				t.Fatalf("%s at %s: %v", q, at.Format(time.TimeOnly), err)
			}
			if want := live[q+at.String()]; !slices.Equal(got, want) {
				t.Errorf("%s at %s:\nhistory: %v\nlive:    %v", q, at.Format(time.TimeOnly), got, want)
			}
		}
	}
	// Event-time bounds apply to both parts.
	from, until := historyBase.Add(40*time.Minute), historyBase.Add(150*time.Minute)
	got, err := queryRows(eng, historyQueries[2], engine.ExecOptions{Now: historyTicks[5], EventTimeFrom: from, EventTimeUntil: until, History: true})
	if err != nil {
		t.Fatal(err)
	}
	n, total := 0, 0
	for i := range 900 {
		line, _ := historyRecord(i)
		ts, _ := time.Parse(time.RFC3339, line[strings.Index(line, `"ts":"`)+6:len(line)-2])
		if !ts.Before(from) && !ts.After(until) {
			n, total = n+1, total+i
		}
	}
	if want := fmt.Sprintf("%d,%d,%d", n, n, total); got[1] != want {
		t.Errorf("from %s until %s: %v, want %s", from.Format(time.TimeOnly), until.Format(time.TimeOnly), got, want)
	}
	// Without History the dropped records are gone.
	got, err = queryRows(eng, historyQueries[2], engine.ExecOptions{Now: historyTicks[5], EventTimeUntil: historyTicks[5]})
	if err != nil || got[1] != "550,550,343475" {
		t.Errorf("retained only: %v %v", got, err)
	}
	gaps, err := eng.HistoryGaps(context.Background(), "clicks")
	if err != nil || len(gaps) != 0 {
		t.Errorf("gaps %+v %v, want none: the lake holds every dropped record", gaps, err)
	}
	eng.Close()
	mem.AssertSize(t, 0)
}

// TestHistoryScanPruning: a history query's lake scan reads only the hour
// partitions its NOW()-relative WHERE allows, and no file whose records
// are all still retained; the answer is the live one.
func TestHistoryScanPruning(t *testing.T) {
	f := newHistoryFixture(t, memory.NewGoAllocator())
	eng := f.open(t, memory.NewGoAllocator(), f.store)
	defer eng.Close()
	q := `SELECT user_id, COUNT(*) AS n FROM clicks WHERE ts > NOW() - INTERVAL 5 MINUTE GROUP BY user_id`
	ticks := []time.Time{historyBase.Add(65 * time.Minute), historyBase.Add(119 * time.Minute)}
	var live [][]string
	for _, at := range ticks {
		rows, err := queryRows(eng, q, engine.ExecOptions{Now: at, EventTimeUntil: at})
		if err != nil {
			t.Fatal(err)
		}
		live = append(live, rows)
	}
	f.trim(t, historyBase.Add(70*time.Minute))
	seams := map[string]string{} // shard → sequence number of its oldest retained record
	d, err := f.store.DescribeStream(context.Background(), "clicks")
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range d.Shards {
		res, err := f.store.ReadShard(context.Background(), "clicks", sh.ID, 0, 1)
		if err != nil || len(res.Records) == 0 {
			t.Fatalf("shard %s: %v", sh.ID, err)
		}
		seams[sh.ID] = res.Records[0].SequenceNumber()
	}
	for i, at := range ticks {
		f.resetOpened()
		got, err := queryRows(eng, q, engine.ExecOptions{Now: at, EventTimeUntil: at, History: true})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, live[i]) {
			t.Errorf("at %s: history %v, live %v", at.Format(time.TimeOnly), got, live[i])
		}
		opened := f.openedKeys()
		if len(opened) == 0 {
			t.Errorf("at %s: no lake file read", at.Format(time.TimeOnly))
		}
		for _, k := range opened {
			if !strings.Contains(k, "/dt=2026-11-22/hr=11/") {
				t.Errorf("at %s: read %s, outside the 5 minutes before", at.Format(time.TimeOnly), k)
			}
			shard, first, _, _ := lake.ParseFileName(k)
			if first >= seams[shard] {
				t.Errorf("at %s: read %s, whose records are all retained", at.Format(time.TimeOnly), k)
			}
		}
	}
	// The second round's hour-11 files hold only retained records: they
	// exist, and were skipped.
	skipped := 0
	filepath.WalkDir(filepath.Join(f.lakeDir, "clicks", "dt=2026-11-22", "hr=11"), func(p string, _ os.DirEntry, err error) error {
		if shard, first, _, ok := lake.ParseFileName(p); err == nil && ok && first >= seams[shard] {
			skipped++
		}
		return nil
	})
	if skipped == 0 {
		t.Error("no hour-11 file holds only retained records: the test proves nothing")
	}
	// FROM archive.<stream> prunes by NOW() too.
	f.resetOpened()
	if _, err := queryRows(eng, `SELECT COUNT(*) AS n FROM archive.clicks WHERE ts > NOW() - INTERVAL 5 MINUTE`, engine.ExecOptions{Now: ticks[0]}); err != nil {
		t.Fatal(err)
	}
	for _, k := range f.openedKeys() {
		if strings.Contains(k, "/hr=10/") {
			t.Errorf("archive query read %s, before the 5 minutes", k)
		}
	}
}

// TestHistoryGaps: records that retention dropped before delivery reached
// them (600–649: delivery had stopped) are reported shard by shard with
// when they arrived, and a history query lacks exactly them.
func TestHistoryGaps(t *testing.T) {
	f := newHistoryFixture(t, memory.NewGoAllocator())
	eng := f.open(t, memory.NewGoAllocator(), f.store)
	defer eng.Close()
	cutoff := historyBase.Add(130 * time.Minute) // record 650 arrives then
	f.trim(t, cutoff)
	gaps, err := eng.HistoryGaps(context.Background(), "clicks")
	if err != nil {
		t.Fatal(err)
	}
	// By hand: per shard, the records 600–649 it got; the last one it got
	// before (delivered) and the first after (retained).
	type want struct {
		n             int64
		after, before time.Time
	}
	wants := map[string]*want{}
	for i, shard := range f.shardOf {
		_, arrival := historyRecord(i)
		w := wants[shard]
		if w == nil {
			w = &want{}
			wants[shard] = w
		}
		switch {
		case i < 600:
			w.after = arrival
		case i < 650:
			w.n++
		case w.before.IsZero():
			w.before = arrival
		}
	}
	var total int64
	for _, g := range gaps {
		w := wants[g.Shard]
		if w == nil || g.Records() != w.n || !g.After.Equal(w.after) || !g.Before.Equal(w.before) {
			t.Errorf("gap %+v (%d records), want %+v", g, g.Records(), w)
		}
		total += g.Records()
	}
	if total != 50 {
		t.Errorf("gaps hold %d records, want 50: %+v", total, gaps)
	}
	got, err := queryRows(eng, historyQueries[2], engine.ExecOptions{Now: historyTicks[5], EventTimeUntil: historyTicks[5], History: true})
	if err != nil {
		t.Fatal(err)
	}
	sum := 404550
	for i := 600; i < 650; i++ {
		sum -= i
	}
	if want := fmt.Sprintf("850,850,%d", sum); got[1] != want {
		t.Errorf("history with a gap: %v, want %s", got, want)
	}
}

// trimmingStore is the real store, except that the first read of a shard
// at an offset (a query reading records, not where they begin) first lets
// retention drop what arrived before cutoff: retention running while a
// history query reads.
type trimmingStore struct {
	ingest.Store
	f      *historyFixture
	t      *testing.T
	cutoff time.Time
	once   sync.Once
}

func (s *trimmingStore) ReadShard(ctx context.Context, stream, shard string, from uint64, limit int) (ingest.GetRecordsResult, error) {
	if from > 0 {
		s.once.Do(func() { s.f.trim(s.t, s.cutoff) })
	}
	return s.Store.ReadShard(ctx, stream, shard, from, limit)
}

// TestHistoryRetentionDuringQuery: when retention drops records a history
// query had left to the stream, the query fails with ErrHistoryTrimmed
// instead of answering without them, and runs right the next time.
func TestHistoryRetentionDuringQuery(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	f := newHistoryFixture(t, mem)
	at := historyBase.Add(2 * time.Hour)
	plain := f.open(t, mem, f.store)
	want, err := queryRows(plain, historyQueries[2], engine.ExecOptions{Now: at, EventTimeUntil: at})
	plain.Close()
	if err != nil {
		t.Fatal(err)
	}
	f.trim(t, historyBase.Add(70*time.Minute))
	eng := f.open(t, mem, &trimmingStore{Store: f.store, f: f, t: t, cutoff: historyBase.Add(90 * time.Minute)})
	_, err = queryRows(eng, historyQueries[2], engine.ExecOptions{Now: at, EventTimeUntil: at, History: true})
	if !errors.Is(err, engine.ErrHistoryTrimmed) {
		t.Fatalf("retention during the query: %v, want ErrHistoryTrimmed", err)
	}
	got, err := queryRows(eng, historyQueries[2], engine.ExecOptions{Now: at, EventTimeUntil: at, History: true})
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("again: %v %v, want %v", got, err, want)
	}
	eng.Close()
	mem.AssertSize(t, 0)
}
