package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine/catalog"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/lakescan"
	"github.com/freshet/freshet/sql"
)

// Options configure an Engine. Store is required; the zero value of the
// rest works.
type Options struct {
	// Store holds the streams.
	Store ingest.Store
	// Dir keeps the catalog, the persistent queries and their checkpoints;
	// "" keeps them in memory.
	Dir string
	// Mem allocates Arrow memory (default: the Go allocator).
	Mem memory.Allocator
	// Now is the engine's clock (default time.Now).
	Now func() time.Time
	// CheckpointInterval is how often a persistent query checkpoints, and
	// so how long its results wait before they reach the output stream
	// (default 10 s).
	CheckpointInterval time.Duration
	// PollInterval is how long a reader at the end of a shard waits before
	// looking again (default 10 ms).
	PollInterval time.Duration
	// BatchSize is the most records read from a shard at once (default
	// 10,000).
	BatchSize int
	// Logger receives query lifecycle events and errors (default: discard).
	Logger *slog.Logger
	// OpenArchive opens the object store an archive URL names (s3://… or
	// file://…); the binary wires it, so that the engine imports no AWS
	// code. Nil means streams cannot name an archive.
	OpenArchive func(ctx context.Context, url string) (output.ObjectStore, error)
	// NoArchiveDelivery keeps the engine from delivering streams to their
	// archives while it can still read them (FROM archive.<stream>,
	// ExecOptions.History): for tools that look at a data directory, such
	// as rules backtest, and must not write to the lake.
	NoArchiveDelivery bool
}

// Engine runs SQL statements over a stream store: DDL, inserts, snapshot
// and push queries, and persistent queries that survive restarts.
type Engine struct {
	opts    Options
	store   ingest.Store
	catalog *catalog.Catalog
	fns     *sql.Functions
	log     *slog.Logger

	mu       sync.Mutex
	queries  map[string]*persistentQuery
	nextID   int
	closed   bool
	wg       sync.WaitGroup
	ctx      context.Context
	stop     context.CancelFunc
	metrics  *Metrics
	errorLog *errorLog
	archives map[string]*archiver
	alerts   AlertSource // SHOW ALERTS; see alerts.go
	// memCheckpoints holds checkpoints when Dir is "".
	ckMu           sync.Mutex
	memCheckpoints map[string][]byte
}

// Open starts an engine: it loads the catalog and restarts the persistent
// queries recorded in opts.Dir from their checkpoints.
func Open(opts Options) (*Engine, error) {
	if opts.Store == nil {
		return nil, errors.New("open engine: Options.Store is required")
	}
	if opts.Mem == nil {
		opts.Mem = memory.NewGoAllocator()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CheckpointInterval <= 0 {
		opts.CheckpointInterval = 10 * time.Second
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 10 * time.Millisecond
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = ingest.MaxGetRecordsLimit
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	catPath := ""
	if opts.Dir != "" {
		if err := os.MkdirAll(filepath.Join(opts.Dir, "checkpoints"), 0o755); err != nil {
			return nil, fmt.Errorf("open engine: %w", err)
		}
		catPath = filepath.Join(opts.Dir, "catalog.json")
	}
	cat, err := catalog.Open(catPath)
	if err != nil {
		return nil, err
	}
	ctx, stop := context.WithCancel(context.Background())
	e := &Engine{
		opts: opts, store: opts.Store, catalog: cat, fns: sql.NewFunctions(), log: opts.Logger,
		queries: map[string]*persistentQuery{}, ctx: ctx, stop: stop, metrics: newMetrics(), errorLog: newErrorLog(),
		archives: map[string]*archiver{},
	}
	if err := e.restartQueries(); err != nil {
		stop()
		return nil, err
	}
	if err := e.startArchives(); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// Store returns the stream store the engine runs over.
func (e *Engine) Store() ingest.Store { return e.store }

// Catalog returns the engine's stream definitions.
func (e *Engine) Catalog() *catalog.Catalog { return e.catalog }

// Functions returns the SQL function registry.
func (e *Engine) Functions() *sql.Functions { return e.fns }

// Close stops the persistent queries (they resume from their checkpoints
// when the engine is opened again) and waits for them.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	e.mu.Unlock()
	e.stop()
	e.wg.Wait()
	e.mu.Lock()
	for name, a := range e.archives {
		a.runner.Close()
		delete(e.archives, name)
	}
	e.mu.Unlock()
	return nil
}

// Execute runs one statement. Snapshot and push queries return rows to read
// from the Result; every other statement has finished when Execute returns.
func (e *Engine) Execute(ctx context.Context, text string) (*Result, error) {
	stmt, err := sql.ParseOne(text)
	if err != nil {
		return nil, err
	}
	return e.ExecuteStatement(ctx, stmt, ExecOptions{})
}

// ExecOptions tune how a query runs.
type ExecOptions struct {
	// FromEarliest starts a push query at the oldest retained record rather
	// than at the end of the stream.
	FromEarliest bool
	// Now fixes NOW() and the end of a snapshot's input (records that
	// arrived after it are not read); zero means the time of the call.
	Now time.Time
	// EventTimeUntil, when set, keeps a snapshot to the records whose event
	// time is at or before it, as a server running at that moment would
	// have seen them (alert-rule backtests).
	EventTimeUntil time.Time
	// EventTimeFrom, when set, keeps a snapshot to the records whose event
	// time is at or after it. Over the archive both bounds also prune the
	// partitions and row groups read.
	EventTimeFrom time.Time
	// Progress, when set, is called as a scan of the archive finishes each
	// file (from the scan's goroutines, one call at a time).
	Progress func(lakescan.Progress)
	// History runs a snapshot over everything the stream has held, not
	// only what it still retains: for a stream with an archive, the
	// archived records that retention has dropped come first, then the
	// retained ones, each record once, within the same bounds (arrived by
	// Now, EventTimeFrom, EventTimeUntil). See history.go; HistoryGaps
	// reports what neither holds. It changes nothing for a stream without
	// an archive.
	History bool
}

// ExecuteStatement runs a parsed statement.
func (e *Engine) ExecuteStatement(ctx context.Context, stmt sql.Statement, o ExecOptions) (*Result, error) {
	if o.Now.IsZero() {
		o.Now = e.opts.Now()
	}
	switch s := stmt.(type) {
	case *sql.CreateStream:
		return e.createStream(ctx, s)
	case *sql.DropStream:
		return e.dropStream(ctx, s)
	case *sql.AlterStream:
		return e.alterStream(s)
	case *sql.ShowStreams:
		return e.showStreams(ctx)
	case *sql.Describe:
		return e.describe(ctx, s)
	case *sql.Insert:
		return e.insertValues(ctx, s)
	case *sql.Explain:
		return e.explain(ctx, s)
	case *sql.ShowQueries:
		return e.showQueries()
	case *sql.ShowAlerts:
		return e.showAlerts()
	case *sql.StopQuery:
		return e.stopQuery(s)
	case *sql.Select:
		q, err := sql.Plan(s, e.planning(ctx), e.fns)
		if err != nil {
			return nil, err
		}
		return e.runQuery(ctx, q, o)
	case *sql.InsertSelect:
		q, err := sql.PlanInsertSelect(s, e.catalog, e.fns)
		if err != nil {
			return nil, err
		}
		return e.startPersistent(q)
	}
	return nil, fmt.Errorf("execute: unsupported statement %T", stmt)
}
