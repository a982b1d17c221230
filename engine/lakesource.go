package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/freshet/freshet/engine/decode"
	"github.com/freshet/freshet/engine/eval"
	"github.com/freshet/freshet/engine/exec"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/lakescan"
	"github.com/freshet/freshet/sql"
)

// runArchiveQuery runs a snapshot query over a stream's lake (FROM
// archive.<stream>): the lake scanner replaces the shard reader and the
// decoder, and the same pipeline runs over its batches. The planner
// refuses push and persistent queries over the archive.
func (e *Engine) runArchiveQuery(ctx context.Context, q *sql.Query, o ExecOptions) (*Result, error) {
	scan := q.Scan()
	def, err := e.scanDef(scan)
	if err != nil {
		return nil, err
	}
	if q.Kind != sql.Snapshot {
		return nil, fmt.Errorf("run query: %s can only be read by a snapshot query", describeScan(def))
	}
	if def.Dataset != nil && def.Dataset.TimeColumn == "" && !(o.EventTimeFrom.IsZero() && o.EventTimeUntil.IsZero()) {
		return nil, fmt.Errorf("run query: the dataset %s has no TIMESTAMP column to bound by event time (--from/--to)", def.Name)
	}
	if def.Options.Archive == "" {
		return nil, fmt.Errorf("run query: stream %s has no archive (CREATE STREAM … WITH (archive = '…'))", def.Name)
	}
	var store output.ObjectStore
	switch {
	case def.Dataset != nil:
		if store, err = e.openDataset(ctx, def.Name); err != nil {
			return nil, fmt.Errorf("run query: %w", err)
		}
	case e.opts.OpenArchive == nil:
		return nil, fmt.Errorf("run query: archive.%s: this engine has no object stores configured (Options.OpenArchive)", def.Name)
	default:
		if store, err = e.opts.OpenArchive(ctx, def.Options.Archive); err != nil {
			return nil, fmt.Errorf("run query: archive.%s at %s: %w", def.Name, def.Options.Archive, err)
		}
	}
	nowMs := o.Now.UnixMilli()
	pipe, err := exec.Build(q, exec.Env{Mem: e.opts.Mem, Now: func() int64 { return nowMs }, Mode: exec.Final})
	if err != nil {
		return nil, err
	}
	fields, err := usedFields(scan, pipe)
	if err != nil {
		pipe.Close()
		return nil, err
	}
	// The rows kept: ExecOptions' bounds exactly; the scan also prunes by
	// the WHERE clause's bounds on the event time, which the filter applies.
	keep := timeRange{from: math.MinInt64, to: math.MaxInt64}
	if !o.EventTimeFrom.IsZero() {
		keep.from = o.EventTimeFrom.UnixMilli()
	}
	if !o.EventTimeUntil.IsZero() {
		keep.to = o.EventTimeUntil.UnixMilli() + 1 // EventTimeUntil is inclusive
	}
	prune := keep.intersect(whereTimeRange(q, def, nowMs))
	if prune.from >= prune.to {
		prune = timeRange{from: 0, to: 0} // an empty range: no hour qualifies
	}
	qctx, cancel := context.WithCancel(e.ctx)
	stopOnCaller := context.AfterFunc(ctx, cancel)
	opts := lakescan.Options{
		Store: store, Stream: def.Name, Schema: arrow.NewSchema(fields, nil),
		From: prune.fromTime(), To: prune.toTime(), Partitions: wherePartitions(q, def),
		Mem: e.opts.Mem, Progress: o.Progress,
	}
	if def.Dataset != nil {
		opts.Dataset, opts.TimeColumn = true, def.Dataset.TimeColumn
	}
	sc, err := lakescan.Open(qctx, archiveScan(pipe, scan, keep, opts))
	if err != nil {
		stopOnCaller()
		cancel()
		pipe.Close()
		return nil, fmt.Errorf("run query: %w", err)
	}
	res, batches, errc := streamResult(q.OutputSchema(), q.Kind, cancel)
	emit := sendTo(qctx, batches)
	go func() {
		defer stopOnCaller()
		defer pipe.Close()
		err := e.scanArchive(sc, pipe, keep, emit)
		sc.Close()
		close(batches)
		if errors.Is(err, context.Canceled) {
			err = nil
		}
		errc <- err
	}()
	return res, nil
}

