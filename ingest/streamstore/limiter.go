package streamstore

import (
	"sync"
	"time"

	"github.com/freshet/freshet/ingest"
)

// limiter is a shard's write limit: two token buckets, records and bytes,
// each holding at most one second of its rate, as Kinesis meters a shard.
type limiter struct {
	mu      sync.Mutex
	last    time.Time
	records float64
	bytes   float64
}

func newLimiter(now time.Time) *limiter {
	return &limiter{last: now, records: ingest.ShardWriteRecordsPerSec, bytes: ingest.ShardWriteBytesPerSec}
}

// take admits the longest prefix of sizes that the buckets allow and returns
// its length; the rest are throttled.
func (l *limiter) take(now time.Time, sizes []int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if dt := now.Sub(l.last).Seconds(); dt > 0 {
		l.records = min(ingest.ShardWriteRecordsPerSec, l.records+dt*ingest.ShardWriteRecordsPerSec)
		l.bytes = min(ingest.ShardWriteBytesPerSec, l.bytes+dt*ingest.ShardWriteBytesPerSec)
		l.last = now
	}
	for i, n := range sizes {
		if l.records < 1 || l.bytes < float64(n) {
			return i
		}
		l.records--
		l.bytes -= float64(n)
	}
	return len(sizes)
}
