package delivery

import "time"

// Stats are a runner's counters, for DESCRIBE and /metrics. Counters only
// grow while the runner lives; a new runner starts them at zero.
type Stats struct {
	Stream string
	// DeliveredRecords counts records committed to the lake (rows and
	// error records); DeliveredBytes their data and partition keys.
	DeliveredRecords int64
	DeliveredBytes   int64
	// Rows counts Parquet rows stored; ErrorRecords the records that
	// failed to decode and went to errors/.
	Rows         int64
	ErrorRecords int64
	// Files and StoredBytes count the objects stored and their size.
	Files       int64
	StoredBytes int64
	// Markers counts _SUCCESS markers written.
	Markers int64
	// Errors counts failed attempts (reads, uploads, checkpoint writes);
	// each is retried. LastError is the latest one's text.
	Errors      int64
	LastError   string
	LastErrorAt time.Time
	// LastDelivery is when the last flush was committed.
	LastDelivery time.Time
	// BufferedRecords and BufferedBytes are read but not yet flushed.
	BufferedRecords int64
	BufferedBytes   int64
	// LagRecords counts the records in the stream past the committed
	// position; LagMillis is the age of the oldest record read but not
	// yet committed.
	LagRecords int64
	LagMillis  int64
}

// Stats returns a snapshot of the counters. It is safe to call from any
// goroutine.
func (r *Runner) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

func (r *Runner) noteError(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stats.Errors++
	r.stats.LastError = err.Error()
	r.stats.LastErrorAt = r.cfg.Now()
}
