package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/freshet/freshet/engine/decode"
	"github.com/freshet/freshet/engine/eval"
	"github.com/freshet/freshet/engine/exec"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/lake"
	"github.com/freshet/freshet/output/lakescan"
	"github.com/freshet/freshet/sql"
)

// A history query (ExecOptions.History) is a snapshot over everything a
// stream has held: for a stream with an archive, the records retention
// has dropped are read from the lake, then the retained ones from the
// shards, through one pipeline.
//
// The seam between the two is taken once, before either is read: for
// each shard the stream lists, the sequence number of its oldest retained
// record (or of its next record, when it holds none). A lake row belongs
// to the history's lake part when its sequence number is below its
// shard's seam, or when its shard is no longer listed because it expired
// entirely; every other record is read from the shards, from the seam on.
// A record that is both archived and retained is therefore read once,
// from the shards, and one that was neither archived nor retained is
// missing (HistoryGaps reports those).
//
// Both parts keep the same records a live snapshot keeps: arrived by Now
// (_arrival in the lake), event time within [EventTimeFrom,
// EventTimeUntil]. The lake part also drops rows that arrived before the
// stream was created (an earlier stream of the same name, archived to the
// same place). Its scan is pruned by those bounds and by the WHERE
// clause's (NOW()-relative ones included), and skips the files whose rows
// all lie past their shard's seam.
//
// Retention may trim a shard while the query reads it; records between the
// seam and what is left would then be read from neither part. The shard
// reads check that they start at the seam and are contiguous, and the
// query ends with ErrHistoryTrimmed when retention moved past what was
// read; running it again takes a new seam.

// ErrHistoryTrimmed reports that retention dropped records of the stream
// while a history query was reading them, so that the query may have
// missed some. Running the query again gives the right answer.
var ErrHistoryTrimmed = errors.New("retention dropped records while the history query read them (run it again)")

// seam is where a stream's retained records begin, shard by shard, at the
// moment a history query starts.
type seam struct {
	stream string
	// shards maps each listed shard to where its retained records begin.
	shards map[string]retainedStart
	// maxOrdinal is the highest ordinal listed. A shard that is not listed
	// but has a lower ordinal has expired (ordinals are given in increasing
	// order, so a shard created later has a higher one).
	maxOrdinal uint32
	// created is when the stream was created (Unix ms).
	created int64
}

// retainedStart is where a shard's retained records begin.
type retainedStart struct {
	ordinal uint32
	created time.Time
	// first is the offset of the oldest retained record, or of the next
	// record when the shard holds none; seq is its sequence number.
	first uint64
	seq   string
	// arrival is when the oldest retained record arrived (zero if none).
	arrival time.Time
}

// takeSeam reads where each shard's retained records begin: one record
// per shard.
func (e *Engine) takeSeam(ctx context.Context, stream string) (*seam, error) {
	d, err := e.store.DescribeStream(ctx, stream)
	if err != nil {
		return nil, fmt.Errorf("describe stream %s: %w", stream, err)
	}
	s := &seam{stream: stream, shards: map[string]retainedStart{}, created: d.CreatedAt.UnixMilli()}
	for _, sh := range d.Shards {
		res, err := e.store.ReadShard(ctx, stream, sh.ID, 0, 1)
		if err != nil {
			return nil, fmt.Errorf("read stream %s shard %s: %w", stream, sh.ID, err)
		}
		rs := retainedStart{ordinal: sh.Ordinal, created: sh.CreatedAt, first: res.NextOffset}
		if len(res.Records) > 0 {
			rs.first, rs.arrival = res.Records[0].Seq.Offset, res.Records[0].Arrival
		}
		rs.seq = ingest.SequenceNumber{Shard: sh.Ordinal, Offset: rs.first}.String()
		s.shards[sh.ID] = rs
		s.maxOrdinal = max(s.maxOrdinal, sh.Ordinal)
	}
	return s, nil
}

// archived reports whether the record of shard with sequence number seq
// (38-digit text, so text order is numeric order) belongs to the lake
// part of the history.
func (s *seam) archived(shard, seq string) bool {
	if rs, ok := s.shards[shard]; ok {
		return seq < rs.seq
	}
	ord, err := ingest.ParseShardID(shard)
	return err == nil && ord < s.maxOrdinal
}

// selectFile keeps the lake files that may hold rows of the lake part: a
// file's first row has its lowest sequence number.
func (s *seam) selectFile(f lakescan.File) bool {
	shard, first, _, ok := lake.ParseFileName(f.Key)
	return !ok || s.archived(shard, first)
}

