package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine/decode"
	"github.com/freshet/freshet/engine/eval"
	"github.com/freshet/freshet/engine/exec"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/sql"
	"github.com/freshet/freshet/window"
)

// queryRun is one running query: a shard reader, a decoder, the watermark
// tracker and the operator pipeline. It is driven by one goroutine.
type queryRun struct {
	e       *Engine
	q       *sql.Query
	def     *sql.StreamDef
	mem     memory.Allocator
	reader  *shardReader
	dec     *decode.Decoder
	pipe    *exec.Pipeline
	tracker *window.Tracker
	// late decides lateness for windowed queries on unbounded input.
	late    func(ts, wm int64) bool
	wm      int64
	bounded bool
	// until drops the rows with a later event time and from those with an
	// earlier one (Unix ms; 0: none).
	until, from int64
	stats       *queryStats
}

func (e *Engine) newRun(q *sql.Query, kind sql.QueryKind, now time.Time, mode exec.AggMode) (*queryRun, error) {
	scan := q.Scan()
	if scan.Archive {
		return nil, fmt.Errorf("run query: archive.%s is read by snapshot queries only", scan.Stream)
	}
	def, ok := e.catalog.Stream(scan.Stream)
	if !ok {
		return nil, fmt.Errorf("run query: stream %s does not exist", scan.Stream)
	}
	nowMs := now.UnixMilli()
	nowFn := func() int64 { return nowMs }
	if kind != sql.Snapshot {
		nowFn = func() int64 { return e.opts.Now().UnixMilli() }
	}
	pipe, err := exec.Build(q, exec.Env{Mem: e.opts.Mem, Now: nowFn, Mode: mode})
	if err != nil {
		return nil, err
	}
	format, err := decode.ParseFormat(def.Options.Format)
	if err != nil {
		pipe.Close()
		return nil, err
	}
	cols := make([]decode.Column, len(def.Columns))
	for i, c := range def.Columns {
		t, err := eval.ArrowType(c.Type)
		if err != nil {
			pipe.Close()
			return nil, err
		}
		cols[i] = decode.Column{Name: c.Name, Type: t}
	}
	var output []string
	for _, u := range pipe.Used() {
		output = append(output, scan.Output[u].Name)
	}
	dec, err := decode.New(e.opts.Mem, decode.Options{Format: format, Columns: cols, Output: output, EventTime: def.Options.EventTime})
	if err != nil {
		pipe.Close()
		return nil, fmt.Errorf("run query: %w", err)
	}
	r := &queryRun{
		e: e, q: q, def: def, mem: e.opts.Mem, pipe: pipe, dec: dec,
		reader:  newShardReader(e.store, def.Name, e.opts.BatchSize),
		tracker: window.NewTracker(def.Options.WatermarkDelay, def.Options.IdleTimeout),
		wm:      math.MinInt64, bounded: kind == sql.Snapshot,
		stats: &queryStats{},
	}
	r.stats.watermark.Store(math.MinInt64)
	if r.bounded {
		r.reader.until = now.UnixMilli()
	}
	r.reader.latest = kind == sql.Push
	if w := q.Window(); w != nil && !r.bounded {
		switch w.Kind {
		case sql.Tumble:
			a := window.Tumble{Size: w.Size.Milliseconds()}
			r.late = func(ts, wm int64) bool { return window.IsLate(ts, wm, a) }
		case sql.Hop:
			a := window.Hop{Slide: w.Slide.Milliseconds(), Size: w.Size.Milliseconds()}
			r.late = func(ts, wm int64) bool { return window.IsLate(ts, wm, a) }
		case sql.Session:
			gap := w.Gap.Milliseconds()
			r.late = func(ts, wm int64) bool { return ts+gap <= wm }
		}
	}
	return r, nil
}

func (r *queryRun) close() {
	r.pipe.Close()
	r.dec.Release()
}

