package exec_test

import (
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine/encode"
	"github.com/freshet/freshet/engine/eval"
	"github.com/freshet/freshet/engine/exec"
	"github.com/freshet/freshet/sql"
)

var clicks = sql.Streams{"clicks": {Name: "clicks", Columns: sql.Schema{
	{Name: "user_id", Type: sql.String}, {Name: "price", Type: sql.Float64}, {Name: "ts", Type: sql.Timestamp},
}, Options: func() sql.StreamOptions { o := sql.DefaultStreamOptions(); o.EventTime = "ts"; return o }()}}

func plan(t *testing.T, text string) *sql.Query {
	t.Helper()
	st, err := sql.ParseOne(text)
	if err != nil {
		t.Fatal(err)
	}
	q, err := sql.Plan(st.(*sql.Select), clicks, sql.NewFunctions())
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// batch builds a scan-schema batch of (user, price, ts ms) rows.
func batch(t *testing.T, mem memory.Allocator, q *sql.Query, rows ...[3]any) exec.Batch {
	t.Helper()
	schema, err := eval.ArrowSchema(q.Scan().Output)
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	var times []int64
	for _, r := range rows {
		if r[0] == nil {
			b.Field(0).AppendNull()
		} else {
			b.Field(0).(*array.StringBuilder).Append(r[0].(string))
		}
		b.Field(1).(*array.Float64Builder).Append(r[1].(float64))
		ts := int64(r[2].(int))
		b.Field(2).(*array.TimestampBuilder).Append(arrow.Timestamp(ts))
		for i := 3; i < schema.NumFields(); i++ {
			b.Field(i).AppendNull()
		}
		times = append(times, ts)
	}
	return exec.Batch{Rec: b.NewRecord(), Times: times}
}

func rows(t *testing.T, bs []exec.Batch) string {
	t.Helper()
	var out []string
	for _, b := range bs {
		for i := 0; i < b.Rows(); i++ {
			r, err := encode.Row(b.Rec, i)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(encode.AppendCSV(nil, r)))
		}
		b.Release()
	}
	return strings.Join(out, ";")
}

func push(t *testing.T, p *exec.Pipeline, b exec.Batch) []exec.Batch {
	t.Helper()
	defer b.Release()
	out, err := p.Push(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func advance(t *testing.T, p *exec.Pipeline, wm int64) []exec.Batch {
	t.Helper()
	out, err := p.Advance(wm)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWindowFiresOnceAtWatermark: a tumbling window emits nothing until the
// watermark reaches its end, then exactly once, sorted by ORDER BY.
func TestWindowFiresOnceAtWatermark(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	q := plan(t, `SELECT user_id, COUNT(*) AS n, SUM(price) AS s, window_start FROM clicks
		GROUP BY user_id, TUMBLE(ts, INTERVAL 10 SECOND) ORDER BY n DESC, user_id EMIT CHANGES`)
	p, err := exec.Build(q, exec.Env{Mem: mem, Mode: exec.Updates})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if out := push(t, p, batch(t, mem, q, [3]any{"a", 1.0, 1000}, [3]any{"b", 2.0, 2000}, [3]any{"b", 3.0, 9999}, [3]any{"a", 4.0, 10000})); len(out) != 0 {
		t.Fatalf("pushed rows came out before any watermark: %s", rows(t, out))
	}
	if got := rows(t, advance(t, p, 9999)); got != "" {
		t.Fatalf("window fired before its end: %s", got)
	}
	if got := rows(t, advance(t, p, 10000)); got != "b,2,5,1970-01-01T00:00:00.000Z;a,1,1,1970-01-01T00:00:00.000Z" {
		t.Fatalf("first window: %s", got)
	}
	if got := rows(t, advance(t, p, 15000)); got != "" {
		t.Fatalf("a window fired twice or early: %s", got)
	}
	if got := rows(t, advance(t, p, math.MaxInt64)); got != "a,1,4,1970-01-01T00:00:10.000Z" {
		t.Fatalf("second window: %s", got)
	}
}

// TestSnapshotRestore: an aggregation's state survives Snapshot/Restore
// into a freshly built pipeline, for tumbling and session windows.
func TestSnapshotRestore(t *testing.T) {
	for _, text := range []string{
		`SELECT user_id, COUNT(*) AS n, AVG(price) AS a, APPROX_COUNT_DISTINCT(price) AS d, window_start FROM clicks GROUP BY user_id, TUMBLE(ts, INTERVAL 10 SECOND) EMIT CHANGES`,
		`SELECT user_id, COUNT(*) AS n, SESSION_END(ts, INTERVAL 5 SECOND) AS e FROM clicks GROUP BY user_id, SESSION(ts, INTERVAL 5 SECOND) EMIT CHANGES`,
	} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		q := plan(t, text)
		run := func(restart bool) string {
			p, err := exec.Build(q, exec.Env{Mem: mem, Mode: exec.Updates})
			if err != nil {
				t.Fatal(err)
			}
			out := rows(t, push(t, p, batch(t, mem, q, [3]any{"a", 1.0, 1000}, [3]any{"a", 2.0, 3000}, [3]any{"b", 2.0, 4000})))
			if restart {
				state, err := p.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				p.Close()
				if p, err = exec.Build(q, exec.Env{Mem: mem, Mode: exec.Updates}); err != nil {
					t.Fatal(err)
				}
				if err := p.Restore(state); err != nil {
					t.Fatal(err)
				}
			}
			out += rows(t, push(t, p, batch(t, mem, q, [3]any{"a", 5.0, 6000}, [3]any{"b", 1.0, 12000})))
			out += "|" + rows(t, advance(t, p, math.MaxInt64))
			p.Close()
			return out
		}
		straight, restarted := run(false), run(true)
		if straight != restarted || !strings.Contains(straight, "a,") {
			t.Fatalf("%s\nuninterrupted: %s\nrestored:      %s", text, straight, restarted)
		}
		mem.AssertSize(t, 0)
	}
}

// TestFilterProjectLimit: filter, projection and LIMIT over batches, with
// event times kept beside the rows.
func TestFilterProjectLimit(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	q := plan(t, `SELECT UPPER(user_id) AS u, price * 2 AS p2 FROM clicks WHERE price > 1.5 LIMIT 3`)
	p, err := exec.Build(q, exec.Env{Mem: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	out := push(t, p, batch(t, mem, q, [3]any{"a", 1.0, 1}, [3]any{"b", 2.0, 2}, [3]any{"c", 3.0, 3}))
	if out[0].Times[0] != 2 || out[0].Times[1] != 3 {
		t.Fatalf("event times not kept: %v", out[0].Times)
	}
	if got := rows(t, out); got != "B,4;C,6" {
		t.Fatalf("first batch: %s", got)
	}
	if got := rows(t, push(t, p, batch(t, mem, q, [3]any{"d", 5.0, 4}, [3]any{"e", 6.0, 5}))); got != "D,10" || !p.Done() {
		t.Fatalf("limit: %s done=%v", got, p.Done())
	}
}
