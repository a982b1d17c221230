package engine_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/engine/decode"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/streamstore"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/filestore"
	"github.com/freshet/freshet/output/lake"
	"github.com/freshet/freshet/output/storeurl"
)

// BenchmarkArchiveScan runs grouped COUNT/SUM queries over N rows of
// archived Parquet in a local directory (N from FRESHET_BENCH_ROWS,
// default 5,000,000; 4 shards, 100 users, one row per 10 ms of event
// time), and a one-hour range query that reads only its partition.
//
//	FRESHET_BENCH_ROWS=20000000 go test -run '^$' -bench BenchmarkArchiveScan ./engine/
//
// With FRESHET_BENCH_DIR set, the lake is written to <dir>/lake and kept,
// and a later run with the same row count reuses it (so that a profile
// shows only the queries, and other engines can read the same files:
// testdata/bench/duckdb-scan.mjs).
func BenchmarkArchiveScan(b *testing.B) {
	n := 5_000_000
	if v := os.Getenv("FRESHET_BENCH_ROWS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	dir := os.Getenv("FRESHET_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	bytes := benchLake(b, dir, n)
	b.Logf("%d rows, %.1f MiB of Parquet in %s/lake", n, float64(bytes)/(1<<20), dir)
	store, err := streamstore.Open(streamstore.Options{RetentionCheck: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	eng, err := engine.Open(engine.Options{Store: store, Mem: memory.NewGoAllocator(),
		OpenArchive: func(ctx context.Context, url string) (output.ObjectStore, error) {
			return storeurl.Open(ctx, url, output.S3Config{})
		}})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	res, err := eng.Execute(context.Background(), `CREATE STREAM clicks (user_id VARCHAR, qty BIGINT, price DOUBLE, ts TIMESTAMP)
		WITH (shards = 4, event_time = 'ts', archive = 'file://`+filepath.Join(dir, "lake")+`')`)
	if err != nil {
		b.Fatal(err)
	}
	res.Close()
	perHour := int64(4 * 360_000) // rows in one hour of event time
	countSum, sumPrice, hour := benchWant(n)
	for _, c := range []struct {
		name, q string
		rows    int64
		want    map[string][]float64
	}{
		{"count-sum-by-user", `SELECT user_id, COUNT(*) AS n, SUM(qty) AS total FROM archive.clicks GROUP BY user_id`, int64(n), countSum},
		{"sum-double-by-user", `SELECT user_id, SUM(price) AS total FROM archive.clicks GROUP BY user_id`, int64(n), sumPrice},
		{"one-hour", `SELECT user_id, COUNT(*) AS n FROM archive.clicks WHERE ts >= '2026-11-22T10:00:00Z' AND ts < '2026-11-22T11:00:00Z' GROUP BY user_id`, min(int64(n), perHour), hour},
	} {
		b.Run(c.name, func(b *testing.B) {
			cpu := cpuTime(b)
			for b.Loop() {
				// Sums of halves are exact in any order: results must match.
				if got := benchResult(b, eng, c.q); fmt.Sprint(got) != fmt.Sprint(c.want) {
					b.Fatalf("%d groups, want %d; u1: %v, want %v", len(got), len(c.want), got["u1"], c.want["u1"])
				}
			}
			b.ReportMetric(float64(c.rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			// CPU time per row (of all goroutines) varies less than the
			// wall time when other processes share the cores.
			b.ReportMetric(float64(cpuTime(b)-cpu)/float64(c.rows)/float64(b.N), "cpu-ns/row")
		})
	}
}

// benchLake returns the bytes of a lake of n benchmark rows in dir/lake:
// the one a marker file (dir/lake-rows) says is there, or a new one.
func benchLake(b *testing.B, dir string, n int) int64 {
	b.Helper()
	marker := filepath.Join(dir, "lake-rows")
	if data, err := os.ReadFile(marker); err == nil {
		var rows, bytes int64
		if _, err := fmt.Sscanf(string(data), "%d %d", &rows, &bytes); err == nil && rows == int64(n) {
			return bytes
		}
	}
	if err := os.RemoveAll(filepath.Join(dir, "lake")); err != nil {
		b.Fatal(err)
	}
	os.Remove(marker)
	bytes := writeBenchLake(b, filepath.Join(dir, "lake"), n)
	if err := os.WriteFile(marker, fmt.Appendf(nil, "%d %d\n", n, bytes), 0o644); err != nil {
		b.Fatal(err)
	}
	return bytes
}

// writeBenchLake writes n rows of the stream clicks with lake.Writer and
// returns the bytes stored.
func writeBenchLake(b *testing.B, dir string, n int) int64 {
	b.Helper()
	fs, err := filestore.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	cols := []decode.Column{
		{Name: "user_id", Type: arrow.BinaryTypes.String},
		{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
		{Name: "price", Type: arrow.PrimitiveTypes.Float64},
		{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_ms},
	}
	w, err := lake.NewWriter(fs, lake.Config{Stream: "clicks", Columns: cols})
	if err != nil {
		b.Fatal(err)
	}
	all := append(append([]decode.Column{}, cols...), decode.Metadata()...)
	fields := make([]arrow.Field, len(all))
	for i, c := range all {
		fields[i] = arrow.Field{Name: c.Name, Type: c.Type, Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	users := make([]string, 100)
	for i := range users {
		users[i] = fmt.Sprintf("u%d", i)
	}
	mem := memory.NewGoAllocator()
	base := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC).UnixMilli()
	var total int64
	next := make([]uint64, benchShards)
	for _, flush := range benchFlushes(n) {
		var batches []lake.Batch
		for sh, rows := range flush {
			if rows <= 0 {
				continue
			}
			bld := array.NewRecordBuilder(mem, schema)
			times := make([]int64, rows)
			for i := range rows {
				k := int64(next[sh]) // the shard's k-th row: event time base + 10 ms * k
				ts := base + 10*k
				times[i] = ts
				user, qty, price := benchRow(sh, k)
				bld.Field(0).(*array.StringBuilder).Append(users[user])
				bld.Field(1).(*array.Int64Builder).Append(qty)
				bld.Field(2).(*array.Float64Builder).Append(price)
				bld.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(ts))
				bld.Field(4).(*array.StringBuilder).Append(users[int(k)%100])
				bld.Field(5).(*array.StringBuilder).Append(ingest.ShardID(uint32(sh)))
				bld.Field(6).(*array.StringBuilder).Append(ingest.SequenceNumber{Shard: uint32(sh), Offset: next[sh] + 1}.String())
				bld.Field(7).(*array.TimestampBuilder).Append(arrow.Timestamp(ts + 5))
				bld.Field(8).(*array.TimestampBuilder).Append(arrow.Timestamp(ts))
				next[sh]++
			}
			batches = append(batches, lake.Batch{Shard: ingest.ShardID(uint32(sh)), Batch: decode.Batch{Record: bld.NewRecord(), EventTimes: times}})
			bld.Release()
		}
		res, err := w.Write(context.Background(), batches)
		if err != nil {
			b.Fatal(err)
		}
		total += res.Bytes
		for _, bt := range batches {
			bt.Record.Release()
		}
	}
	return total
}

const benchShards = 4

// benchFlushes is how the bench lake is written: the rows of each shard in
// each flush (at most 250,000), n in all.
func benchFlushes(n int) [][benchShards]int {
	var out [][benchShards]int
	for done := 0; done < n; {
		var f [benchShards]int
		left := n - done // split evenly over the shards, as of this flush
		for sh := range benchShards {
			f[sh] = min(250_000, (left+benchShards-1-sh)/benchShards)
			done += f[sh]
		}
		out = append(out, f)
	}
	return out
}

// benchRow is the user (0-99), qty and price of a shard's k-th row, whose
// event time is 10:00 + 10 ms * k.
func benchRow(sh int, k int64) (user int, qty int64, price float64) {
	return (int(k)*7 + sh) % 100, k % 1000, float64(k%50) + 0.5
}

// benchWant computes, by user, the answers of the bench queries over n
// rows: COUNT(*) and SUM(qty), SUM(price), and COUNT(*) of the first
// hour.
func benchWant(n int) (countSum, sumPrice, hour map[string][]float64) {
	countSum, sumPrice, hour = map[string][]float64{}, map[string][]float64{}, map[string][]float64{}
	var rows [benchShards]int64
	for _, f := range benchFlushes(n) {
		for sh, r := range f {
			rows[sh] += int64(r)
		}
	}
	var n1, qty1, price1, hour1 [100]float64
	for sh, r := range rows {
		for k := range r {
			user, qty, price := benchRow(sh, k)
			n1[user]++
			qty1[user] += float64(qty)
			price1[user] += price
			if k < 360_000 {
				hour1[user]++
			}
		}
	}
	for u := range 100 {
		name := fmt.Sprintf("u%d", u)
		if n1[u] > 0 {
			countSum[name], sumPrice[name] = []float64{n1[u], qty1[u]}, []float64{price1[u]}
		}
		if hour1[u] > 0 {
			hour[name] = []float64{hour1[u]}
		}
	}
	return countSum, sumPrice, hour
}

// benchResult runs q and returns its rows by their first column, the
// others as numbers.
func benchResult(b *testing.B, eng *engine.Engine, q string) map[string][]float64 {
	ctx := context.Background()
	res, err := eng.Execute(ctx, q)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Close()
	out := map[string][]float64{}
	for {
		rec, err := res.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			b.Fatal(err)
		}
		for r := range int(rec.NumRows()) {
			var vals []float64
			for c := 1; c < int(rec.NumCols()); c++ {
				switch col := rec.Column(c).(type) {
				case *array.Int64:
					vals = append(vals, float64(col.Value(r)))
				case *array.Float64:
					vals = append(vals, col.Value(r))
				}
			}
			out[rec.Column(0).(*array.String).Value(r)] = vals
		}
		rec.Release()
	}
}
