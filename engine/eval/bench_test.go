package eval

import (
	"context"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/compute"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/sql"
)

// benchRows is the batch size of the benchmarks.
const benchRows = 10000

// clicksCatalog is the stream of the benchmarks.
func clicksCatalog() sql.Streams {
	return sql.Streams{"clicks": &sql.StreamDef{Name: "clicks", Columns: sql.Schema{
		{Name: "user_id", Type: sql.String}, {Name: "url", Type: sql.String}, {Name: "price", Type: sql.Float64},
		{Name: "ts", Type: sql.Timestamp}, {Name: "n", Type: sql.Int64},
	}}}
}

// clicksBatch builds a batch of the clicks stream: a quarter of the URLs
// start with /checkout, prices are uniform in [0, 100), 2% of prices are
// NULL. With metadata the batch has the whole scan schema, the metadata
// columns filled as a reader fills them.
func clicksBatch(b testing.TB, mem memory.Allocator, n int, metadata bool) arrow.Record {
	def, _ := clicksCatalog().Stream("clicks")
	cols := def.Columns
	if metadata {
		cols = def.ScanSchema()
	}
	schema, err := ArrowSchema(cols)
	if err != nil {
		b.Fatal(err)
	}
	rb := array.NewRecordBuilder(mem, schema)
	defer rb.Release()
	r := rand.New(rand.NewPCG(1, 2))
	paths := []string{"/checkout/cart", "/home", "/products/item-123", "/search?q=shoes"}
	base := int64(1_800_000_000_000)
	for i := 0; i < n; i++ {
		user := fmt.Sprintf("user-%d", r.IntN(10000))
		rb.Field(0).(*array.StringBuilder).Append(user)
		rb.Field(1).(*array.StringBuilder).Append(paths[r.IntN(len(paths))])
		if r.IntN(50) == 0 {
			rb.Field(2).AppendNull()
		} else {
			rb.Field(2).(*array.Float64Builder).Append(r.Float64() * 100)
		}
		ts := arrow.Timestamp(base + int64(i)*10)
		rb.Field(3).(*array.TimestampBuilder).Append(ts)
		rb.Field(4).(*array.Int64Builder).Append(int64(r.IntN(1000)))
		if !metadata {
			continue
		}
		rb.Field(5).(*array.StringBuilder).Append(user)                    // _partition_key
		rb.Field(6).(*array.StringBuilder).Append("shardId-000000000000")  // _shard
		rb.Field(7).(*array.StringBuilder).Append(fmt.Sprintf("%020d", i)) // _sequence
		rb.Field(8).(*array.TimestampBuilder).Append(ts + 5)               // _arrival
		rb.Field(9).(*array.TimestampBuilder).Append(ts)                   // _event_time
	}
	return rb.NewRecord()
}

// benchQuery compiles the WHERE condition and the select list of a query
// over clicks.
func benchQuery(b testing.TB, mem memory.Allocator, text string) (cond Evaluator, evals []Evaluator, out *arrow.Schema) {
	stmt, err := sql.ParseOne(text)
	if err != nil {
		b.Fatal(err)
	}
	q, err := sql.Plan(stmt.(*sql.Select), clicksCatalog(), sql.NewFunctions())
	if err != nil {
		b.Fatal(err)
	}
	proj := q.Root.(*sql.Project)
	filter := proj.Input.(*sql.Filter)
	env := Env{Mem: mem}
	if cond, err = Compile(filter.Cond, filter.Input.Schema(), env); err != nil {
		b.Fatal(err)
	}
	exprs := make([]sql.Expr, len(proj.Exprs))
	for i, e := range proj.Exprs {
		exprs[i] = e.Expr
	}
	if evals, err = CompileAll(exprs, proj.Input.Schema(), env); err != nil {
		b.Fatal(err)
	}
	if out, err = ArrowSchema(proj.Schema()); err != nil {
		b.Fatal(err)
	}
	return cond, evals, out
}

const benchSQL = `SELECT user_id, price * 1.2 AS gross, UPPER(url) FROM clicks WHERE url LIKE '/checkout%' AND price > 10`

