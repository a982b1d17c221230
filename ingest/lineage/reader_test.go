package lineage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/lineage"
	"github.com/freshet/freshet/ingest/storetest"
	"github.com/freshet/freshet/ingest/streamstore"
)

func put(t *testing.T, s ingest.Store, key string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if _, err := s.PutRecords(context.Background(), "s", []ingest.PutEntry{{PartitionKey: key, Data: []byte(fmt.Sprint(i))}}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestParentsBeforeChildren: after a split, a reader finishes the parent
// before it reads the children, and a key's records come in put order.
func TestParentsBeforeChildren(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	s, err := streamstore.Open(streamstore.Options{RetentionCheck: -1, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.CreateStream(ctx, ingest.CreateStreamInput{Name: "s", ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	put(t, s, "k", 5)
	if err := s.SplitShard(ctx, "s", ingest.ShardID(0), ingest.EvenRanges(2)[1].Start.String()); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	put(t, s, "k", 5)
	r := lineage.New(s, "s", 2) // small pages: several polls per shard
	var order []string
	for i := 0; i < 20; i++ {
		if _, _, err := r.Poll(ctx, func(shard string, recs []ingest.Record) error {
			for _, rec := range recs {
				order = append(order, shard+":"+string(rec.Data))
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if len(order) != 10 || order[0] != "shardId-000000000000:0" || order[4] != "shardId-000000000000:4" || order[9][len(order[9])-1] != '4' {
		t.Fatalf("read order %v", order)
	}
	for _, x := range order[5:] {
		if x[:len("shardId-000000000000")] == "shardId-000000000000" {
			t.Fatalf("parent read after a child: %v", order)
		}
	}
	// The position restores: a new reader at it reads nothing more.
	r2 := lineage.New(s, "s", 100)
	r2.Restore(r.Position(), true)
	read := 0
	r2.Poll(ctx, func(string, []ingest.Record) error { read++; return nil })
	if read != 0 {
		t.Fatalf("a restored reader read again")
	}
	if lag, err := r.Lag(ctx); err != nil || lag != 0 {
		t.Fatalf("lag %d %v", lag, err)
	}
	// Bounded by arrival: only the records before the split's second.
	b := lineage.New(s, "s", 100)
	b.Until = clock.Now().Add(-time.Second).UnixMilli()
	n, done := 0, false
	for i := 0; i < 10 && !done; i++ {
		_, done, err = b.Poll(ctx, func(_ string, recs []ingest.Record) error { n += len(recs); return nil })
		if err != nil {
			t.Fatal(err)
		}
	}
	if !done || n != 5 {
		t.Fatalf("bounded read: %d records, done=%v", n, done)
	}
}
