package delivery

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine/decode"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/lineage"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/lake"
)

// Defaults of Config's zero fields, as Firehose's buffering hints.
const (
	DefaultBufferBytes    = 64 << 20
	DefaultBufferInterval = 60 * time.Second
	DefaultReadLimit      = 10000
	DefaultPollInterval   = 200 * time.Millisecond
	DefaultRetryMin       = 100 * time.Millisecond
	DefaultRetryMax       = 30 * time.Second
	DefaultIdleTimeout    = 30 * time.Second
)

// Config configures the delivery of one stream.
type Config struct {
	// Source is the stream store; Stream the stream to deliver.
	Source ingest.Store
	Stream string
	// Decode describes the stream's records (format, declared columns,
	// event-time column). Output must be nil: the lake keeps every
	// declared column and the metadata.
	Decode decode.Options
	// Objects is the archive's object store, rooted at its prefix.
	Objects output.ObjectStore
	// Lake configures the files; its Stream and Columns are taken from
	// Stream and Decode.
	Lake lake.Config
	// CheckpointPath is the local file that keeps the delivered position;
	// "" keeps it in memory only (tests).
	CheckpointPath string
	// BufferBytes and BufferInterval are the buffering hints: buffered
	// records are written once their data reaches BufferBytes or the oldest
	// has waited BufferInterval, whichever comes first.
	BufferBytes    int64
	BufferInterval time.Duration
	// ReadLimit is the number of records read per shard per poll.
	ReadLimit int
	// PollInterval is how long Run waits when the stream has nothing new.
	PollInterval time.Duration
	// RetryMin and RetryMax bound the backoff between failed attempts.
	RetryMin, RetryMax time.Duration
	// WatermarkDelay and IdleTimeout define the watermark that closes
	// hour partitions (_SUCCESS): the minimum over non-idle shards of the
	// largest event time delivered, less WatermarkDelay.
	WatermarkDelay time.Duration
	IdleTimeout    time.Duration
	// Now is the clock (time.Now when nil); tests drive it.
	Now func() time.Time
	// Mem allocates the decoded batches (the Go allocator when nil).
	Mem memory.Allocator
}

// Runner delivers one stream into the lake. Run drives it; Step does one
// round and lets tests drive time. A Runner is not safe for concurrent use
// except Stats, which may be called from any goroutine.
type Runner struct {
	cfg    Config
	dec    *decode.Decoder
	writer *lake.Writer
	rd     *lineage.Reader
	cp     checkpoint

	buf       []lake.Batch
	bufBytes  int64
	bufRows   int64
	bufSince  time.Time // when the oldest buffered record was read
	ranges    map[string]*shardRange
	maxEvent  map[string]int64 // per shard, over committed and buffered
	pend      *pending         // a flush being written
	pendBufs  []lake.Batch     // its batches
	pendBytes int64
	lastRead  map[string]time.Time
	started   time.Time
	oldest    int64 // arrival (Unix ms) of the oldest buffered record
	pendOld   int64 // the same for the pending flush

	progressed bool // set by step

	afterWrite func() error // test hook: runs after the upload, before the commit

	mu    sync.Mutex
	stats Stats
}

// New loads the checkpoint and prepares a runner; it reads nothing yet.
func New(cfg Config) (*Runner, error) {
	if cfg.Source == nil || cfg.Objects == nil || cfg.Stream == "" {
		return nil, errors.New("new delivery: Source, Objects and Stream are required")
	}
	if cfg.Decode.Output != nil {
		return nil, errors.New("new delivery: Decode.Output must be nil")
	}
	setDefaults(&cfg)
	cfg.Lake.Stream, cfg.Lake.Columns = cfg.Stream, cfg.Decode.Columns
	w, err := lake.NewWriter(cfg.Objects, cfg.Lake)
	if err != nil {
		return nil, fmt.Errorf("new delivery for %s: %w", cfg.Stream, err)
	}
	cp, err := loadCheckpoint(cfg.CheckpointPath, cfg.Stream)
	if err != nil {
		return nil, err
	}
	// Reading resumes after the pending flush, if any: recover redoes
	// that flush from its ranges.
	readFrom := cp.Position
	if cp.Pending != nil {
		readFrom = cp.Pending.Next
	}
	dec, err := decode.New(cfg.Mem, cfg.Decode)
	if err != nil {
		return nil, fmt.Errorf("new delivery for %s: %w", cfg.Stream, err)
	}
	r := &Runner{
		cfg: cfg, dec: dec, writer: w, cp: cp,
		rd:       newLineageReader(cfg, readFrom, cp.Started || cp.Pending != nil),
		ranges:   map[string]*shardRange{},
		maxEvent: map[string]int64{},
		lastRead: map[string]time.Time{},
		started:  cfg.Now(),
	}
	for s, ms := range cp.MaxEvent {
		r.maxEvent[s] = ms
	}
	r.stats.Stream = cfg.Stream
	return r, nil
}

func setDefaults(cfg *Config) {
	if cfg.BufferBytes <= 0 {
		cfg.BufferBytes = DefaultBufferBytes
	}
	if cfg.BufferInterval <= 0 {
		cfg.BufferInterval = DefaultBufferInterval
	}
	if cfg.ReadLimit <= 0 {
		cfg.ReadLimit = DefaultReadLimit
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.RetryMin <= 0 {
		cfg.RetryMin = DefaultRetryMin
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = DefaultRetryMax
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Mem == nil {
		cfg.Mem = memory.NewGoAllocator()
	}
}

// Close releases the buffered batches and the decoder. Records buffered
// but not delivered stay in the stream and are read again by the next
// runner.
func (r *Runner) Close() {
	releaseAll(r.buf)
	releaseAll(r.pendBufs)
	r.buf, r.pendBufs = nil, nil
	r.dec.Release()
}

func releaseAll(bs []lake.Batch) {
	for _, b := range bs {
		if b.Record != nil {
			b.Record.Release()
		}
	}
}

// Run delivers until ctx ends, retrying failures with exponential backoff
// (RetryMin doubling up to RetryMax). It returns nil when ctx is cancelled.
func (r *Runner) Run(ctx context.Context) error {
	backoff := r.cfg.RetryMin
	for {
		progressed, err := r.Step(ctx)
		wait := r.cfg.PollInterval
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			wait = backoff
			backoff = min(2*backoff, r.cfg.RetryMax)
		default:
			backoff = r.cfg.RetryMin
			if progressed {
				continue
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// Step does one round of delivery: it finishes a pending flush, else reads
// one page per shard into the buffer, writes the buffer when a buffering
// hint is reached, and marks hour partitions complete. It reports whether
// anything moved. An error leaves the state consistent; Step again retries.
func (r *Runner) Step(ctx context.Context) (bool, error) {
	err := r.step(ctx)
	if err != nil {
		r.noteError(err)
	}
	return err == nil && r.progressed, err
}

// newLineageReader returns a reader of the stream at position p.
func newLineageReader(cfg Config, p position, started bool) *lineage.Reader {
	rd := lineage.New(cfg.Source, cfg.Stream, cfg.ReadLimit)
	rd.Restore(p, started)
	return rd
}