// The columns a history query's lake scan reads after the query's own.
var seamFields = []arrow.Field{
	{Name: decode.ColShard, Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: decode.ColSequence, Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: decode.ColArrival, Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
}

// usedFields lists, as Arrow fields, the columns of the scan that the
// pipeline reads, in its order.
func usedFields(scan *sql.Scan, pipe *exec.Pipeline) ([]arrow.Field, error) {
	fields := make([]arrow.Field, len(pipe.Used()))
	for i, u := range pipe.Used() {
		c := scan.Output[u]
		t, err := eval.ArrowType(c.Type)
		if err != nil {
			return nil, err
		}
		fields[i] = arrow.Field{Name: c.Name, Type: t, Nullable: true}
	}
	return fields, nil
}

// openArchiveOf opens the object store of a stream's archive.
func (e *Engine) openArchiveOf(ctx context.Context, def *sql.StreamDef) (output.ObjectStore, error) {
	if e.opts.OpenArchive == nil {
		return nil, fmt.Errorf("archive of %s: this engine has no object stores configured (Options.OpenArchive)", def.Name)
	}
	store, err := e.opts.OpenArchive(ctx, def.Options.Archive)
	if err != nil {
		return nil, fmt.Errorf("archive of %s at %s: %w", def.Name, def.Options.Archive, err)
	}
	return store, nil
}

// runHistoryQuery runs a snapshot query over a stream's history: its lake,
// then its retained records (see the comment at the top of this file). A
// stream without an archive runs as an ordinary snapshot.
func (e *Engine) runHistoryQuery(ctx context.Context, q *sql.Query, o ExecOptions) (*Result, error) {
	scan := q.Scan()
	def, ok := e.catalog.Stream(scan.Stream)
	if !ok || def.Options.Archive == "" || q.Kind != sql.Snapshot || scan.Archive {
		o.History = false
		return e.runQuery(ctx, q, o)
	}
	store, err := e.openArchiveOf(ctx, def)
	if err != nil {
		return nil, fmt.Errorf("run history query: %w", err)
	}
	sm, err := e.takeSeam(ctx, def.Name)
	if err != nil {
		return nil, fmt.Errorf("run history query: %w", err)
	}
	r, err := e.newRun(q, sql.Snapshot, o.Now, exec.Final)
	if err != nil {
		return nil, err
	}
	r.setEventTimeBounds(o)
	fields, err := usedFields(scan, r.pipe)
	if err != nil {
		r.close()
		return nil, err
	}
	nowMs := o.Now.UnixMilli()
	keep := timeRange{from: math.MinInt64, to: math.MaxInt64}
	if r.from != 0 {
		keep.from = r.from
	}
	if r.until != 0 {
		keep.to = r.until + 1 // inclusive
	}
	prune := keep.intersect(whereTimeRange(q, def, nowMs))
	if def.Options.EventTime == "" {
		// The event time is the arrival time, which is at most Now.
		prune = prune.intersect(timeRange{from: math.MinInt64, to: nowMs + 1})
	}
	if prune.from >= prune.to {
		prune = timeRange{} // an empty range: no hour qualifies
	}
	qctx, cancel := context.WithCancel(e.ctx)
	stopOnCaller := context.AfterFunc(ctx, cancel)
	sc, err := lakescan.Open(qctx, lakescan.Options{
		Store: store, Stream: def.Name, Schema: arrow.NewSchema(append(fields, seamFields...), nil),
		From: prune.fromTime(), To: prune.toTime(), Partitions: wherePartitions(q, def),
		Select: sm.selectFile, Mem: e.opts.Mem, Progress: o.Progress,
	})
	if err != nil {
		stopOnCaller()
		cancel()
		r.close()
		return nil, fmt.Errorf("run history query: %w", err)
	}
	lf := lakeFilter{e: e, seam: sm, times: keep, now: nowMs, schema: arrow.NewSchema(fields, nil)}
	res, batches, errc := streamResult(q.OutputSchema(), q.Kind, cancel)
	emit := sendTo(qctx, batches)
	go func() {
		defer stopOnCaller()
		defer r.close()
		err := e.pushArchive(sc, r.pipe, lf.keep, emit)
		sc.Close()
		if err == nil {
			err = r.readRetained(qctx, sm, emit)
		}
		close(batches)
		if errors.Is(err, context.Canceled) {
			err = nil
		}
		errc <- err
	}()
	return res, nil
}

// setEventTimeBounds applies ExecOptions' event-time bounds to the run.
func (r *queryRun) setEventTimeBounds(o ExecOptions) {
	if !o.EventTimeUntil.IsZero() {
		r.until = o.EventTimeUntil.UnixMilli()
	}
	if !o.EventTimeFrom.IsZero() {
		r.from = o.EventTimeFrom.UnixMilli()
	}
}

// lakeFilter keeps the rows of a history query's lake part.
type lakeFilter struct {
	e     *Engine
	seam  *seam
	times timeRange // event time
	now   int64     // latest arrival (Unix ms)
	// schema is the pipeline's: the scanned columns without seamFields.
	schema *arrow.Schema
}

// keep returns the rows of b (the scan's columns, seamFields last) that
// belong to the lake part and the query's bounds, without the seamFields
// columns, as a batch the caller releases (a zero Batch when none does).
func (f lakeFilter) keep(b exec.Batch) (exec.Batch, error) {
	k := f.schema.NumFields()
	shards, ok1 := b.Rec.Column(k).(*array.String)
	seqs, ok2 := b.Rec.Column(k + 1).(*array.String)
	arrivals, ok3 := b.Rec.Column(k + 2).(*array.Timestamp)
	if !ok1 || !ok2 || !ok3 {
		return exec.Batch{}, fmt.Errorf("history of %s: unexpected types of the lake's metadata columns", f.seam.stream)
	}
	n := len(b.Times)
	mask := make([]bool, n)
	times := make([]int64, 0, n)
	for i, t := range b.Times {
		if !f.times.has(t) || shards.IsNull(i) || seqs.IsNull(i) || arrivals.IsNull(i) {
			continue
		}
		at := int64(arrivals.Value(i))
		if at > f.now || at < f.seam.created || !f.seam.archived(shards.Value(i), seqs.Value(i)) {
			continue
		}
		mask[i] = true
		times = append(times, t)
	}
	if len(times) == 0 {
		return exec.Batch{}, nil
	}
	rec := b.Rec
	if len(times) < n {
		mb := array.NewBooleanBuilder(f.e.opts.Mem)
		defer mb.Release()
		mb.AppendValues(mask, nil)
		m := mb.NewArray()
		defer m.Release()
		filtered, err := eval.Filter(f.e.opts.Mem, b.Rec, m)
		if err != nil {
			return exec.Batch{}, fmt.Errorf("history of %s: %w", f.seam.stream, err)
		}
		defer filtered.Release()
		rec = filtered
	}
	return exec.Batch{Rec: array.NewRecord(f.schema, rec.Columns()[:k], int64(len(times))), Times: times}, nil
}

// readRetained runs the retained records through the pipeline, checking
// that retention did not take any the seam leaves to the shards, and
// closes the windows at the end.
func (r *queryRun) readRetained(ctx context.Context, sm *seam, emit func(exec.Batch) error) error {
	// The shards whose oldest retained record had arrived by Now must be
	// read from their seam on; the others give nothing (arrival times
	// within a shard do not decrease).
	next := map[string]uint64{}
	for id, rs := range sm.shards {
		if !rs.arrival.IsZero() && rs.arrival.UnixMilli() <= r.reader.until {
			next[id] = rs.first
		}
	}
	now := r.e.opts.Now()
	for !r.pipe.Done() {
		if err := ctx.Err(); err != nil {
			return err
		}
		done, err := r.reader.poll(ctx, func(p page) error {
			if want, ok := next[p.shard]; ok {
				if got := p.records[0].Seq.Offset; got != want {
					return fmt.Errorf("history of %s: shard %s: records %d to %d are gone: %w", sm.stream, p.shard, want, got-1, ErrHistoryTrimmed)
				}
				next[p.shard] = p.records[len(p.records)-1].Seq.Offset + 1
			}
			return r.consume(ctx, p, now, emit)
		})
		if err != nil {
			return err
		}
		if done {
			break
		}
	}
	// Retention may also have taken, unseen, what was left to read of a
	// shard: its oldest record must not lie past where reading stopped.
	for id, want := range next {
		first, err := r.e.store.ShardPosition(ctx, sm.stream, id, ingest.IteratorSpec{Type: ingest.TrimHorizon})
		if errors.Is(err, ingest.ErrNotFound) {
			return fmt.Errorf("history of %s: shard %s expired: %w", sm.stream, id, ErrHistoryTrimmed)
		}
		if err != nil {
			return fmt.Errorf("history of %s: shard %s: %w", sm.stream, id, err)
		}
		if first > want {
			return fmt.Errorf("history of %s: shard %s: records %d to %d are gone: %w", sm.stream, id, want, first-1, ErrHistoryTrimmed)
		}
	}
	return endInput(r.pipe, emit)
}
