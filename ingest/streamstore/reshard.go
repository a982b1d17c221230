package streamstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/freshet/freshet/ingest"
)

// SplitShard implements ingest.Store: the parent closes and two children take
// [start, newStart-1] and [newStart, end] of its range.
func (s *Store) SplitShard(ctx context.Context, name, shardID, newStartingHashKey string) error {
	const op = "split shard"
	key, err := ingest.ParseHashKey(newStartingHashKey)
	if err != nil {
		return ingest.Errorf(op, ingest.ErrInvalidArgument, "NewStartingHashKey %s is invalid: %v", newStartingHashKey, err)
	}
	return s.reshard(op, name, func(st *stream) error {
		sh, err := st.openShard(op, shardID)
		if err != nil {
			return err
		}
		if err := s.checkShardLimit(op, st, 1); err != nil {
			return err
		}
		r := sh.hashRange
		if key.Cmp(r.Start) <= 0 || key.Cmp(r.End) > 0 {
			return ingest.Errorf(op, ingest.ErrInvalidArgument,
				"NewStartingHashKey %s used in SplitShard() on shard %s in stream %s under account %s is not both greater than one plus the shard's StartingHashKey %s and less than the shard's EndingHashKey %s.",
				newStartingHashKey, sh.id(), name, s.opts.AccountID, r.Start, r.End)
		}
		return s.split(st, sh, key)
	})
}

// MergeShards implements ingest.Store: two adjacent open shards close and
// one child takes the union of their ranges.
func (s *Store) MergeShards(ctx context.Context, name, shardID, adjacentID string) error {
	const op = "merge shards"
	return s.reshard(op, name, func(st *stream) error {
		a, err := st.openShard(op, shardID)
		if err != nil {
			return err
		}
		b, err := st.openShard(op, adjacentID)
		if err != nil {
			return err
		}
		if !adjacent(a.hashRange, b.hashRange) && !adjacent(b.hashRange, a.hashRange) {
			return ingest.Errorf(op, ingest.ErrInvalidArgument,
				"Shards %s and %s in stream %s under account %s are not an adjacent pair of shards eligible for merging",
				a.id(), b.id(), name, s.opts.AccountID)
		}
		return s.merge(st, a, b)
	})
}

// UpdateShardCount implements ingest.Store. As in Kinesis, the target must be
// between half and double the current open shard count.
func (s *Store) UpdateShardCount(ctx context.Context, name string, target int) error {
	const op = "update shard count"
	return s.reshard(op, name, func(st *stream) error {
		cur := len(st.open)
		if target < 1 {
			return ingest.Errorf(op, ingest.ErrValidation, "1 validation error detected: Value '%d' at 'targetShardCount' failed to satisfy constraint: Member must have value greater than or equal to 1", target)
		}
		if target > s.opts.Limits.MaxShardsPerStream {
			return ingest.Errorf(op, ingest.ErrLimitExceeded, "Target shard count %d exceeds the shard limit of %d for stream %s.", target, s.opts.Limits.MaxShardsPerStream, name)
		}
		if target > 2*cur || 2*target < cur {
			return ingest.Errorf(op, ingest.ErrInvalidArgument,
				"UpdateShardCount from %d to %d shards on stream %s: the target must be at least half and at most double the current open shard count.", cur, target, name)
		}
		goal := ingest.EvenRanges(target)
		// 1. Split wherever a target boundary falls inside an open shard.
		for _, g := range goal[1:] {
			sh := st.route(g.Start)
			if sh.hashRange.Start.Cmp(g.Start) != 0 {
				if err := s.split(st, sh, g.Start); err != nil {
					return err
				}
			}
		}
		// 2. Merge, left to right, the shards that share a target range.
		for _, g := range goal {
			for {
				a := st.route(g.Start)
				if a.hashRange.End.Cmp(g.End) >= 0 {
					break
				}
				b := st.route(a.hashRange.End.Add1())
				if err := s.merge(st, a, b); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// reshard runs change under the stream's write lock and persists the result.
func (s *Store) reshard(op, name string, change func(st *stream) error) error {
	st, err := s.stream(op, name)
	if err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	st.mu.Lock()
	defer st.mu.Unlock()
	before := st.nextOrdinal
	err = change(st)
	if st.nextOrdinal == before {
		return err // nothing changed (a rejected request)
	}
	// Persist whatever changed, also when a later step of UpdateShardCount
	// failed, so that the files and the metadata agree.
	linkChildren(st)
	st.rebuildRouting()
	if serr := s.saveHolding(st); serr != nil {
		return errors.Join(err, fmt.Errorf("%s %s: %w", op, name, serr))
	}
	return err
}

func (st *stream) openShard(op, id string) (*shard, error) {
	sh, err := st.shardByID(op, id)
	if err != nil {
		return nil, err
	}
	if sh.closed {
		return nil, ingest.Errorf(op, ingest.ErrInvalidArgument, "Shard %s in stream %s is closed: only open shards can be split or merged.", id, st.name)
	}
	return sh, nil
}

func (s *Store) checkShardLimit(op string, st *stream, more int) error {
	if len(st.open)+more > s.opts.Limits.MaxShardsPerStream {
		return ingest.Errorf(op, ingest.ErrLimitExceeded,
			"This request would exceed the shard limit for stream %s: %d open shards, limit %d.", st.name, len(st.open), s.opts.Limits.MaxShardsPerStream)
	}
	return nil
}

// close marks sh closed at its current end. The caller holds the stream's
// write lock, so no append is in flight.
func (s *Store) close(sh *shard) {
	sh.closed = true
	sh.closedAt = s.now()
	sh.endOffset = sh.log.Next() - 1
}

// split closes sh and opens two children divided at key. The routing table
// is updated at once so that a following step of UpdateShardCount sees it.
func (s *Store) split(st *stream, sh *shard, key ingest.HashKey) error {
	lo := ingest.HashRange{Start: sh.hashRange.Start, End: key.Sub1()}
	hi := ingest.HashRange{Start: key, End: sh.hashRange.End}
	a, err := s.addShard(st, lo, int64(sh.ordinal), -1)
	if err != nil {
		return err
	}
	if _, err := s.addShard(st, hi, int64(sh.ordinal), -1); err != nil {
		st.shards = st.shards[:len(st.shards)-1]
		a.log.Remove()
		return err
	}
	s.close(sh)
	st.rebuildRouting()
	return nil
}

// merge closes a and b and opens one child over both ranges, with a as its
// parent and b as its adjacent parent.
func (s *Store) merge(st *stream, a, b *shard) error {
	r := ingest.HashRange{Start: a.hashRange.Start, End: b.hashRange.End}
	if b.hashRange.Start.Cmp(a.hashRange.Start) < 0 {
		r = ingest.HashRange{Start: b.hashRange.Start, End: a.hashRange.End}
	}
	if _, err := s.addShard(st, r, int64(a.ordinal), int64(b.ordinal)); err != nil {
		return err
	}
	s.close(a)
	s.close(b)
	st.rebuildRouting()
	return nil
}

// adjacent reports whether range b starts right after range a ends.
func adjacent(a, b ingest.HashRange) bool {
	return a.End != ingest.MaxHashKey && a.End.Add1() == b.Start
}
