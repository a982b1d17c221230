package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/google/renameio/v2"

	"github.com/freshet/freshet/engine/exec"
	"github.com/freshet/freshet/sql"
)

// persistentQuery is an INSERT INTO … SELECT running in the engine.
type persistentQuery struct {
	id, text     string
	source, sink string
	created      time.Time
	stats        *queryStats
	cancel       context.CancelFunc
	done         chan struct{}
	lastErr      atomic.Value // string
}

type queriesFile struct {
	Version int          `json:"version"`
	NextID  int          `json:"next_id"`
	Queries []queryEntry `json:"queries"`
}

type queryEntry struct {
	ID      string    `json:"id"`
	Text    string    `json:"text"`
	Created time.Time `json:"created"`
}

func (e *Engine) queriesPath() string { return filepath.Join(e.opts.Dir, "queries.json") }

// saveQueries records the running persistent queries; the caller holds e.mu.
func (e *Engine) saveQueries() error {
	if e.opts.Dir == "" {
		return nil
	}
	f := queriesFile{Version: 1, NextID: e.nextID}
	for _, q := range e.queries {
		f.Queries = append(f.Queries, queryEntry{ID: q.id, Text: q.text, Created: q.created})
	}
	sort.Slice(f.Queries, func(i, j int) bool { return f.Queries[i].Created.Before(f.Queries[j].Created) })
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("save queries: %w", err)
	}
	if err := renameio.WriteFile(e.queriesPath(), b, 0o644); err != nil {
		return fmt.Errorf("save queries: %w", err)
	}
	return nil
}

// restartQueries starts the persistent queries recorded in Dir.
func (e *Engine) restartQueries() error {
	if e.opts.Dir == "" {
		return nil
	}
	b, err := os.ReadFile(e.queriesPath())
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("load queries: %w", err)
	}
	var f queriesFile
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("load queries %s: %w", e.queriesPath(), err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.nextID = f.NextID
	for _, qe := range f.Queries {
		stmt, err := sql.ParseOne(qe.Text)
		if err != nil {
			return fmt.Errorf("restart query %s: %w", qe.ID, err)
		}
		is, ok := stmt.(*sql.InsertSelect)
		if !ok {
			return fmt.Errorf("restart query %s: not an INSERT … SELECT", qe.ID)
		}
		q, err := sql.PlanInsertSelect(is, e.catalog, e.fns)
		if err != nil {
			return fmt.Errorf("restart query %s: %w", qe.ID, err)
		}
		if err := e.launch(qe.ID, qe.Created, q); err != nil {
			return err
		}
	}
	return nil
}

// startPersistent registers and starts a persistent query.
func (e *Engine) startPersistent(q *sql.Query) (*Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, errors.New("start query: the engine is closed")
	}
	e.nextID++
	id := "q" + strconv.Itoa(e.nextID)
	if err := e.launch(id, e.opts.Now(), q); err != nil {
		return nil, err
	}
	if err := e.saveQueries(); err != nil {
		e.queries[id].cancel()
		delete(e.queries, id)
		return nil, err
	}
	r := messageResult(fmt.Sprintf("Query %s started: INSERT INTO %s from %s.", id, q.Sink, q.Scan().Stream))
	r.QueryID = id
	return r, nil
}