// endInput closes every window of a bounded query's pipeline once its
// input has ended, and emits what they hold.
func endInput(pipe *exec.Pipeline, emit func(exec.Batch) error) error {
	out, err := pipe.Advance(math.MaxInt64)
	if err != nil {
		return err
	}
	return emitAll(out, emit)
}

// scanArchive pushes the scanner's batches through the pipeline and closes
// its windows at the end.
func (e *Engine) scanArchive(sc *lakescan.Scanner, pipe *exec.Pipeline, keep timeRange, emit func(exec.Batch) error) error {
	if pipe.Splits() {
		return e.foldArchive(sc, pipe, keep, emit)
	}
	err := e.pushArchive(sc, pipe, func(b exec.Batch) (exec.Batch, error) { return e.keepRange(b, keep) }, emit)
	if err != nil {
		return err
	}
	return endInput(pipe, emit)
}

// pushArchive pushes the rows keep returns of each of the scanner's
// batches (a batch the caller releases, or a zero Batch for none) through
// the pipeline, until the scan ends or the pipeline needs no more.
func (e *Engine) pushArchive(sc *lakescan.Scanner, pipe *exec.Pipeline, keep func(exec.Batch) (exec.Batch, error), emit func(exec.Batch) error) error {
	for sc.Next() {
		lb := sc.Batch()
		b, err := keep(exec.Batch{Rec: lb.Rec, Times: lb.Times})
		if err != nil {
			return err
		}
		if b.Rec == nil {
			continue
		}
		out, err := pipe.Push(b)
		b.Release()
		if err != nil {
			return err
		}
		if err := emitAll(out, emit); err != nil {
			return err
		}
		if pipe.Done() {
			return nil
		}
	}
	return sc.Err()
}

// keepRange returns the rows of b with event times in r, as a batch the
// caller releases (b itself, retained, when every row is in range; a zero
// Batch when none is).
func (e *Engine) keepRange(b exec.Batch, r timeRange) (exec.Batch, error) {
	in := 0
	for _, t := range b.Times {
		if r.has(t) {
			in++
		}
	}
	switch in {
	case len(b.Times):
		b.Rec.Retain()
		return b, nil
	case 0:
		return exec.Batch{}, nil
	}
	mb := array.NewBooleanBuilder(e.opts.Mem)
	defer mb.Release()
	times := make([]int64, 0, in)
	for _, t := range b.Times {
		mb.Append(r.has(t))
		if r.has(t) {
			times = append(times, t)
		}
	}
	mask := mb.NewArray()
	defer mask.Release()
	rec, err := eval.Filter(e.opts.Mem, b.Rec, mask)
	if err != nil {
		return exec.Batch{}, err
	}
	return exec.Batch{Rec: rec, Times: times}, nil
}

// timeRange is an event-time range [from, to) in Unix ms;
// math.MinInt64 and math.MaxInt64 are open bounds.
type timeRange struct{ from, to int64 }

func (r timeRange) has(t int64) bool { return t >= r.from && t < r.to }

func (r timeRange) intersect(o timeRange) timeRange {
	return timeRange{from: max(r.from, o.from), to: min(r.to, o.to)}
}

func (r timeRange) fromTime() time.Time {
	if r.from == math.MinInt64 {
		return time.Time{}
	}
	return time.UnixMilli(r.from).UTC()
}

func (r timeRange) toTime() time.Time {
	if r.to == math.MaxInt64 {
		return time.Time{}
	}
	return time.UnixMilli(r.to).UTC()
}

