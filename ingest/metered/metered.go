package metered

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/freshet/freshet/ingest"
)

type counters struct {
	recordsIn, bytesIn, recordsOut, bytesOut, throttled atomic.Int64
}

// Store is an ingest.Store that counts what passes through it.
type Store struct {
	ingest.Store
	mu      sync.Mutex
	streams map[string]*counters
}

var _ ingest.Store = (*Store)(nil)

// New wraps s.
func New(s ingest.Store) *Store { return &Store{Store: s, streams: map[string]*counters{}} }

func (m *Store) counters(stream string) *counters {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.streams[stream]
	if c == nil {
		c = &counters{}
		m.streams[stream] = c
	}
	return c
}

// PutRecords implements ingest.Store.
func (m *Store) PutRecords(ctx context.Context, stream string, entries []ingest.PutEntry) ([]ingest.PutResult, error) {
	res, err := m.Store.PutRecords(ctx, stream, entries)
	if err != nil {
		return res, err
	}
	c := m.counters(stream)
	var n, b, t int64
	for i, r := range res {
		switch {
		case r.Err == nil:
			n++
			b += int64(len(entries[i].Data))
		case errors.Is(r.Err, ingest.ErrThrottled):
			t++
		}
	}
	c.recordsIn.Add(n)
	c.bytesIn.Add(b)
	c.throttled.Add(t)
	return res, nil
}

func (m *Store) countOut(stream string, res ingest.GetRecordsResult) {
	if len(res.Records) == 0 {
		return
	}
	var b int64
	for _, r := range res.Records {
		b += int64(len(r.Data))
	}
	c := m.counters(stream)
	c.recordsOut.Add(int64(len(res.Records)))
	c.bytesOut.Add(b)
}

// ReadShard implements ingest.Store.
func (m *Store) ReadShard(ctx context.Context, stream, shardID string, from uint64, limit int) (ingest.GetRecordsResult, error) {
	res, err := m.Store.ReadShard(ctx, stream, shardID, from, limit)
	if err == nil {
		m.countOut(stream, res)
	}
	return res, err
}

// GetRecords implements ingest.Store.
func (m *Store) GetRecords(ctx context.Context, iterator string, limit int) (ingest.GetRecordsResult, error) {
	res, err := m.Store.GetRecords(ctx, iterator, limit)
	if err == nil {
		m.countOut(res.Stream, res)
	}
	return res, err
}

// WriteMetrics writes the counters in the Prometheus text format.
func (m *Store) WriteMetrics(w io.Writer) error {
	m.mu.Lock()
	names := make([]string, 0, len(m.streams))
	for n := range m.streams {
		names = append(names, n)
	}
	m.mu.Unlock()
	sort.Strings(names)
	var err error
	metric := func(name, help, typ string, get func(*counters) int64) {
		if err != nil {
			return
		}
		_, err = fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
		for _, n := range names {
			if err == nil {
				_, err = fmt.Fprintf(w, "%s{stream=%q} %d\n", name, n, get(m.counters(n)))
			}
		}
	}
	metric("freshet_stream_records_in_total", "Records written into a stream.", "counter", func(c *counters) int64 { return c.recordsIn.Load() })
	metric("freshet_stream_bytes_in_total", "Bytes of record data written into a stream.", "counter", func(c *counters) int64 { return c.bytesIn.Load() })
	metric("freshet_stream_records_out_total", "Records read out of a stream.", "counter", func(c *counters) int64 { return c.recordsOut.Load() })
	metric("freshet_stream_bytes_out_total", "Bytes of record data read out of a stream.", "counter", func(c *counters) int64 { return c.bytesOut.Load() })
	metric("freshet_stream_throttled_total", "Records refused by a shard's write limit.", "counter", func(c *counters) int64 { return c.throttled.Load() })
	return err
}
