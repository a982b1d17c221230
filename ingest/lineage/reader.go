package lineage

import (
	"context"
	"fmt"
	"sort"

	"github.com/freshet/freshet/ingest"
)

// Cursor is a reader's position in one shard: the next offset to read.
type Cursor struct {
	Shard string `json:"shard"`
	Next  uint64 `json:"next"`
}

// Position is where a reader stands in a stream: the shards being read and
// the shards read to their ends.
type Position struct {
	Active   []Cursor `json:"active"`
	Finished []string `json:"finished"`
}

// Clone returns a deep copy of p.
func (p Position) Clone() Position {
	return Position{Active: append([]Cursor(nil), p.Active...), Finished: append([]string(nil), p.Finished...)}
}

// Reader reads a stream's shards in lineage order. It is used by one
// goroutine at a time.
type Reader struct {
	store  ingest.Store
	stream string
	limit  int
	// Until, when positive, bounds the input: records that arrived after it
	// (Unix ms) are not read, and Poll reports done once every shard is
	// read up to it.
	Until int64
	// Latest starts the shards open at the first Poll at their end instead
	// of their oldest record (closed ones are skipped).
	Latest bool

	active   []*Cursor
	finished map[string]bool
	started  bool
}

// New returns a reader of stream that reads at most limit records of a
// shard per Poll.
func New(store ingest.Store, stream string, limit int) *Reader {
	return &Reader{store: store, stream: stream, limit: limit, finished: map[string]bool{}}
}

// Position returns the reader's position.
func (r *Reader) Position() Position {
	p := Position{}
	for _, c := range r.active {
		p.Active = append(p.Active, *c)
	}
	for s := range r.finished {
		p.Finished = append(p.Finished, s)
	}
	sort.Strings(p.Finished)
	return p
}

// Restore sets the reader's position; started says whether the reader had
// begun (so that shards not in p start at their oldest record).
func (r *Reader) Restore(p Position, started bool) {
	r.active = nil
	for _, c := range p.Active {
		r.active = append(r.active, &Cursor{Shard: c.Shard, Next: c.Next})
	}
	r.finished = map[string]bool{}
	for _, s := range p.Finished {
		r.finished[s] = true
	}
	r.started = started
}

// refresh starts the shards whose parents are all finished.
func (r *Reader) refresh(ctx context.Context) error {
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
		if !r.started && r.Latest {
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
		r.active = append(r.active, &Cursor{Shard: sh.ID, Next: off})
	}
	r.started = true
	sort.Slice(r.active, func(i, j int) bool { return r.active[i].Shard < r.active[j].Shard })
	return nil
}

// Poll reads one page from every active shard and hands each non-empty one
// to fn. It reports whether it read anything or moved a position (read),
// and, for bounded input, whether every shard is done.
func (r *Reader) Poll(ctx context.Context, fn func(shard string, recs []ingest.Record) error) (read, done bool, err error) {
	if !r.started {
		if err := r.refresh(ctx); err != nil {
			return false, false, err
		}
	}
	ended := false
	for _, c := range r.active {
		res, err := r.store.ReadShard(ctx, r.stream, c.Shard, c.Next, r.limit)
		if err != nil {
			return read, false, fmt.Errorf("read stream %s shard %s: %w", r.stream, c.Shard, err)
		}
		recs := res.Records
		bounded := false
		if r.Until > 0 {
			for i, rec := range recs {
				if rec.Arrival.UnixMilli() > r.Until {
					recs, bounded = recs[:i], true
					break
				}
			}
		}
		if n := len(recs); n > 0 {
			c.Next = recs[n-1].Seq.Offset + 1
			read = true
			if err := fn(c.Shard, recs); err != nil {
				return read, false, err
			}
		} else if !bounded && res.NextOffset > c.Next {
			c.Next = res.NextOffset // records trimmed by retention
			read = true
		}
		switch {
		case res.ChildShards != nil && !bounded && len(recs) == len(res.Records):
			r.finished[c.Shard] = true
			ended = true
		case r.Until > 0 && (bounded || len(res.Records) == 0):
			r.finished[c.Shard] = true // bounded input: read up to the bound
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
			return read, false, err
		}
		read = true
	}
	return read, r.Until > 0 && len(r.active) == 0, nil
}

// Lag counts the records between the reader's positions and the current
// ends of the shards it reads.
func (r *Reader) Lag(ctx context.Context) (int64, error) {
	return Lag(ctx, r.store, r.stream, r.Position())
}

// Lag counts the records of stream between position p and the current ends
// of p's shards.
func Lag(ctx context.Context, store ingest.Store, stream string, p Position) (int64, error) {
	var n int64
	for _, c := range p.Active {
		end, err := store.ShardPosition(ctx, stream, c.Shard, ingest.IteratorSpec{Type: ingest.Latest})
		if err != nil {
			return 0, err
		}
		if end > c.Next {
			n += int64(end - c.Next)
		}
	}
	return n, nil
}
