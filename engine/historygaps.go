package engine

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/lakescan"
)

// HistoryGap is a run of one shard's records that a history query
// (ExecOptions.History) cannot see: retention has dropped them and the
// stream's archive does not hold them — the stream has no archive, the
// archive was added later, or its delivery fell behind retention.
type HistoryGap struct {
	Shard string
	// First and Last are the run's offsets. Last is 0 when the end is not
	// known: the shard expired entirely and the archive holds none of it.
	First, Last uint64
	// After and Before bound when the missing records arrived: later than
	// After and earlier than Before. A zero time is a bound not known.
	After, Before time.Time
}

// Records counts the gap's records (0 when not known).
func (g HistoryGap) Records() int64 {
	if g.Last < g.First {
		return 0
	}
	return int64(g.Last - g.First + 1)
}

// HistoryGaps reports, shard by shard, the records of stream that are
// neither retained nor archived, in shard then offset order. It reads the
// lake's listing (not its files), and the footers of the files next to
// each gap for its time bounds. Records that failed to decode count as
// archived (they are in the lake's error files; queries skip them anyway).
func (e *Engine) HistoryGaps(ctx context.Context, stream string) ([]HistoryGap, error) {
	def, ok := e.catalog.Stream(stream)
	if !ok {
		return nil, fmt.Errorf("history gaps: stream %s does not exist", stream)
	}
	sm, err := e.takeSeam(ctx, def.Name)
	if err != nil {
		return nil, fmt.Errorf("history gaps: %w", err)
	}
	var store output.ObjectStore
	var spans []lakescan.Span
	if def.Options.Archive != "" {
		if store, err = e.openArchiveOf(ctx, def); err != nil {
			return nil, fmt.Errorf("history gaps: %w", err)
		}
		if spans, err = lakescan.Spans(ctx, store, def.Name); err != nil {
			return nil, fmt.Errorf("history gaps: %w", err)
		}
	}
	byShard := map[string][]lakescan.Span{}
	for _, s := range spans {
		byShard[s.Shard] = append(byShard[s.Shard], s)
	}
	g := gapFinder{ctx: ctx, store: store, spans: byShard}
	var gaps []HistoryGap
	for id, rs := range sm.shards {
		// Offsets [1, first) have been dropped by retention.
		found, err := g.holes(id, 1, rs.first-1, rs.created, rs.arrival)
		if err != nil {
			return nil, err
		}
		gaps = append(gaps, found...)
	}
	for ord := range sm.maxOrdinal {
		id := ingest.ShardID(ord)
		if _, listed := sm.shards[id]; listed {
			continue
		}
		// An expired shard: what the lake holds of it, less its holes; its
		// end is not known any more.
		ss := byShard[id]
		if len(ss) == 0 {
			gaps = append(gaps, HistoryGap{Shard: id, First: 1})
			continue
		}
		last := uint64(0)
		for _, s := range ss {
			last = max(last, s.Last)
		}
		found, err := g.holes(id, 1, last, time.Time{}, time.Time{})
		if err != nil {
			return nil, err
		}
		gaps = append(gaps, found...)
	}
	sort.Slice(gaps, func(i, j int) bool {
		if gaps[i].Shard != gaps[j].Shard {
			return gaps[i].Shard < gaps[j].Shard
		}
		return gaps[i].First < gaps[j].First
	})
	return gaps, nil
}

// gapFinder finds the holes in a shard's lake spans.
type gapFinder struct {
	ctx   context.Context
	store output.ObjectStore
	spans map[string][]lakescan.Span // by shard, by first offset
}

// holes returns the runs of offsets in [from, to] of shard that no span
// covers. start bounds the arrival of the shard's first record (its
// creation), end that of record to+1 (zero when not known).
func (g gapFinder) holes(shard string, from, to uint64, start, end time.Time) ([]HistoryGap, error) {
	var out []HistoryGap
	next := from // the first offset not yet known to be covered
	spans := g.spans[shard]
	for _, s := range spans {
		if next > to {
			break
		}
		if s.First > next {
			out = append(out, HistoryGap{Shard: shard, First: next, Last: min(s.First-1, to)})
		}
		next = max(next, s.Last+1)
	}
	if next <= to {
		out = append(out, HistoryGap{Shard: shard, First: next, Last: to})
	}
	for i := range out {
		gap := &out[i]
		switch {
		case gap.First == 1:
			gap.After = start
		default:
			t, err := g.arrival(spans, gap.First-1, false)
			if err != nil {
				return nil, err
			}
			gap.After = t
		}
		switch {
		case gap.Last == to:
			gap.Before = end
		default:
			t, err := g.arrival(spans, gap.Last+1, true)
			if err != nil {
				return nil, err
			}
			gap.Before = t
		}
	}
	return out, nil
}

// arrival returns when the record at offset off arrived, as far as the
// lake tells: a span that starts there (first) or ends there (!first)
// holds it, and arrival times within a shard do not decrease, so it is
// that span's earliest (or latest) arrival. An error file tells only the
// hour.
func (g gapFinder) arrival(spans []lakescan.Span, off uint64, first bool) (time.Time, error) {
	for _, s := range spans {
		if first && s.First != off || !first && s.Last != off {
			continue
		}
		if s.Errors {
			if first {
				return s.Hour.Add(time.Hour), nil
			}
			return s.Hour, nil
		}
		lo, hi, err := lakescan.ArrivalRange(g.ctx, g.store, s.Key, s.Size)
		if err != nil {
			return time.Time{}, fmt.Errorf("history gaps: %w", err)
		}
		if first {
			return lo, nil
		}
		return hi, nil
	}
	return time.Time{}, nil
}
