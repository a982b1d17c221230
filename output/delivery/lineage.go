package delivery

import (
	"context"
	"fmt"
	"sort"

	"github.com/freshet/freshet/ingest"
)

// reader walks every shard of a stream in lineage order, as the engine's
// source readers do: a shard is read once all its parents have been read
// to their ends, so per-key order survives splits and merges.
type reader struct {
	store    ingest.Store
	stream   string
	limit    int
	active   []*cursor
	finished map[string]bool
	started  bool
}

func newReader(store ingest.Store, stream string, limit int, p position, started bool) *reader {
	r := &reader{store: store, stream: stream, limit: limit, finished: map[string]bool{}, started: started}
	for _, c := range p.Active {
		r.active = append(r.active, &cursor{Shard: c.Shard, Next: c.Next})
	}
	for _, s := range p.Finished {
		r.finished[s] = true
	}
	return r
}

func (r *reader) position() position {
	p := position{}
	for _, c := range r.active {
		p.Active = append(p.Active, *c)
	}
	for s := range r.finished {
		p.Finished = append(p.Finished, s)
	}
	sort.Strings(p.Finished)
	return p
}

// refresh starts the shards whose parents are all finished, at their
// oldest retained record.
func (r *reader) refresh(ctx context.Context) error {
	d, err := r.store.DescribeStream(ctx, r.stream)
	if err != nil {
		return fmt.Errorf("describe stream %s: %w", r.stream, err)
	}
	present := map[string]bool{}
	for _, sh := range d.Shards {
		present[sh.ID] = true
	}
	isActive := map[string]bool{}
	for _, c := range r.active {
		isActive[c.Shard] = true
	}
	for _, sh := range d.Shards {
		if r.finished[sh.ID] || isActive[sh.ID] {
			continue
		}
		ready := true
		for _, p := range []string{sh.ParentShardID, sh.AdjacentParentShardID} {
			if p != "" && present[p] && !r.finished[p] {
				ready = false
			}
		}
		if !ready {
			continue
		}
		off, err := r.store.ShardPosition(ctx, r.stream, sh.ID, ingest.IteratorSpec{Type: ingest.TrimHorizon})
		if err != nil {
			return fmt.Errorf("read stream %s: %w", r.stream, err)
		}
		r.active = append(r.active, &cursor{Shard: sh.ID, Next: off})
	}
	r.started = true
	sort.Slice(r.active, func(i, j int) bool { return r.active[i].Shard < r.active[j].Shard })
	return nil
}

// poll reads one page from every active shard and hands the non-empty
// ones to fn. It reports whether it read anything or moved on.
func (r *reader) poll(ctx context.Context, fn func(shard string, recs []ingest.Record) error) (bool, error) {
	if !r.started {
		if err := r.refresh(ctx); err != nil {
			return false, err
		}
	}
	progressed, ended := false, false
	for _, c := range r.active {
		res, err := r.store.ReadShard(ctx, r.stream, c.Shard, c.Next, r.limit)
		if err != nil {
			return progressed, fmt.Errorf("read stream %s shard %s: %w", r.stream, c.Shard, err)
		}
		if n := len(res.Records); n > 0 {
			c.Next = res.Records[n-1].Seq.Offset + 1
			progressed = true
			if err := fn(c.Shard, res.Records); err != nil {
				return progressed, err
			}
		} else if res.NextOffset > c.Next {
			c.Next = res.NextOffset // records trimmed by retention
			progressed = true
		}
		if res.ChildShards != nil {
			r.finished[c.Shard] = true
			ended = true
		}
	}
	if ended {
		kept := r.active[:0]
		for _, c := range r.active {
			if !r.finished[c.Shard] {
				kept = append(kept, c)
			}
		}
		r.active = kept
		if err := r.refresh(ctx); err != nil {
			return true, err
		}
		progressed = true
	}
	return progressed, nil
}

// readRange reads the records of one shard with offsets from..to.
func readRange(ctx context.Context, store ingest.Store, stream string, rg shardRange, limit int, fn func([]ingest.Record) error) error {
	next := rg.From
	for next <= rg.To {
		res, err := store.ReadShard(ctx, stream, rg.Shard, next, limit)
		if err != nil {
			return fmt.Errorf("read stream %s shard %s: %w", stream, rg.Shard, err)
		}
		recs := res.Records
		for i, rec := range recs {
			if rec.Seq.Offset > rg.To {
				recs = recs[:i]
				break
			}
		}
		if len(recs) > 0 {
			if err := fn(recs); err != nil {
				return err
			}
			next = recs[len(recs)-1].Seq.Offset + 1
		}
		if len(recs) < len(res.Records) || len(res.Records) == 0 {
			return nil
		}
	}
	return nil
}

// lag counts the records between the positions and the shards' ends.
func (r *reader) lag(ctx context.Context, p position) (int64, error) {
	var n int64
	for _, c := range p.Active {
		end, err := r.store.ShardPosition(ctx, r.stream, c.Shard, ingest.IteratorSpec{Type: ingest.Latest})
		if err != nil {
			return 0, err
		}
		if end > c.Next {
			n += int64(end - c.Next)
		}
	}
	return n, nil
}