// launch starts a persistent query's goroutine; the caller holds e.mu.
func (e *Engine) launch(id string, created time.Time, q *sql.Query) error {
	r, err := e.newRun(q, sql.Persistent, e.opts.Now(), exec.Updates)
	if err != nil {
		return fmt.Errorf("start query %s: %w", id, err)
	}
	sinkDef, ok := e.catalog.Stream(q.Sink)
	if !ok {
		r.close()
		return fmt.Errorf("start query %s: stream %s does not exist", id, q.Sink)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	pq := &persistentQuery{id: id, text: q.Text, source: q.Scan().Stream, sink: q.Sink, created: created,
		stats: r.stats, cancel: cancel, done: make(chan struct{})}
	e.queries[id] = pq
	sk := &streamSink{e: e, def: sinkDef, query: id, stats: r.stats}
	// Resume from the checkpoint now, so that the query's counters are
	// right as soon as the engine is open and an interrupted delivery is
	// finished before anything else.
	if err := sk.restore(ctx, r); err != nil {
		pq.lastErr.Store(err.Error())
		e.log.Error("persistent query cannot resume", "query", id, "err", err)
		r.close()
		close(pq.done)
		return nil
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer close(pq.done)
		defer r.close()
		if err := sk.run(ctx, r); err != nil && !errors.Is(err, context.Canceled) {
			pq.lastErr.Store(err.Error())
			e.log.Error("persistent query failed", "query", id, "err", err)
		}
	}()
	return nil
}

func (e *Engine) listQueries() []*persistentQuery {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]*persistentQuery, 0, len(e.queries))
	for _, q := range e.queries {
		out = append(out, q)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].created.Before(out[j].created) })
	return out
}

var showQueriesSchema = sql.Schema{
	{Name: "id", Type: sql.String}, {Name: "status", Type: sql.String}, {Name: "source", Type: sql.String},
	{Name: "sink", Type: sql.String}, {Name: "records_in", Type: sql.Int64}, {Name: "records_out", Type: sql.Int64},
	{Name: "late", Type: sql.Int64}, {Name: "decode_errors", Type: sql.Int64}, {Name: "lag_records", Type: sql.Int64},
	{Name: "watermark", Type: sql.Timestamp},
	{Name: "query", Type: sql.String},
}

func (e *Engine) showQueries() (*Result, error) {
	var rows [][]sql.Value
	for _, q := range e.listQueries() {
		status := "RUNNING"
		if v, _ := q.lastErr.Load().(string); v != "" {
			status = "ERROR: " + v
		}
		wm := sql.NullOf(sql.Timestamp)
		if w := q.stats.watermark.Load(); w > minWatermark && w < maxWatermark {
			wm = sql.Value{Type: sql.Timestamp, Int: w}
		}
		rows = append(rows, []sql.Value{str(q.id), str(status), str(q.source), str(q.sink),
			num(q.stats.recordsIn.Load()), num(q.stats.recordsOut.Load()), num(q.stats.late.Load()),
			num(q.stats.decodeErrors.Load()), num(q.stats.lag.Load()), wm, str(q.text)})
	}
	rec, err := buildRecord(e.opts.Mem, showQueriesSchema, rows)
	if err != nil {
		return nil, err
	}
	return staticResult(showQueriesSchema, rec), nil
}

func (e *Engine) stopQuery(s *sql.StopQuery) (*Result, error) {
	e.mu.Lock()
	q, ok := e.queries[s.ID]
	if !ok {
		e.mu.Unlock()
		return nil, fmt.Errorf("stop query: no query %s (SHOW QUERIES lists them)", s.ID)
	}
	delete(e.queries, s.ID)
	err := e.saveQueries()
	e.mu.Unlock()
	q.cancel()
	<-q.done
	e.dropCheckpoint(s.ID)
	if err != nil {
		return nil, err
	}
	return messageResult(fmt.Sprintf("Query %s stopped.", s.ID)), nil
}

// QueryCounters returns the records a persistent query has read and
// written (delivered through its checkpoints).
func (e *Engine) QueryCounters(id string) (in, out int64) {
	e.mu.Lock()
	q := e.queries[id]
	e.mu.Unlock()
	if q == nil {
		return 0, 0
	}
	return q.stats.recordsIn.Load(), q.stats.recordsOut.Load()
}

// Queries lists the running persistent queries' ids and texts.
func (e *Engine) Queries() map[string]string {
	out := map[string]string{}
	for _, q := range e.listQueries() {
		out[q.id] = q.text
	}
	return out
}

const (
	minWatermark = -1 << 63
	maxWatermark = 1<<63 - 1
)
