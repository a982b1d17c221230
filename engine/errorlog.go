package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/freshet/freshet/engine/decode"
	"github.com/freshet/freshet/ingest"
)

// errorLog writes the records of a stream that could not be decoded, with
// the reason, to its error stream <stream>__errors, each record once
// however many queries read it (snapshot queries and backtests re-read
// the same records again and again). It remembers the (shard, sequence
// number) pairs the error stream holds, read from the error stream itself
// the first time a stream's errors are written, so restarts do not write
// them again either.
type errorLog struct {
	mu      sync.Mutex
	streams map[string]*streamErrors
}

// streamErrors is what the log knows of one stream's error stream. Its
// lock is held while writing, so queries of other streams do not wait.
type streamErrors struct {
	mu   sync.Mutex
	seen map[string]bool // shard + "/" + sequence number; nil until loaded
}

func newErrorLog() *errorLog { return &errorLog{streams: map[string]*streamErrors{}} }

// stream returns the state of stream's error stream.
func (l *errorLog) stream(stream string) *streamErrors {
	l.mu.Lock()
	defer l.mu.Unlock()
	se, ok := l.streams[stream]
	if !ok {
		se = &streamErrors{}
		l.streams[stream] = se
	}
	return se
}

// errorStream names the error stream of stream.
func errorStream(stream string) string { return stream + "__errors" }

// errorRecord is the JSON of one record of an error stream.
type errorRecord struct {
	Stream       string `json:"stream"`
	Shard        string `json:"shard"`
	Sequence     string `json:"sequence_number"`
	PartitionKey string `json:"partition_key"`
	Reason       string `json:"reason"`
	Data         string `json:"data"`
}

// write appends the errors not yet in stream's error stream (created on
// first use) and returns how many it wrote.
func (l *errorLog) write(ctx context.Context, store ingest.Store, stream string, errs []decode.RecordError) (int, error) {
	se := l.stream(stream)
	se.mu.Lock()
	defer se.mu.Unlock()
	name := errorStream(stream)
	if se.seen == nil {
		seen, err := loadErrorKeys(ctx, store, name)
		if err != nil {
			return 0, err
		}
		se.seen = seen
	}
	seen := se.seen
	var entries []ingest.PutEntry
	var keys []string
	for _, re := range errs {
		key := re.Shard + "/" + re.Seq.String()
		if seen[key] {
			continue
		}
		data, err := json.Marshal(errorRecord{Stream: stream, Shard: re.Shard, Sequence: re.Seq.String(),
			PartitionKey: re.PartitionKey, Reason: re.Reason, Data: string(re.Data)})
		if err != nil {
			return 0, fmt.Errorf("encode decode error: %w", err)
		}
		entries = append(entries, ingest.PutEntry{PartitionKey: re.PartitionKey, Data: data})
		keys = append(keys, key)
	}
	if len(entries) == 0 {
		return 0, nil
	}
	if _, err := store.DescribeStream(ctx, name); errors.Is(err, ingest.ErrNotFound) {
		if err := store.CreateStream(ctx, ingest.CreateStreamInput{Name: name, ShardCount: 1}); err != nil && !errors.Is(err, ingest.ErrInUse) {
			return 0, fmt.Errorf("create %s: %w", name, err)
		}
	}
	for start := 0; start < len(entries); start += ingest.MaxPutRecordsEntries {
		end := min(start+ingest.MaxPutRecordsEntries, len(entries))
		if err := putAll(ctx, store, name, entries[start:end]); err != nil {
			return start, fmt.Errorf("write %s: %w", name, err)
		}
		for _, k := range keys[start:end] {
			seen[k] = true
		}
	}
	return len(entries), nil
}

// forget drops what the log knows of a stream (it was dropped).
func (l *errorLog) forget(stream string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.streams, stream)
}

// loadErrorKeys reads the (shard, sequence number) pairs an error stream
// holds; none when it does not exist yet.
func loadErrorKeys(ctx context.Context, store ingest.Store, name string) (map[string]bool, error) {
	seen := map[string]bool{}
	d, err := store.DescribeStream(ctx, name)
	if errors.Is(err, ingest.ErrNotFound) {
		return seen, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	for _, sh := range d.Shards {
		for from := uint64(0); ; {
			res, err := store.ReadShard(ctx, name, sh.ID, from, 10_000)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", name, err)
			}
			for _, r := range res.Records {
				var er errorRecord
				if json.Unmarshal(r.Data, &er) == nil && er.Sequence != "" {
					seen[er.Shard+"/"+er.Sequence] = true
				}
			}
			if len(res.Records) == 0 || res.NextOffset == from {
				break
			}
			from = res.NextOffset
		}
	}
	return seen, nil
}
