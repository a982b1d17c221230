package lakescan

import (
	"context"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine/decode"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/filestore"
	"github.com/freshet/freshet/output/lake"
)

var columns = []decode.Column{
	{Name: "user_id", Type: arrow.BinaryTypes.String},
	{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64},
	{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_ms},
}

var base = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// step is the event time between records: by default 3 s, so 1200
// records per hour.
var step = 3 * time.Second

// tsOf is the event time of record off.
func tsOf(off uint64) time.Time { return base.Add(time.Duration(off) * step) }

// countingStore counts the ranged reads of each key.
type countingStore struct {
	output.ObjectStore
	mu    sync.Mutex
	reads map[string]int
}

func (c *countingStore) GetRange(ctx context.Context, key string, off, n int64) (io.ReadCloser, error) {
	c.mu.Lock()
	c.reads[key]++
	c.mu.Unlock()
	return c.ObjectStore.GetRange(ctx, key, off, n)
}

func (c *countingStore) opened() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for k := range c.reads {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// writeLake writes n records per shard for 2 shards in flushes of
// `flush` records per shard.
func writeLake(t *testing.T, store output.ObjectStore, n, flush int, rowGroupBytes int64) {
	t.Helper()
	mem := memory.NewGoAllocator()
	d, err := decode.New(mem, decode.Options{Columns: columns, EventTime: "ts"})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Release()
	w, err := lake.NewWriter(store, lake.Config{Stream: "s", Columns: columns, RowGroupBytes: rowGroupBytes})
	if err != nil {
		t.Fatal(err)
	}
	for start := 0; start < n; start += flush {
		var batches []lake.Batch
		for sh := uint32(0); sh < 2; sh++ {
			var recs []ingest.Record
			for off := uint64(start); off < uint64(min(start+flush, n)); off++ {
				ts := tsOf(off)
				recs = append(recs, ingest.Record{
					Seq: ingest.SequenceNumber{Shard: sh, Offset: off + 1}, PartitionKey: fmt.Sprint(off % 3),
					Data:    fmt.Appendf(nil, `{"user_id":"u%d","qty":%d,"price":%d.5,"ts":%q}`, off%5, off, off, ts.Format(time.RFC3339Nano)),
					Arrival: ts.Add(time.Second),
				})
			}
			b, err := d.Decode(ingest.ShardID(sh), recs)
			if err != nil {
				t.Fatal(err)
			}
			batches = append(batches, lake.Batch{Shard: ingest.ShardID(sh), Batch: b})
		}
		if _, err := w.Write(context.Background(), batches); err != nil {
			t.Fatal(err)
		}
		for _, b := range batches {
			b.Record.Release()
		}
	}
}

func newStore(t *testing.T) *countingStore {
	fs, err := filestore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &countingStore{ObjectStore: fs, reads: map[string]int{}}
}

var qtySchema = arrow.NewSchema([]arrow.Field{
	{Name: "qty", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "_event_time", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
}, nil)

// scanAll reads every batch and returns the qty values (with their
// event times checked against the column) and the scanner's stats.
func scanAll(t *testing.T, opts Options) ([]int64, Stats) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	opts.Mem = mem
	s, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var qty []int64
	for s.Next() {
		b := s.Batch()
		if !b.Rec.Schema().Equal(opts.Schema) {
			t.Fatalf("schema %s, want %s", b.Rec.Schema(), opts.Schema)
		}
		q := b.Rec.Column(0).(*array.Int64)
		et := b.Rec.Column(1).(*array.Timestamp)
		for i := range int(b.Rec.NumRows()) {
			if int64(et.Value(i)) != b.Times[i] || b.Times[i] != tsOf(uint64(q.Value(i))).UnixMilli() {
				t.Fatalf("row %d: qty %d, event time %d, times %d", i, q.Value(i), et.Value(i), b.Times[i])
			}
			qty = append(qty, q.Value(i))
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return qty, s.Stats()
}

// Every row comes back once, with only the wanted columns, and a
// projection of two small columns reads much less than the files hold.
func TestScanProjection(t *testing.T) {
	store := newStore(t)
	writeLake(t, store, 3000, 500, 0) // 2.5 hours, 2 shards
	qty, st := scanAll(t, Options{Store: store, Stream: "s", Schema: qtySchema, Parallelism: 3, BatchRows: 700})
	if len(qty) != 6000 {
		t.Fatalf("%d rows, want 6000", len(qty))
	}
	seen := map[int64]int{}
	for _, q := range qty {
		seen[q]++
	}
	for q := range int64(3000) {
		if seen[q] != 2 {
			t.Fatalf("qty %d seen %d times", q, seen[q])
		}
	}
	if st.BytesRead*2 > st.Bytes {
		t.Fatalf("read %d of %d bytes: projection does not prune columns", st.BytesRead, st.Bytes)
	}
	// Deterministic: the same order every time, whatever the parallelism.
	again, _ := scanAll(t, Options{Store: store, Stream: "s", Schema: qtySchema, Parallelism: 1})
	if fmt.Sprint(again) != fmt.Sprint(qty) {
		t.Fatal("two scans gave the rows in different orders")
	}
}

// A range prunes the hour partitions outside it: no read touches their
// files.
func TestScanPartitionPruning(t *testing.T) {
	store := newStore(t)
	writeLake(t, store, 3000, 500, 0) // hours 10, 11, 12
	from, to := base.Add(time.Hour), base.Add(2*time.Hour)
	qty, st := scanAll(t, Options{Store: store, Stream: "s", Schema: qtySchema, From: from, To: to})
	for _, k := range store.opened() {
		if !strings.Contains(k, "/hr=11/") {
			t.Errorf("opened %s outside hour 11", k)
		}
	}
	if st.Files == 0 || len(store.opened()) != st.Files {
		t.Fatalf("opened %d files, plan has %d", len(store.opened()), st.Files)
	}
	if len(qty) != 2*1200 {
		t.Fatalf("%d rows, want %d", len(qty), 2*1200)
	}
	// An empty range reads nothing.
	if qty, _ := scanAll(t, Options{Store: store, Stream: "s", Schema: qtySchema, From: base.Add(5 * time.Hour), To: base.Add(6 * time.Hour)}); len(qty) != 0 {
		t.Fatalf("%d rows outside the data", len(qty))
	}
}

// Row groups whose _event_time statistics lie outside the range are not
// read; the rows in range all come back.
func TestScanRowGroupSkipping(t *testing.T) {
	store := newStore(t)
	step = 300 * time.Millisecond
	defer func() { step = 3 * time.Second }()
	writeLake(t, store, 12000, 12000, 1) // one hour, one file per shard, row groups of 1024 rows
	from, to := base.Add(20*time.Minute), base.Add(30*time.Minute)
	qty, st := scanAll(t, Options{Store: store, Stream: "s", Schema: qtySchema, From: from, To: to})
	if st.RowGroups < 10 || st.RowGroupsSkipped < st.RowGroups/2 {
		t.Fatalf("%d of %d row groups skipped", st.RowGroupsSkipped, st.RowGroups)
	}
	in := 0
	for _, q := range qty {
		if ts := tsOf(uint64(q)); !ts.Before(from) && ts.Before(to) {
			in++
		}
	}
	if in != 2*2000 || len(qty) >= 2*12000/2 {
		t.Fatalf("%d rows in range (want 4000) of %d read", in, len(qty))
	}
}

// After a compaction that was interrupted before it deleted the small
// files, a scan reads the merged file and skips the files it contains.
func TestScanContainment(t *testing.T) {
	store := newStore(t)
	ctx := context.Background()
	writeLake(t, store, 1000, 200, 0) // hour 10 only: 5 files per shard
	hour := lake.HourDir("s", base.UnixMilli())
	small, err := output.ListAll(ctx, store, hour+"/")
	if err != nil {
		t.Fatal(err)
	}
	saved := map[string][]byte{}
	for _, o := range small {
		if saved[o.Key], err = output.ReadAll(ctx, store, o.Key); err != nil {
			t.Fatal(err)
		}
	}
	w, _ := lake.NewWriter(store, lake.Config{Stream: "s", Columns: columns})
	if err := w.MarkComplete(ctx, hour); err != nil {
		t.Fatal(err)
	}
	if res, err := lake.Compact(ctx, store, "s", lake.CompactOptions{}); err != nil || res.Merged != 2 {
		t.Fatalf("compact: %+v, %v", res, err)
	}
	for k, b := range saved { // the small files come back: an interrupted compaction
		if err := output.PutBytes(ctx, store, k, b, output.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	qty, st := scanAll(t, Options{Store: store, Stream: "s", Schema: qtySchema})
	if st.Files != 2 || len(qty) != 2000 {
		t.Fatalf("%d files, %d rows; want 2 merged files, 2000 rows", st.Files, len(qty))
	}
	for _, k := range store.opened() {
		if saved[k] != nil {
			t.Errorf("read contained file %s", path.Base(k))
		}
	}
}

// Closing a scan early stops the readers and frees every batch.
func TestScanCloseEarly(t *testing.T) {
	store := newStore(t)
	writeLake(t, store, 3000, 100, 0)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var calls int
	s, err := Open(context.Background(), Options{Store: store, Stream: "s", Schema: qtySchema, Mem: mem, BatchRows: 10,
		Progress: func(Progress) { calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Next() {
		t.Fatal(s.Err())
	}
	s.Close()
	full, _ := Open(context.Background(), Options{Store: store, Stream: "s", Schema: qtySchema, Mem: mem,
		Progress: func(p Progress) {
			if p.FilesDone > p.Files || p.BytesDone > p.Bytes {
				t.Errorf("progress %+v", p)
			}
			calls++
		}})
	for full.Next() {
	}
	full.Close()
	if calls < len(full.Files()) {
		t.Fatalf("%d progress calls for %d files", calls, len(full.Files()))
	}
}

// Every column of every row reads back right while the scan recycles its
// decoding buffers: small batches, several files at once, string and
// number columns, each row checked against the record it came from.
func TestScanRecycledBuffers(t *testing.T) {
	store := newStore(t)
	writeLake(t, store, 3000, 300, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "user_id", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "qty", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "price", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "_partition_key", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "_sequence", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "_event_time", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
	}, nil)
	for range 3 {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		s, err := Open(context.Background(), Options{Store: store, Stream: "s", Schema: schema, Parallelism: 3, BatchRows: 97, Mem: mem})
		if err != nil {
			t.Fatal(err)
		}
		rows := 0
		for s.Next() {
			b := s.Batch()
			user := b.Rec.Column(0).(*array.String)
			qty := b.Rec.Column(1).(*array.Int64)
			price := b.Rec.Column(2).(*array.Float64)
			pk := b.Rec.Column(3).(*array.String)
			seq := b.Rec.Column(4).(*array.String)
			for i := range int(b.Rec.NumRows()) {
				q := qty.Value(i)
				sn, err := ingest.ParseSequenceNumber(seq.Value(i))
				if user.Value(i) != fmt.Sprintf("u%d", q%5) || price.Value(i) != float64(q)+0.5 ||
					pk.Value(i) != fmt.Sprint(q%3) || err != nil || sn.Offset != uint64(q)+1 ||
					b.Times[i] != tsOf(uint64(q)).UnixMilli() {
					t.Fatalf("row %d: %s %d %g %s %s %d", rows, user.Value(i), q, price.Value(i), pk.Value(i), seq.Value(i), b.Times[i])
				}
				rows++
			}
		}
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
		s.Close()
		mem.AssertSize(t, 0)
		if rows != 6000 {
			t.Fatalf("%d rows, want 6000", rows)
		}
	}
}
