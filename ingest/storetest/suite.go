package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/freshet/freshet/ingest"
)

// Clock is a settable clock for stores under test.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// Config is what a test asks of a new store.
type Config struct {
	Limits ingest.Limits
	Now    func() time.Time
}

// Harness is an open store under test.
type Harness struct {
	Store ingest.Store
	// EnforceRetention drops expired records now.
	EnforceRetention func() error
	// Reopen closes the store and opens it again on the same files; nil for
	// a store that keeps nothing across restarts.
	Reopen func(t *testing.T) Harness
}

// Opener opens a fresh, empty store; it registers its own cleanup.
type Opener func(t *testing.T, cfg Config) Harness

// Run runs the whole conformance suite against the stores open makes.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"CreateDescribeList", testCreateDescribeList},
		{"Routing", testRouting},
		{"SequenceNumbers", testSequenceNumbers},
		{"PutValidation", testPutValidation},
		{"Iterators", testIterators},
		{"IteratorExpiry", testIteratorExpiry},
		{"ReadManyPages", testReadManyPages},
		{"SplitMergeLineage", testSplitMergeLineage},
		{"ReshardErrors", testReshardErrors},
		{"UpdateShardCount", testUpdateShardCount},
		{"ShardLimit", testShardLimit},
		{"Retention", testRetention},
		{"Tags", testTags},
		{"WriteLimits", testWriteLimits},
		{"ConcurrentPuts", testConcurrentPuts},
		{"DeleteAndRecreate", testDeleteAndRecreate},
		{"Persistence", testPersistence},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

var ctx = context.Background()

var epoch = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func openWithClock(t *testing.T, open Opener) (Harness, *Clock) {
	c := NewClock(epoch)
	return open(t, Config{Now: c.Now}), c
}

func mustCreate(t *testing.T, s ingest.Store, name string, shards int) {
	t.Helper()
	if err := s.CreateStream(ctx, ingest.CreateStreamInput{Name: name, ShardCount: shards}); err != nil {
		t.Fatalf("create stream %s: %v", name, err)
	}
}

func mustPut(t *testing.T, s ingest.Store, name string, entries ...ingest.PutEntry) []ingest.PutResult {
	t.Helper()
	res, err := s.PutRecords(ctx, name, entries)
	if err != nil {
		t.Fatalf("put records: %v", err)
	}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("put record %d: %v", i, r.Err)
		}
	}
	return res
}

func entry(key, data string) ingest.PutEntry {
	return ingest.PutEntry{PartitionKey: key, Data: []byte(data)}
}

func wantKind(t *testing.T, err, kind error, what string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("%s: got error %v, want kind %v", what, err, kind)
	}
	if ingest.Message(err) == "" {
		t.Fatalf("%s: error %v has no message", what, err)
	}
}

func describe(t *testing.T, s ingest.Store, name string) ingest.StreamDescription {
	t.Helper()
	d, err := s.DescribeStream(ctx, name)
	if err != nil {
		t.Fatalf("describe %s: %v", name, err)
	}
	return d
}

// readAll reads a shard from TRIM_HORIZON to its current end through
// iterators, pages of limit records.
func readAll(t *testing.T, s ingest.Store, name, shard string, limit int) ([]ingest.Record, ingest.GetRecordsResult) {
	t.Helper()
	it, err := s.ShardIterator(ctx, name, shard, ingest.IteratorSpec{Type: ingest.TrimHorizon})
	if err != nil {
		t.Fatalf("iterator for %s: %v", shard, err)
	}
	var out []ingest.Record
	for {
		res, err := s.GetRecords(ctx, it, limit)
		if err != nil {
			t.Fatalf("get records from %s: %v", shard, err)
		}
		out = append(out, res.Records...)
		if res.NextIterator == "" || len(res.Records) == 0 {
			return out, res
		}
		it = res.NextIterator
	}
}

// openShards lists the open shards by hash-key range.
func openShards(d ingest.StreamDescription) []ingest.Shard {
	var out []ingest.Shard
	for _, sh := range d.Shards {
		if !sh.Closed {
			out = append(out, sh)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].HashKeyRange.Start.Cmp(out[j].HashKeyRange.Start) < 0 })
	return out
}

func keyN(i int) string { return fmt.Sprintf("key-%d", i) }