// step reads one page from every shard, runs it through the pipeline and
// advances the watermark. It reports whether a bounded input is exhausted
// and whether anything was read.
func (r *queryRun) step(ctx context.Context, emit func(exec.Batch) error) (done, read bool, err error) {
	now := r.e.opts.Now()
	done, err = r.reader.poll(ctx, func(p page) error {
		read = true
		return r.consume(ctx, p, now, emit)
	})
	if err != nil {
		return false, read, err
	}
	wm := r.tracker.Watermark(now)
	if done {
		wm = math.MaxInt64
	}
	if r.bounded && !done {
		return false, read, nil // a snapshot closes its windows only at the end
	}
	if wm > r.wm {
		r.wm = wm
		r.stats.watermark.Store(wm)
		r.e.metrics.stream(r.def.Name).watermark.Store(wm)
		out, err := r.pipe.Advance(wm)
		if err != nil {
			return false, read, err
		}
		if err := emitAll(out, emit); err != nil {
			return false, read, err
		}
	}
	return done, read, nil
}

func emitAll(bs []exec.Batch, emit func(exec.Batch) error) error {
	for i, b := range bs {
		if err := emit(b); err != nil {
			for _, rest := range bs[i+1:] {
				rest.Release()
			}
			return err
		}
	}
	return nil
}

// consume decodes a page and pushes it through the pipeline.
func (r *queryRun) consume(ctx context.Context, p page, now time.Time, emit func(exec.Batch) error) error {
	sc := r.e.metrics.stream(r.def.Name)
	r.stats.recordsIn.Add(int64(len(p.records)))
	sc.recordsIn.Add(int64(len(p.records)))
	b, err := r.dec.Decode(p.shard, p.records)
	if err != nil {
		return fmt.Errorf("decode %s: %w", r.def.Name, err)
	}
	if len(b.Errors) > 0 {
		r.stats.decodeErrors.Add(int64(len(b.Errors)))
		n, err := r.e.errorLog.write(ctx, r.e.store, r.def.Name, b.Errors)
		sc.decodeErrors.Add(int64(n))
		if err != nil {
			r.e.log.Error("write decode errors", "stream", r.def.Name, "err", err)
		}
	}
	if b.Record == nil {
		return nil
	}
	defer b.Record.Release()
	maxT := int64(math.MinInt64)
	for _, t := range b.EventTimes {
		maxT = max(maxT, t)
	}
	r.tracker.Observe(p.shard, maxT, now)
	batch := exec.Batch{Rec: b.Record, Times: b.EventTimes}
	minT := int64(math.MaxInt64)
	if r.from != 0 {
		for _, t := range b.EventTimes {
			minT = min(minT, t)
		}
	}
	if r.until != 0 && maxT > r.until || r.from != 0 && minT < r.from {
		kept, err := r.keepUntil(batch)
		if err != nil {
			return err
		}
		if kept.Rec == nil {
			return nil
		}
		defer kept.Rec.Release()
		batch = kept
	}
	if r.late != nil && r.wm > math.MinInt64 {
		kept, late, err := r.dropLate(batch, p, b.Errors)
		if err != nil {
			return err
		}
		if late > 0 {
			r.stats.late.Add(int64(late))
			sc.late.Add(int64(late))
		}
		if kept.Rec == nil {
			return nil
		}
		defer kept.Rec.Release()
		batch = kept
	}
	out, err := r.pipe.Push(batch)
	if err != nil {
		return err
	}
	return emitAll(out, emit)
}

// keepUntil keeps the rows whose event time is at or before r.until (and
// at or after r.from).
func (r *queryRun) keepUntil(b exec.Batch) (exec.Batch, error) {
	mb := array.NewBooleanBuilder(r.mem)
	defer mb.Release()
	var times []int64
	for _, t := range b.Times {
		keep := (r.until == 0 || t <= r.until) && (r.from == 0 || t >= r.from)
		mb.Append(keep)
		if keep {
			times = append(times, t)
		}
	}
	if len(times) == 0 {
		return exec.Batch{}, nil
	}
	mask := mb.NewArray()
	defer mask.Release()
	rec, err := eval.Filter(r.mem, b.Rec, mask)
	if err != nil {
		return exec.Batch{}, err
	}
	return exec.Batch{Rec: rec, Times: times}, nil
}

