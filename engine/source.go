package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/freshet/freshet/ingest"
)

// cursor is a reader's position in one shard.
type cursor struct {
	Shard string `json:"shard"`
	Next  uint64 `json:"next"`
}

// shardReader reads every shard of a stream in lineage order: a shard is
// read once all its parents have been read to their ends, so per-key order
// survives splits and merges.
type shardReader struct {
	store  ingest.Store
	stream string
	limit  int
	// until, when positive, bounds the input: records that arrived after
	// it (Unix ms) are not read (snapshot queries).
	until int64
	// latest starts the shards open at the start at their end (push
	// queries) instead of their oldest record.
	latest bool

	active   []*cursor
	finished map[string]bool
	started  bool
}

func newShardReader(store ingest.Store, stream string, limit int) *shardReader {
	return &shardReader{store: store, stream: stream, limit: limit, finished: map[string]bool{}}
}

// position is a reader's state for checkpoints.
type position struct {
	Active   []cursor `json:"active"`
	Finished []string `json:"finished"`
}

func (r *shardReader) position() position {
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

func (r *shardReader) restore(p position) {
	r.active = nil
	for _, c := range p.Active {
		r.active = append(r.active, &cursor{Shard: c.Shard, Next: c.Next})
	}
	for _, s := range p.Finished {
		r.finished[s] = true
	}
	r.started = true
}

// refresh starts the shards whose parents are all finished.
func (r *shardReader) refresh(ctx context.Context) error {
	d, err := r.store.DescribeStream(ctx, r.stream)
	if err != nil {
		return fmt.Errorf("read stream %s: %w", r.stream, err)
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
		spec := ingest.IteratorSpec{Type: ingest.TrimHorizon}
		if !r.started && r.latest {
			if sh.Closed {
				r.finished[sh.ID] = true // nothing new will come from it
				continue
			}
			spec.Type = ingest.Latest
		}
		off, err := r.store.ShardPosition(ctx, r.stream, sh.ID, spec)
		if err != nil {
			return fmt.Errorf("read stream %s: %w", r.stream, err)
		}
		r.active = append(r.active, &cursor{Shard: sh.ID, Next: off})
	}
	r.started = true
	// A closed shard can make its children ready at once.
	sort.Slice(r.active, func(i, j int) bool { return r.active[i].Shard < r.active[j].Shard })
	return nil
}

// page is what one read of one shard gave.
type page struct {
	shard   string
	records []ingest.Record
}

// poll reads one page from every active shard. It reports whether every
// shard is done (bounded input only).
func (r *shardReader) poll(ctx context.Context, fn func(p page) error) (done bool, err error) {
	if !r.started {
		if err := r.refresh(ctx); err != nil {
			return false, err
		}
	}
	progressed := false
	for _, c := range r.active {
		res, err := r.store.ReadShard(ctx, r.stream, c.Shard, c.Next, r.limit)
		if err != nil {
			if errors.Is(err, ingest.ErrNotFound) {
				return false, fmt.Errorf("read stream %s: %w", r.stream, err)
			}
			return false, err
		}
		recs := res.Records
		bounded := false
		if r.until > 0 {
			for i, rec := range recs {
				if rec.Arrival.UnixMilli() > r.until {
					recs, bounded = recs[:i], true
					break
				}
			}
		}
		if len(recs) > 0 {
			c.Next = recs[len(recs)-1].Seq.Offset + 1
			if err := fn(page{shard: c.Shard, records: recs}); err != nil {
				return false, err
			}
		} else if !bounded {
			c.Next = max(c.Next, res.NextOffset)
		}
		switch {
		case res.ChildShards != nil && !bounded && len(recs) == len(res.Records):
			r.finished[c.Shard] = true
			progressed = true
		case r.until > 0 && (bounded || len(res.Records) == 0):
			r.finished[c.Shard] = true // bounded input: this shard is read up to the bound
		}
	}
	if progressed || len(r.finished) > 0 {
		kept := r.active[:0]
		for _, c := range r.active {
			if !r.finished[c.Shard] {
				kept = append(kept, c)
			}
		}
		r.active = kept
	}
	if progressed {
		if err := r.refresh(ctx); err != nil {
			return false, err
		}
	}
	if r.until > 0 && len(r.active) == 0 {
		if err := r.refresh(ctx); err != nil {
			return false, err
		}
		return len(r.active) == 0, nil
	}
	return false, nil
}

// lag counts the records between the reader's positions and the current
// ends of the shards it reads.
func (r *shardReader) lag(ctx context.Context) (int64, error) {
	var n int64
	for _, c := range r.active {
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

// shards returns the shards being read.
func (r *shardReader) shards() []string {
	out := make([]string, len(r.active))
	for i, c := range r.active {
		out[i] = c.Shard
	}
	return out
}
