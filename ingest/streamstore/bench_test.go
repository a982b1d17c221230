package streamstore_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/seglog"
	"github.com/freshet/freshet/ingest/streamstore"
)

func openDurable(b *testing.B) *streamstore.Store {
	s, err := streamstore.Open(streamstore.Options{
		Dir: b.TempDir(), RetentionCheck: -1,
		OpenLog: func(d string, o ingest.LogOptions) (ingest.Log, error) { return seglog.Open(d, o) },
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkPutRecordsDurable: PutRecords of 500 records of 100 bytes from 8
// concurrent producers into a 4-shard durable stream, every put synced
// before it returns. One op is one PutRecords call.
func BenchmarkPutRecordsDurable(b *testing.B) {
	s := openDurable(b)
	ctx := context.Background()
	if err := s.CreateStream(ctx, ingest.CreateStreamInput{Name: "bench", ShardCount: 4}); err != nil {
		b.Fatal(err)
	}
	const producers, batch = 8, 500
	data := make([]byte, 100)
	var next atomic.Int64
	b.SetBytes(batch * 100)
	b.ResetTimer()
	var wg sync.WaitGroup
	for p := 0; p < producers; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			es := make([]ingest.PutEntry, batch)
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				for i := range es {
					es[i] = ingest.PutEntry{PartitionKey: strconv.FormatInt(n*batch+int64(i), 36), Data: data}
				}
				res, err := s.PutRecords(ctx, "bench", es)
				if err != nil || res[0].Err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)*batch/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkReadShard reads 1,000,000 stored records of 100 bytes back in
// pages of 10,000 through the store (sequence numbers and records built).
func BenchmarkReadShard(b *testing.B) {
	s := openDurable(b)
	ctx := context.Background()
	if err := s.CreateStream(ctx, ingest.CreateStreamInput{Name: "bench", ShardCount: 1}); err != nil {
		b.Fatal(err)
	}
	const total = 1_000_000
	es := make([]ingest.PutEntry, 500)
	for i := range es {
		es[i] = ingest.PutEntry{PartitionKey: "k" + strconv.Itoa(i), Data: make([]byte, 100)}
	}
	for n := 0; n < total; n += len(es) {
		if _, err := s.PutRecords(ctx, "bench", es); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(total * 100)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		from, got := uint64(1), 0
		for got < total {
			res, err := s.ReadShard(ctx, "bench", ingest.ShardID(0), from, ingest.MaxGetRecordsLimit)
			if err != nil {
				b.Fatal(err)
			}
			got += len(res.Records)
			from = res.NextOffset
		}
	}
	b.ReportMetric(float64(b.N)*total/b.Elapsed().Seconds(), "records/s")
}