// wherePartitions derives, from the WHERE clause's conjuncts, the values
// each partition field (archive_partition_by) may take: field = 'v' or
// field IN ('v', 'w') on a VARCHAR or BIGINT column. Other conjuncts leave
// a field open; the filter still runs, so this only limits what is read.
func wherePartitions(q *sql.Query, def *sql.StreamDef) map[string]map[string]bool {
	if len(def.Options.ArchivePartitionBy) == 0 {
		return nil
	}
	where := scanFilter(q)
	if where == nil {
		return nil
	}
	isField := func(x sql.Expr) (string, bool) {
		c, ok := x.(*sql.ColumnRef)
		if !ok {
			return "", false
		}
		for _, f := range def.Options.ArchivePartitionBy {
			if strings.EqualFold(f, c.Name) {
				return f, true
			}
		}
		return "", false
	}
	text := func(x sql.Expr) (string, bool) {
		l, ok := x.(*sql.Literal)
		if !ok || l.Value.IsNull() {
			return "", false
		}
		switch l.Value.Type {
		case sql.String:
			return l.Value.Str, true
		case sql.Int64:
			return strconv.FormatInt(l.Value.Int, 10), true
		}
		return "", false
	}
	out := map[string]map[string]bool{}
	var walk func(x sql.Expr)
	walk = func(x sql.Expr) {
		switch x := x.(type) {
		case *sql.Binary:
			if x.Op == sql.OpAnd {
				walk(x.L)
				walk(x.R)
				return
			}
			if x.Op != sql.OpEq {
				return
			}
			f, ok := isField(x.L)
			v, ok2 := text(x.R)
			if !ok || !ok2 {
				if f, ok = isField(x.R); !ok {
					return
				}
				if v, ok2 = text(x.L); !ok2 {
					return
				}
			}
			out[f] = map[string]bool{v: true}
		case *sql.In:
			f, ok := isField(x.X)
			if !ok || x.Not {
				return
			}
			set := map[string]bool{}
			for _, e := range x.List {
				v, ok := text(e)
				if !ok {
					return
				}
				set[v] = true
			}
			out[f] = set
		}
	}
	walk(where.Cond)
	return out
}

// scanFilter returns the Filter right above the scan (the WHERE clause).
func scanFilter(q *sql.Query) *sql.Filter {
	for n := q.Root; n != nil; {
		kids := n.Children()
		if len(kids) == 0 {
			return nil
		}
		if f, ok := n.(*sql.Filter); ok {
			if _, isScan := kids[0].(*sql.Scan); isScan {
				return f
			}
		}
		n = kids[0]
	}
	return nil
}

// whereTimeRange derives an event-time range from the WHERE clause: the
// conjuncts that compare the event-time column (the stream's event_time
// column, _event_time, or _arrival when the stream has no event-time
// column) with a timestamp constant — a literal or an expression without
// columns, such as NOW() - INTERVAL 5 MINUTE, with NOW() = now (Unix ms) —
// or put it BETWEEN two. Anything else leaves the range open; the filter
// still runs, so the range only needs to contain every row the filter
// keeps.
func whereTimeRange(q *sql.Query, def *sql.StreamDef, now int64) timeRange {
	r := timeRange{from: math.MinInt64, to: math.MaxInt64}
	where := scanFilter(q)
	if where == nil {
		return r
	}
	isTime := func(x sql.Expr) bool {
		c, ok := x.(*sql.ColumnRef)
		if !ok {
			return false
		}
		switch {
		case strings.EqualFold(c.Name, decode.ColEventTime):
			return true
		case def.Options.EventTime != "":
			return strings.EqualFold(c.Name, def.Options.EventTime)
		case def.Dataset != nil:
			return false // a dataset's _arrival is not its event time
		default:
			return strings.EqualFold(c.Name, decode.ColArrival)
		}
	}
	lit := func(x sql.Expr) (int64, bool) { return foldTime(x, now) }
	var walk func(x sql.Expr)
	walk = func(x sql.Expr) {
		switch x := x.(type) {
		case *sql.Binary:
			if x.Op == sql.OpAnd {
				walk(x.L)
				walk(x.R)
				return
			}
			op, col, v := x.Op, x.L, x.R
			if _, ok := lit(x.L); ok {
				col, v = x.R, x.L
				op = map[sql.BinaryOp]sql.BinaryOp{sql.OpLt: sql.OpGt, sql.OpLe: sql.OpGe, sql.OpGt: sql.OpLt, sql.OpGe: sql.OpLe, sql.OpEq: sql.OpEq}[op]
			}
			t, ok := lit(v)
			if !ok || !isTime(col) {
				return
			}
			switch op {
			case sql.OpGe:
				r.from = max(r.from, t)
			case sql.OpGt:
				r.from = max(r.from, t+1)
			case sql.OpLt:
				r.to = min(r.to, t)
			case sql.OpLe:
				r.to = min(r.to, t+1)
			case sql.OpEq:
				r.from, r.to = max(r.from, t), min(r.to, t+1)
			}
		case *sql.Between:
			lo, ok1 := lit(x.Lo)
			hi, ok2 := lit(x.Hi)
			if !x.Not && ok1 && ok2 && isTime(x.X) {
				r.from, r.to = max(r.from, lo), min(r.to, hi+1)
			}
		}
	}
	walk(where.Cond)
	return r
}