// BenchmarkFilterProject evaluates WHERE url LIKE '/checkout%' AND price >
// 10, filters, and projects user_id, price * 1.2, UPPER(url) over batches
// of 10,000 rows of (user_id, url, price, ts, n); with-metadata adds the
// five metadata columns of the scan schema to the batch, which Filter
// copies too.
func BenchmarkFilterProject(b *testing.B) {
	b.Run("stream-columns", func(b *testing.B) { benchFilterProject(b, false) })
	b.Run("with-metadata", func(b *testing.B) { benchFilterProject(b, true) })
}

func benchFilterProject(b *testing.B, metadata bool) {
	mem := memory.NewGoAllocator()
	rec := clicksBatch(b, mem, benchRows, metadata)
	defer rec.Release()
	cond, evals, schema := benchQuery(b, mem, benchSQL)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	kept := 0
	for i := 0; i < b.N; i++ {
		mask, err := cond.Eval(rec)
		if err != nil {
			b.Fatal(err)
		}
		filtered, err := Filter(mem, rec, mask)
		mask.Release()
		if err != nil {
			b.Fatal(err)
		}
		out, err := Project(filtered, evals, schema)
		filtered.Release()
		if err != nil {
			b.Fatal(err)
		}
		kept = int(out.NumRows())
		out.Release()
	}
	b.ReportMetric(float64(b.N)*benchRows/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(b.N)*benchRows/(cpuTime()-cpu0).Seconds(), "rows/cpu-s")
	b.ReportMetric(float64(kept), "rows_out")
}

// cpuTime is the CPU time the process has used (all threads, the garbage
// collector's included): rows per CPU second is the throughput per core,
// which the wall clock overstates on a busy machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFilterOnly is the filter step of BenchmarkFilterProject with
// this package's Filter and with arrow/compute's filter kernel.
func BenchmarkFilterOnly(b *testing.B) {
	mem := memory.NewGoAllocator()
	rec := clicksBatch(b, mem, benchRows, false)
	defer rec.Release()
	cond, _, _ := benchQuery(b, mem, benchSQL)
	mask, err := cond.Eval(rec)
	if err != nil {
		b.Fatal(err)
	}
	defer mask.Release()
	b.Run("eval.Filter", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			out, err := Filter(mem, rec, mask)
			if err != nil {
				b.Fatal(err)
			}
			out.Release()
		}
		b.ReportMetric(float64(b.N)*benchRows/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("compute.FilterRecordBatch", func(b *testing.B) {
		ctx := compute.WithAllocator(context.Background(), mem)
		for i := 0; i < b.N; i++ {
			out, err := compute.FilterRecordBatch(ctx, rec, mask, compute.DefaultFilterOptions())
			if err != nil {
				b.Fatal(err)
			}
			out.Release()
		}
		b.ReportMetric(float64(b.N)*benchRows/b.Elapsed().Seconds(), "rows/s")
	})
}

// BenchmarkExpressions measures single expressions over the batch.
func BenchmarkExpressions(b *testing.B) {
	mem := memory.NewGoAllocator()
	rec := clicksBatch(b, mem, benchRows, false)
	defer rec.Release()
	def, _ := clicksCatalog().Stream("clicks")
	for _, text := range []string{
		"url LIKE '/checkout%'", "price > 10", "price * 1.2", "UPPER(url)", "n IN (1, 2, 3, 500)",
		"CASE WHEN price > 50 THEN 'high' ELSE 'low' END", "DATE_FORMAT(ts, '%Y-%m-%d %H:%i')", "HOUR(ts)",
		"CAST(n AS VARCHAR)", "SUBSTRING(user_id, 6)", "url REGEXP 'item-[0-9]+'", "COALESCE(price, 0)",
	} {
		stmt, err := sql.ParseOne("SELECT " + text + " FROM clicks")
		if err != nil {
			b.Fatal(err)
		}
		q, err := sql.Plan(stmt.(*sql.Select), clicksCatalog(), sql.NewFunctions())
		if err != nil {
			b.Fatal(err)
		}
		ev, err := Compile(q.Root.(*sql.Project).Exprs[0].Expr, def.ScanSchema(), Env{Mem: mem})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(text, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				arr, err := ev.Eval(rec)
				if err != nil {
					b.Fatal(err)
				}
				arr.Release()
			}
			b.ReportMetric(float64(b.N)*benchRows/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
