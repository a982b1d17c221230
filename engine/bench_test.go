package engine_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/seglog"
	"github.com/freshet/freshet/ingest/streamstore"
)

// benchEngine is an engine over a durable store in a temporary directory
// holding n click records (10,000 users, 1 record per ms of event time).
func benchEngine(b *testing.B, n, shards int) *engine.Engine {
	b.Helper()
	store, err := streamstore.Open(streamstore.Options{Dir: b.TempDir(), RetentionCheck: -1,
		OpenLog: func(d string, o ingest.LogOptions) (ingest.Log, error) { return seglog.Open(d, o) }})
	if err != nil {
		b.Fatal(err)
	}
	eng, err := engine.Open(engine.Options{Store: store, Mem: memory.NewGoAllocator(), CheckpointInterval: 100 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { eng.Close(); store.Close() })
	ctx := context.Background()
	res, err := eng.Execute(ctx, fmt.Sprintf(`CREATE STREAM clicks (user_id VARCHAR, url VARCHAR, price DOUBLE, ts TIMESTAMP) WITH (shards = %d, event_time = 'ts')`, shards))
	if err != nil {
		b.Fatal(err)
	}
	res.Close()
	base := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC).UnixMilli()
	urls := []string{"/checkout/cart", "/home", "/product/42", "/checkout/pay", "/search"}
	es := make([]ingest.PutEntry, 0, 500)
	for i := 0; i < n; i++ {
		ts := time.UnixMilli(base + int64(i)).UTC().Format("2006-01-02T15:04:05.000Z")
		data := `{"user_id":"u` + strconv.Itoa(i%10000) + `","url":"` + urls[i%len(urls)] + `","price":` + strconv.Itoa(i%50) + `.5,"ts":"` + ts + `"}`
		es = append(es, ingest.PutEntry{PartitionKey: strconv.Itoa(i % 10000), Data: []byte(data)})
		if len(es) == cap(es) || i == n-1 {
			if _, err := store.PutRecords(ctx, "clicks", es); err != nil {
				b.Fatal(err)
			}
			es = es[:0]
		}
	}
	return eng
}

// drain runs a snapshot query and returns its row count.
func drain(b *testing.B, eng *engine.Engine, q string) int {
	ctx := context.Background()
	res, err := eng.Execute(ctx, q)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Close()
	rows := 0
	for {
		rec, err := res.Next(ctx)
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			b.Fatal(err)
		}
		rows += int(rec.NumRows())
		rec.Release()
	}
}

const benchRecords = 500_000

func benchSnapshot(b *testing.B, q string) {
	eng := benchEngine(b, benchRecords, 4)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		drain(b, eng, q)
	}
	b.ReportMetric(float64(b.N)*benchRecords/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkFilterProjectFromStore: JSON records in the store, decoded,
// filtered and projected (a snapshot query over 500,000 records).
func BenchmarkFilterProjectFromStore(b *testing.B) {
	benchSnapshot(b, `SELECT user_id, price * 1.2 AS gross, UPPER(url) AS u FROM clicks WHERE url LIKE '/checkout%' AND price > 10`)
}

// BenchmarkTumblingAggregateFromStore: COUNT/SUM/AVG per user (10,000
// keys) in one-second tumbling windows, from JSON records in the store.
func BenchmarkTumblingAggregateFromStore(b *testing.B) {
	benchSnapshot(b, `SELECT user_id, COUNT(*) AS n, SUM(price) AS s, AVG(price) AS a, window_start FROM clicks GROUP BY user_id, TUMBLE(ts, INTERVAL 1 SECOND)`)
}

// BenchmarkHop10FromStore: HOP windows with 10 overlapping windows per
// record (slide 1 s, size 10 s).
func BenchmarkHop10FromStore(b *testing.B) {
	benchSnapshot(b, `SELECT user_id, COUNT(*) AS n, window_start FROM clicks GROUP BY user_id, HOP(ts, INTERVAL 1 SECOND, INTERVAL 10 SECOND)`)
}

// BenchmarkPersistentTumblingToStream: a persistent INSERT … SELECT reads
// the stored records, aggregates them per user (10,000 keys) in tumbling
// windows and delivers the windows to an output stream through checkpoints
// (durable puts). With 1-second windows nearly every record makes its own
// output row (the worst case); with 1-minute windows one row per user and
// minute.
func BenchmarkPersistentTumblingToStream(b *testing.B) {
	for _, size := range []string{"1 SECOND", "1 MINUTE"} {
		b.Run("window="+strings.ReplaceAll(size, " ", ""), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				eng := benchEngine(b, benchRecords, 4)
				ctx := context.Background()
				res, err := eng.Execute(ctx, `CREATE STREAM out (user_id VARCHAR, n BIGINT, s DOUBLE, window_start TIMESTAMP) WITH (shards = 2)`)
				if err != nil {
					b.Fatal(err)
				}
				res.Close()
				b.StartTimer()
				res, err = eng.Execute(ctx, `INSERT INTO out SELECT user_id, COUNT(*) AS n, SUM(price) AS s, TUMBLE_START(ts, INTERVAL `+size+`) AS window_start FROM clicks GROUP BY user_id, TUMBLE(ts, INTERVAL `+size+`)`)
				if err != nil {
					b.Fatal(err)
				}
				res.Close()
				waitQuery(b, eng, benchRecords)
			}
			b.ReportMetric(float64(b.N)*benchRecords/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// waitQuery waits until the persistent query has read n records and
// checkpointed its output.
func waitQuery(b *testing.B, eng *engine.Engine, n int64) {
	for {
		in, _ := eng.QueryCounters("q1")
		if in >= n {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// BenchmarkPushLatency: records are put at about 10,000 records/s while a
// push query (filter + project) streams them; it reports the put → row
// latency percentiles.
func BenchmarkPushLatency(b *testing.B) {
	store, err := streamstore.Open(streamstore.Options{Dir: b.TempDir(), RetentionCheck: -1,
		OpenLog: func(d string, o ingest.LogOptions) (ingest.Log, error) { return seglog.Open(d, o) }})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	eng, err := engine.Open(engine.Options{Store: store})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	r, _ := eng.Execute(ctx, `CREATE STREAM p (id BIGINT, sent BIGINT) WITH (shards = 4)`)
	r.Close()
	res, err := eng.Execute(ctx, `SELECT id, sent FROM p WHERE id >= 0 EMIT CHANGES`)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Close()
	time.Sleep(50 * time.Millisecond)
	total := 10000 * 3 // three seconds at 10,000 records/s, in batches of 100 every 10 ms
	b.ResetTimer()
	go func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for id := 0; id < total; {
			<-tick.C
			es := make([]ingest.PutEntry, 100)
			now := time.Now().UnixMicro()
			for i := range es {
				es[i] = ingest.PutEntry{PartitionKey: strconv.Itoa(id), Data: []byte(`{"id":` + strconv.Itoa(id) + `,"sent":` + strconv.FormatInt(now, 10) + `}`)}
				id++
			}
			store.PutRecords(ctx, "p", es)
		}
	}()
	var lat []time.Duration
	for len(lat) < total {
		rec, err := res.Next(ctx)
		if err != nil {
			b.Fatal(err)
		}
		now := time.Now().UnixMicro()
		sent := rec.Column(1)
		for i := 0; i < int(rec.NumRows()); i++ {
			v, _ := strconv.ParseInt(sent.ValueStr(i), 10, 64)
			lat = append(lat, time.Duration(now-v)*time.Microsecond)
		}
		rec.Release()
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
