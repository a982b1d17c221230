package streamstore

import (
	"context"
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/freshet/freshet/ingest"
)

// routed is one entry of a PutRecords call on its way to a shard.
type routed struct {
	index int // position in the request
	entry ingest.Entry
}

// PutRecords implements ingest.Store.
func (s *Store) PutRecords(ctx context.Context, name string, entries []ingest.PutEntry) ([]ingest.PutResult, error) {
	const op = "put records"
	if len(entries) == 0 || len(entries) > ingest.MaxPutRecordsEntries {
		return nil, ingest.Errorf(op, ingest.ErrValidation,
			"1 validation error detected: Value '%d' at 'records' failed to satisfy constraint: Member must have length less than or equal to %d and greater than or equal to 1", len(entries), ingest.MaxPutRecordsEntries)
	}
	st, err := s.stream(op, name)
	if err != nil {
		return nil, err
	}
	keys := make([]ingest.HashKey, len(entries))
	total := 0
	for i, e := range entries {
		if err := validatePartitionKey(op, i, e.PartitionKey); err != nil {
			return nil, err
		}
		size := len(e.Data) + len(e.PartitionKey)
		if size > st.maxRecordSize {
			return nil, ingest.Errorf(op, ingest.ErrValidation,
				"1 validation error detected: Value at 'records.%d.member.data' failed to satisfy constraint: Member must have length less than or equal to %d (record size %d bytes including its partition key)", i+1, st.maxRecordSize, size)
		}
		total += size
		if e.ExplicitHashKey != "" {
			k, err := ingest.ParseHashKey(e.ExplicitHashKey)
			if err != nil {
				return nil, ingest.Errorf(op, ingest.ErrInvalidArgument, "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was %s", e.ExplicitHashKey)
			}
			keys[i] = k
		} else {
			keys[i] = ingest.PartitionHash(e.PartitionKey)
		}
	}
	if total > ingest.MaxPutRecordsBytes {
		return nil, ingest.Errorf(op, ingest.ErrInvalidArgument,
			"Records size exceeds 10 MB limit: the request holds %d bytes of data and partition keys", total)
	}

	st.mu.RLock()
	defer st.mu.RUnlock()
	byShard := map[*shard][]routed{}
	var order []*shard
	for i, e := range entries {
		sh := st.route(keys[i])
		if sh == nil {
			return nil, fmt.Errorf("%s: no open shard holds hash key %s of stream %s", op, keys[i], name)
		}
		if e.SequenceNumberForOrdering != "" {
			if err := checkOrdering(op, st, sh, e.SequenceNumberForOrdering); err != nil {
				return nil, err
			}
		}
		if _, ok := byShard[sh]; !ok {
			order = append(order, sh)
		}
		byShard[sh] = append(byShard[sh], routed{index: i, entry: ingest.Entry{PartitionKey: []byte(e.PartitionKey), Data: e.Data}})
	}

	results := make([]ingest.PutResult, len(entries))
	arrival := s.now().UnixMilli()
	var wg sync.WaitGroup
	for n, sh := range order {
		batch := byShard[sh]
		if sh.limiter != nil {
			sizes := make([]int, len(batch))
			for i, r := range batch {
				sizes[i] = len(r.entry.Data) + len(r.entry.PartitionKey)
			}
			admitted := sh.limiter.take(s.now(), sizes)
			for _, r := range batch[admitted:] {
				results[r.index].Err = ingest.Errorf(op, ingest.ErrThrottled,
					"Rate exceeded for shard %s in stream %s under account %s.", sh.id(), name, s.opts.AccountID)
			}
			batch = batch[:admitted]
		}
		if len(batch) == 0 {
			continue
		}
		write := func() { s.appendBatch(st, sh, batch, arrival, results) }
		if n == len(order)-1 {
			write() // the last shard on this goroutine
		} else {
			wg.Add(1)
			go func() { defer wg.Done(); write() }()
		}
	}
	wg.Wait()
	return results, nil
}

// appendBatch appends one shard's part of a request and fills its results.
func (s *Store) appendBatch(st *stream, sh *shard, batch []routed, arrival int64, results []ingest.PutResult) {
	es := make([]ingest.Entry, len(batch))
	for i, r := range batch {
		es[i] = r.entry
	}
	if err := sh.log.Append(es, arrival); err != nil {
		for _, r := range batch {
			results[r.index].Err = &ingest.Error{Op: "put records", Kind: ingest.ErrInternal, Msg: "Internal service failure.", Err: err}
		}
		return
	}
	id := sh.id()
	for i, r := range batch {
		results[r.index] = ingest.PutResult{ShardID: id, SequenceNumber: ingest.SequenceNumber{Shard: sh.ordinal, Offset: es[i].Offset}.String()}
	}
}

func validatePartitionKey(op string, i int, k string) error {
	n := utf8.RuneCountInString(k)
	if n < 1 || n > ingest.MaxPartitionKeyLen {
		return ingest.Errorf(op, ingest.ErrValidation,
			"1 validation error detected: Value '%s' at 'records.%d.member.partitionKey' failed to satisfy constraint: Member must have length between 1 and %d", k, i+1, ingest.MaxPartitionKeyLen)
	}
	return nil
}

// checkOrdering validates SequenceNumberForOrdering for a record bound for
// sh: it must be a sequence number this stream issued to sh or to a shard
// with a lower ordinal (sh's ancestors), so that sh's next sequence number is
// necessarily greater.
func checkOrdering(op string, st *stream, sh *shard, text string) error {
	seq, err := ingest.ParseSequenceNumber(text)
	if err != nil {
		return ingest.Errorf(op, ingest.ErrInvalidArgument, "ExclusiveMinimumSequenceNumber %s used in PutRecord on stream %s is invalid: %v", text, st.name, err)
	}
	if seq.Shard > sh.ordinal || seq.Shard == sh.ordinal && seq.Offset >= sh.log.Next() || seq.Shard >= st.nextOrdinal {
		return ingest.Errorf(op, ingest.ErrInvalidArgument,
			"ExclusiveMinimumSequenceNumber %s used in PutRecord on stream %s was not issued by shard %s or one of its ancestors.", text, st.name, sh.id())
	}
	return nil
}
