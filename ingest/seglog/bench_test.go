package seglog

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/freshet/freshet/ingest"
)

const (
	benchKey  = 16
	benchData = 100
	benchRec  = benchKey + benchData
)

func benchEntries(n int) []ingest.Entry {
	es := make([]ingest.Entry, n)
	for i := range es {
		es[i] = ingest.Entry{
			PartitionKey: []byte(fmt.Sprintf("key-%012d", i)),
			Data:         make([]byte, benchData),
		}
		for j := range es[i].Data {
			es[i].Data[j] = byte(i + j)
		}
	}
	return es
}

// BenchmarkAppendDurable: 8 producers append batches of 500 records (16-byte
// key, 100-byte data) to one log, each Append synced (group commit). One op
// is one record; MB/s counts key and data bytes.
func BenchmarkAppendDurable(b *testing.B) {
	for _, producers := range []int{8, 1} {
		b.Run(fmt.Sprintf("producers=%d", producers), func(b *testing.B) {
			l, err := Open(b.TempDir(), ingest.LogOptions{})
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			const batch = 500
			var left atomic.Int64
			left.Store(int64(b.N))
			b.SetBytes(benchRec)
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for p := 0; p < producers; p++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					es := benchEntries(batch)
					for {
						r := left.Add(-batch)
						n := batch + min(r, 0)
						if n <= 0 {
							return
						}
						if err := l.Append(es[:n], time.Now().UnixMilli()); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			el := time.Since(start)
			b.StopTimer()
			if l.Next() != uint64(b.N)+1 {
				b.Fatalf("Next %d after %d records", l.Next(), b.N)
			}
			b.ReportMetric(float64(b.N)/el.Seconds(), "records/s")
		})
	}
}

// BenchmarkReadSequential reads a log of 1M records (16-byte key, 100-byte
// data, in page cache) from start to end in Reads of 10,000, over and over.
func BenchmarkReadSequential(b *testing.B) {
	const records, batch = 1 << 20, 5000
	l, err := Open(b.TempDir(), ingest.LogOptions{SyncInterval: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	es := benchEntries(batch)
	for n := 0; n < records; n += batch {
		if err := l.Append(es, int64(n/batch)); err != nil {
			b.Fatal(err)
		}
	}
	for _, max := range []int{10000, 100} {
		b.Run(fmt.Sprintf("max=%d", max), func(b *testing.B) {
			b.SetBytes(benchRec)
			b.ReportAllocs()
			from := uint64(1)
			start := time.Now()
			for i := 0; i < b.N; {
				got, err := l.Read(from, max, 10<<20)
				if err != nil {
					b.Fatal(err)
				}
				i += len(got)
				from = got[len(got)-1].Offset + 1
				if from >= l.Next() {
					from = 1
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
		})
	}
}
