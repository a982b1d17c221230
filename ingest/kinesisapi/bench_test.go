package kinesisapi_test

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/seglog"
	"github.com/freshet/freshet/ingest/streamstore"
)

const (
	benchClients = 8
	benchBatch   = 500
	benchRecord  = 100
	benchShards  = 4
)

// BenchmarkPutRecordsSDK drives the API the way a fleet of producers does:
// 8 concurrent real SDK clients, each sending PutRecords of 500 records of
// 100 bytes to a 4-shard stream, over loopback HTTP, with client and server
// sharing the machine. One op is one PutRecords call. It reports:
//
//   - records/s: records acknowledged per second of wall time;
//   - put-p50-ms, put-p99-ms: the PutRecords round trip seen by a producer,
//     from the call to the response carrying the sequence numbers (the store
//     acknowledges only durable, readable records, so this is also the
//     producer's time to durability);
//   - visible-p50-ms, visible-p99-ms: put-to-readable latency, from the
//     moment a producer started the PutRecords call carrying a record (the
//     first 8 bytes of each record hold that time) to the moment a
//     concurrent consumer, polling GetRecords on shard 0 with an iterator
//     and sleeping 1 ms whenever it is caught up, has the record in hand.
//
// The consumer reads a quarter of the stream and takes its share of the two
// cores, as a real consumer would.
func BenchmarkPutRecordsSDK(b *testing.B) {
	b.Run("memory", func(b *testing.B) {
		benchPutRecords(b, streamstore.Options{})
	})
	b.Run("durable", func(b *testing.B) {
		benchPutRecords(b, streamstore.Options{Dir: b.TempDir(),
			OpenLog: func(dir string, o ingest.LogOptions) (ingest.Log, error) { return seglog.Open(dir, o) }})
	})
}

func benchPutRecords(b *testing.B, so streamstore.Options) {
	e := newEnv(b, envOptions{store: so})
	e.createStream("bench", benchShards)

	stop := make(chan struct{})
	var visible []time.Duration
	var readerDone sync.WaitGroup
	readerDone.Add(1)
	go func() {
		defer readerDone.Done()
		visible = consume(b, e, stop)
	}()

	var next atomic.Int64
	lat := make([][]time.Duration, benchClients)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for c := range benchClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := newClient(e.srv.URL, "AKID", "SECRET")
			recs := make([]types.PutRecordsRequestEntry, benchBatch)
			for i := range recs {
				recs[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("producer-%d-key-%d", c, i)), Data: make([]byte, benchRecord)}
			}
			for next.Add(1) <= int64(b.N) {
				t0 := time.Now()
				for i := range recs {
					binary.LittleEndian.PutUint64(recs[i].Data, uint64(t0.UnixNano()))
				}
				out, err := client.PutRecords(ctx(), &kinesis.PutRecordsInput{StreamName: aws.String("bench"), Records: recs})
				if err != nil {
					b.Error(err)
					return
				}
				if n := aws.ToInt32(out.FailedRecordCount); n != 0 {
					b.Errorf("%d records failed", n)
					return
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(stop)
	readerDone.Wait()

	b.ReportMetric(float64(b.N*benchBatch)/elapsed.Seconds(), "records/s")
	puts := slices.Concat(lat...)
	reportPercentiles(b, "put", puts)
	reportPercentiles(b, "visible", visible)
}

// consume reads shard 0 from LATEST until stop is closed and returns, for
// each record read, how long after its producer's call began it was read.
func consume(b *testing.B, e *env, stop chan struct{}) []time.Duration {
	client := newClient(e.srv.URL, "AKID", "SECRET")
	it, err := client.GetShardIterator(ctx(), &kinesis.GetShardIteratorInput{StreamName: aws.String("bench"),
		ShardId: aws.String(ingest.ShardID(0)), ShardIteratorType: types.ShardIteratorTypeLatest})
	if err != nil {
		b.Error(err)
		return nil
	}
	iter := it.ShardIterator
	var out []time.Duration
	for {
		select {
		case <-stop:
			return out
		default:
		}
		got, err := client.GetRecords(ctx(), &kinesis.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(10000)})
		if err != nil {
			b.Error(err)
			return out
		}
		now := time.Now()
		for _, r := range got.Records {
			if len(r.Data) >= 8 {
				out = append(out, now.Sub(time.Unix(0, int64(binary.LittleEndian.Uint64(r.Data)))))
			}
		}
		iter = got.NextShardIterator
		if len(got.Records) == 0 {
			time.Sleep(time.Millisecond)
		}
	}
}

func reportPercentiles(b *testing.B, name string, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	at := func(p float64) float64 {
		return float64(d[min(len(d)-1, int(p*float64(len(d))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), name+"-p50-ms")
	b.ReportMetric(at(0.99), name+"-p99-ms")
}
