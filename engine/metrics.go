package engine

import (
	"fmt"
	"io"
	"math"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// streamStats are a stream's counters as the engine's readers see them.
type streamStats struct {
	recordsIn    atomic.Int64
	decodeErrors atomic.Int64
	late         atomic.Int64
	watermark    atomic.Int64
}

// queryStats are one query's counters.
type queryStats struct {
	recordsIn      atomic.Int64
	recordsOut     atomic.Int64
	decodeErrors   atomic.Int64
	late           atomic.Int64
	watermark      atomic.Int64
	lastCheckpoint atomic.Int64 // Unix ms
	lag            atomic.Int64 // records between the query's position and the ends of its shards
}

// Metrics holds the engine's counters.
type Metrics struct {
	mu      sync.Mutex
	streams map[string]*streamStats
}

func newMetrics() *Metrics { return &Metrics{streams: map[string]*streamStats{}} }

func (m *Metrics) stream(name string) *streamStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.streams[name]
	if s == nil {
		s = &streamStats{}
		s.watermark.Store(math.MinInt64)
		m.streams[name] = s
	}
	return s
}

// WriteMetrics writes the engine's metrics in the Prometheus text format.
func (e *Engine) WriteMetrics(w io.Writer) error {
	type line struct{ name, help, typ string }
	e.metrics.mu.Lock()
	names := make([]string, 0, len(e.metrics.streams))
	for n := range e.metrics.streams {
		names = append(names, n)
	}
	e.metrics.mu.Unlock()
	sort.Strings(names)
	now := e.opts.Now()
	var err error
	p := func(format string, args ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, args...)
		}
	}
	if err := e.writeArchiveMetrics(w); err != nil {
		return err
	}
	p("# HELP freshet_stream_records_read_total Records read from a stream by queries.\n# TYPE freshet_stream_records_read_total counter\n")
	for _, n := range names {
		p("freshet_stream_records_read_total{stream=%q} %d\n", n, e.metrics.stream(n).recordsIn.Load())
	}
	p("# HELP freshet_stream_decode_errors_total Records that could not be decoded.\n# TYPE freshet_stream_decode_errors_total counter\n")
	for _, n := range names {
		p("freshet_stream_decode_errors_total{stream=%q} %d\n", n, e.metrics.stream(n).decodeErrors.Load())
	}
	p("# HELP freshet_stream_late_records_total Records that arrived after their windows closed.\n# TYPE freshet_stream_late_records_total counter\n")
	for _, n := range names {
		p("freshet_stream_late_records_total{stream=%q} %d\n", n, e.metrics.stream(n).late.Load())
	}
	qs := e.listQueries()
	p("# HELP freshet_query_records_in_total Records a persistent query read.\n# TYPE freshet_query_records_in_total counter\n")
	for _, q := range qs {
		p("freshet_query_records_in_total{query=%q} %d\n", q.id, q.stats.recordsIn.Load())
	}
	p("# HELP freshet_query_records_out_total Rows a persistent query wrote.\n# TYPE freshet_query_records_out_total counter\n")
	for _, q := range qs {
		p("freshet_query_records_out_total{query=%q} %d\n", q.id, q.stats.recordsOut.Load())
	}
	p("# HELP freshet_query_late_records_total Late records a persistent query dropped.\n# TYPE freshet_query_late_records_total counter\n")
	for _, q := range qs {
		p("freshet_query_late_records_total{query=%q} %d\n", q.id, q.stats.late.Load())
	}
	p("# HELP freshet_query_decode_errors_total Records a persistent query could not decode.\n# TYPE freshet_query_decode_errors_total counter\n")
	for _, q := range qs {
		p("freshet_query_decode_errors_total{query=%q} %d\n", q.id, q.stats.decodeErrors.Load())
	}
	p("# HELP freshet_query_watermark_lag_seconds How far a query's watermark trails the clock.\n# TYPE freshet_query_watermark_lag_seconds gauge\n")
	for _, q := range qs {
		if wm := q.stats.watermark.Load(); wm > math.MinInt64 && wm < math.MaxInt64 {
			p("freshet_query_watermark_lag_seconds{query=%q} %.3f\n", q.id, now.Sub(time.UnixMilli(wm)).Seconds())
		}
	}
	p("# HELP freshet_query_lag_records Records in the source stream that a persistent query has not read yet.\n# TYPE freshet_query_lag_records gauge\n")
	for _, q := range qs {
		p("freshet_query_lag_records{query=%q} %d\n", q.id, q.stats.lag.Load())
	}
	p("# HELP freshet_query_checkpoint_age_seconds Time since a query's last checkpoint.\n# TYPE freshet_query_checkpoint_age_seconds gauge\n")
	for _, q := range qs {
		if t := q.stats.lastCheckpoint.Load(); t > 0 {
			p("freshet_query_checkpoint_age_seconds{query=%q} %.3f\n", q.id, now.Sub(time.UnixMilli(t)).Seconds())
		}
	}
	return err
}
