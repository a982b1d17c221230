package delivery

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"

	"github.com/freshet/freshet/engine/decode"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/streamstore"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/filestore"
)

var columns = []decode.Column{
	{Name: "user_id", Type: arrow.BinaryTypes.String},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64},
	{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_ms},
}

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// clock is a settable clock shared by the store and the runner.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newSource(t testing.TB, shards int, clk *clock) *streamstore.Store {
	t.Helper()
	opts := streamstore.Options{RetentionCheck: -1}
	if clk != nil {
		opts.Now = clk.Now
	}
	s, err := streamstore.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.CreateStream(context.Background(), ingest.CreateStreamInput{Name: "clicks", ShardCount: shards}); err != nil {
		t.Fatal(err)
	}
	return s
}

// putRecords writes n JSON records with event times ts(i); a record whose
// body(i) is not "" uses it instead.
func putRecords(t testing.TB, s ingest.Store, from, n int, ts func(i int) time.Time) {
	t.Helper()
	var entries []ingest.PutEntry
	flush := func() {
		if len(entries) == 0 {
			return
		}
		res, err := s.PutRecords(context.Background(), "clicks", entries)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Err != nil {
				t.Fatal(r.Err)
			}
		}
		entries = entries[:0]
	}
	for i := from; i < from+n; i++ {
		body := fmt.Sprintf(`{"user_id":"u%d","price":%d.25,"ts":%q}`, i, i, ts(i).UTC().Format(time.RFC3339Nano))
		if i%50 == 49 {
			body = fmt.Sprintf(`{"user_id":"u%d","price":"bad","ts":%q}`, i, ts(i).UTC().Format(time.RFC3339Nano))
		}
		entries = append(entries, ingest.PutEntry{PartitionKey: fmt.Sprintf("k%d", i), Data: []byte(body)})
		if len(entries) == 500 {
			flush()
		}
	}
	flush()
}

func newFileStore(t testing.TB) *filestore.Store {
	s, err := filestore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// lakeContents reads every data file with Arrow's Parquet reader and
// counts each user_id; it also counts the error lines.
func lakeContents(t testing.TB, s output.ObjectStore) (rows map[string]int, errorLines int, files []string) {
	t.Helper()
	ctx := context.Background()
	all, err := output.ListAll(ctx, s, "")
	if err != nil {
		t.Fatal(err)
	}
	rows = map[string]int{}
	for _, o := range all {
		switch {
		case strings.HasPrefix(o.Key, "errors/"):
			b, err := output.ReadAll(ctx, s, o.Key)
			if err != nil {
				t.Fatal(err)
			}
			errorLines += strings.Count(string(b), "\n")
		case strings.HasSuffix(o.Key, ".parquet"):
			files = append(files, o.Key)
			b, err := output.ReadAll(ctx, s, o.Key)
			if err != nil {
				t.Fatal(err)
			}
			pf, err := file.NewParquetReader(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s: %v", o.Key, err)
			}
			fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.NewGoAllocator())
			if err != nil {
				t.Fatal(err)
			}
			tbl, err := fr.ReadTable(ctx)
			if err != nil {
				t.Fatal(err)
			}
			col := tbl.Column(0)
			for _, ch := range col.Data().Chunks() {
				a := ch.(*array.String)
				for i := range a.Len() {
					rows[a.Value(i)]++
				}
			}
			tbl.Release()
			pf.Close()
		}
	}
	return rows, errorLines, files
}

// checkExactlyOnce verifies that records 0..n-1 are in the lake once each
// (every 50th as an error line).
func checkExactlyOnce(t testing.TB, s output.ObjectStore, n int) {
	t.Helper()
	rows, errs, _ := lakeContents(t, s)
	wantErrs := 0
	for i := range n {
		if i%50 == 49 {
			wantErrs++
			continue
		}
		if c := rows[fmt.Sprintf("u%d", i)]; c != 1 {
			t.Fatalf("record u%d is in the lake %d times", i, c)
		}
	}
	if len(rows) != n-wantErrs {
		t.Fatalf("%d distinct rows in the lake, want %d", len(rows), n-wantErrs)
	}
	if errs != wantErrs {
		t.Fatalf("%d error lines, want %d", errs, wantErrs)
	}
}