// dropLate removes the rows that belong to no open window, counts them and
// sends their records to the stream's late stream, if it names one.
func (r *queryRun) dropLate(b exec.Batch, p page, bad []decode.RecordError) (exec.Batch, int, error) {
	var lateRows []int
	for i, t := range b.Times {
		if r.late(t, r.wm) {
			lateRows = append(lateRows, i)
		}
	}
	if len(lateRows) == 0 {
		b.Rec.Retain()
		return b, 0, nil
	}
	if ls := r.def.Options.LateStream; ls != "" {
		// Rows are the records that decoded, in order.
		isBad := map[uint64]bool{}
		for _, e := range bad {
			isBad[e.Seq.Offset] = true
		}
		var good []ingest.Record
		for _, rec := range p.records {
			if !isBad[rec.Seq.Offset] {
				good = append(good, rec)
			}
		}
		entries := make([]ingest.PutEntry, 0, len(lateRows))
		for _, i := range lateRows {
			entries = append(entries, ingest.PutEntry{PartitionKey: good[i].PartitionKey, Data: good[i].Data})
		}
		if err := putAll(context.Background(), r.e.store, ls, entries); err != nil {
			r.e.log.Error("write late records", "stream", ls, "err", err)
		}
	}
	mb := array.NewBooleanBuilder(r.mem)
	defer mb.Release()
	j := 0
	times := make([]int64, 0, len(b.Times)-len(lateRows))
	for i, t := range b.Times {
		isLate := j < len(lateRows) && lateRows[j] == i
		if isLate {
			j++
		} else {
			times = append(times, t)
		}
		mb.Append(!isLate)
	}
	mask := mb.NewArray()
	defer mask.Release()
	if len(times) == 0 {
		return exec.Batch{}, len(lateRows), nil
	}
	rec, err := eval.Filter(r.mem, b.Rec, mask)
	if err != nil {
		return exec.Batch{}, 0, err
	}
	return exec.Batch{Rec: rec, Times: times}, len(lateRows), nil
}

// runQuery runs a snapshot or push query, feeding a Result.
func (e *Engine) runQuery(ctx context.Context, q *sql.Query, o ExecOptions) (*Result, error) {
	if q.Scan().Archive {
		return e.runArchiveQuery(ctx, q, o)
	}
	if o.History {
		return e.runHistoryQuery(ctx, q, o)
	}
	mode := exec.Final
	if q.Kind == sql.Push {
		mode = exec.Updates
	}
	r, err := e.newRun(q, q.Kind, o.Now, mode)
	if err != nil {
		return nil, err
	}
	if q.Kind == sql.Push && o.FromEarliest {
		r.reader.latest = false
	}
	r.setEventTimeBounds(o)
	qctx, cancel := context.WithCancel(e.ctx)
	stopOnCaller := context.AfterFunc(ctx, cancel)
	res, batches, errc := streamResult(q.OutputSchema(), q.Kind, cancel)
	go func() {
		defer stopOnCaller()
		defer r.close()
		err := r.loop(qctx, sendTo(qctx, batches))
		close(batches)
		if errors.Is(err, context.Canceled) {
			err = nil
		}
		errc <- err
	}()
	return res, nil
}

// loop drives a query until its input ends, its LIMIT is reached or ctx is
// cancelled.
func (r *queryRun) loop(ctx context.Context, emit func(exec.Batch) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		done, read, err := r.step(ctx, emit)
		if err != nil {
			return err
		}
		if done || r.pipe.Done() {
			return nil
		}
		if !read {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(r.e.opts.PollInterval):
			}
		}
	}
}
