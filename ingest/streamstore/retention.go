package streamstore

import (
	"errors"
	"fmt"
	"time"
)

func (s *Store) retentionLoop() {
	defer close(s.done)
	t := time.NewTicker(s.opts.RetentionCheck)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.EnforceRetention()
		}
	}
}

// EnforceRetention drops the segments of every shard whose records are all
// older than the stream's retention period, and forgets closed shards whose
// records have all expired. The store runs it every Options.RetentionCheck.
func (s *Store) EnforceRetention() error {
	s.mu.RLock()
	streams := make([]*stream, 0, len(s.streams))
	for _, st := range s.streams {
		streams = append(streams, st)
	}
	s.mu.RUnlock()
	now := s.now()
	var errs []error
	for _, st := range streams {
		st.mu.RLock()
		cutoff := now.Add(-time.Duration(st.retentionHours) * time.Hour)
		for _, sh := range st.shards {
			if err := sh.log.Trim(cutoff.UnixMilli()); err != nil {
				errs = append(errs, fmt.Errorf("trim shard %s/%s: %w", st.name, sh.id(), err))
			}
		}
		st.mu.RUnlock()
		if err := s.dropExpiredShards(st, cutoff); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// dropExpiredShards removes closed shards that hold no records and were
// closed before the retention cutoff, as Kinesis stops listing them.
func (s *Store) dropExpiredShards(st *stream, cutoff time.Time) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.streams[st.name] != st {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	kept := st.shards[:0:0]
	var gone []*shard
	for _, sh := range st.shards {
		if sh.closed && sh.closedAt.Before(cutoff) && sh.log.First() == sh.log.Next() {
			gone = append(gone, sh)
			continue
		}
		kept = append(kept, sh)
	}
	if len(gone) == 0 {
		return nil
	}
	st.shards = kept
	linkChildren(st)
	if err := s.saveHolding(st); err != nil {
		return fmt.Errorf("drop expired shards of %s: %w", st.name, err)
	}
	for _, sh := range gone {
		if err := sh.log.Remove(); err != nil {
			return fmt.Errorf("remove expired shard %s/%s: %w", st.name, sh.id(), err)
		}
	}
	return nil
}
