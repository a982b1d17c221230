package storetest

import (
	"testing"

	"github.com/freshet/freshet/ingest"
)

func testSplitMergeLineage(t *testing.T, open Opener) {
	h, _ := openWithClock(t, open)
	s := h.Store
	mustCreate(t, s, "rs", 1)
	var before []ingest.PutResult
	for i := 0; i < 30; i++ {
		before = append(before, mustPut(t, s, "rs", entry(keyN(i), "before"))...)
	}
	parentIt, err := s.ShardIterator(ctx, "rs", ingest.ShardID(0), ingest.IteratorSpec{Type: ingest.TrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	half := ingest.EvenRanges(2)[1].Start
	if err := s.SplitShard(ctx, "rs", ingest.ShardID(0), half.String()); err != nil {
		t.Fatal(err)
	}
	d := describe(t, s, "rs")
	if len(d.Shards) != 3 || d.OpenShardCount != 2 {
		t.Fatalf("after split: %+v", d.Shards)
	}
	p, a, b := d.Shards[0], d.Shards[1], d.Shards[2]
	if !p.Closed || p.EndingSequenceNumber != before[len(before)-1].SequenceNumber {
		t.Fatalf("parent after split: %+v, want closed ending at %s", p, before[len(before)-1].SequenceNumber)
	}
	if a.ParentShardID != p.ID || b.ParentShardID != p.ID || a.AdjacentParentShardID != "" {
		t.Fatalf("children lineage: %+v %+v", a, b)
	}
	if a.HashKeyRange.Start != p.HashKeyRange.Start || a.HashKeyRange.End != half.Sub1() || b.HashKeyRange.Start != half || b.HashKeyRange.End != p.HashKeyRange.End {
		t.Fatalf("children ranges: %v %v", a.HashKeyRange, b.HashKeyRange)
	}
	// New writes go to the children, with larger sequence numbers.
	for i := 0; i < 30; i++ {
		r := mustPut(t, s, "rs", entry(keyN(i), "after"))[0]
		if r.ShardID == p.ID {
			t.Fatalf("a record went to the closed parent")
		}
		if r.SequenceNumber <= before[i].SequenceNumber {
			t.Fatalf("child sequence number %s not above the parent's %s", r.SequenceNumber, before[i].SequenceNumber)
		}
	}
	// A reader of the parent reads it to its end, then learns the children.
	var n int
	it := parentIt
	for it != "" {
		res, err := s.GetRecords(ctx, it, 7)
		if err != nil {
			t.Fatal(err)
		}
		n += len(res.Records)
		for _, r := range res.Records {
			if string(r.Data) != "before" {
				t.Fatalf("parent holds %q", r.Data)
			}
		}
		if res.NextIterator == "" {
			if len(res.ChildShards) != 2 || res.ChildShards[0].ShardID != a.ID || res.ChildShards[1].ShardID != b.ID ||
				len(res.ChildShards[0].ParentShards) != 1 || res.ChildShards[0].ParentShards[0] != p.ID {
				t.Fatalf("child shards at the parent's end: %+v", res.ChildShards)
			}
		} else if len(res.ChildShards) != 0 {
			t.Fatalf("child shards before the parent's end")
		}
		it = res.NextIterator
	}
	if n != 30 {
		t.Fatalf("read %d records from the closed parent, want 30", n)
	}

	// Merge the two children back.
	if err := s.MergeShards(ctx, "rs", a.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	d = describe(t, s, "rs")
	m := d.Shards[3]
	if d.OpenShardCount != 1 || m.Closed || m.ParentShardID != a.ID || m.AdjacentParentShardID != b.ID || m.HashKeyRange != p.HashKeyRange {
		t.Fatalf("merged shard: %+v (open %d)", m, d.OpenShardCount)
	}
	_, res := readAll(t, s, "rs", a.ID, 100)
	if len(res.ChildShards) != 1 || res.ChildShards[0].ShardID != m.ID || len(res.ChildShards[0].ParentShards) != 2 {
		t.Fatalf("children of a merged parent: %+v", res.ChildShards)
	}
	r := mustPut(t, s, "rs", entry("x", "merged"))[0]
	if r.ShardID != m.ID {
		t.Fatalf("record after merge went to %s, want %s", r.ShardID, m.ID)
	}
}

func testReshardErrors(t *testing.T, open Opener) {
	h, _ := openWithClock(t, open)
	s := h.Store
	mustCreate(t, s, "re", 3)
	d := describe(t, s, "re")
	sh0 := d.Shards[0]
	wantKind(t, s.SplitShard(ctx, "re", sh0.ID, sh0.HashKeyRange.Start.String()), ingest.ErrInvalidArgument, "split at the start key")
	wantKind(t, s.SplitShard(ctx, "re", sh0.ID, sh0.HashKeyRange.End.Add1().String()), ingest.ErrInvalidArgument, "split past the end")
	wantKind(t, s.SplitShard(ctx, "re", sh0.ID, "abc"), ingest.ErrInvalidArgument, "split at a malformed key")
	wantKind(t, s.SplitShard(ctx, "re", "shardId-000000000042", "1"), ingest.ErrNotFound, "split an unknown shard")
	wantKind(t, s.SplitShard(ctx, "nope", sh0.ID, "1"), ingest.ErrNotFound, "split in an unknown stream")
	wantKind(t, s.MergeShards(ctx, "re", d.Shards[0].ID, d.Shards[2].ID), ingest.ErrInvalidArgument, "merge non-adjacent shards")
	wantKind(t, s.MergeShards(ctx, "re", d.Shards[0].ID, d.Shards[0].ID), ingest.ErrInvalidArgument, "merge a shard with itself")
	if err := s.MergeShards(ctx, "re", d.Shards[1].ID, d.Shards[0].ID); err != nil {
		t.Fatalf("merge adjacent shards given right to left: %v", err)
	}
	wantKind(t, s.SplitShard(ctx, "re", sh0.ID, sh0.HashKeyRange.End.String()), ingest.ErrInvalidArgument, "split a closed shard")
	if n := len(describe(t, s, "re").Shards); n != 4 {
		t.Fatalf("rejected reshards changed the stream: %d shards", n)
	}
}

func testUpdateShardCount(t *testing.T, open Opener) {
	h, _ := openWithClock(t, open)
	s := h.Store
	mustCreate(t, s, "u", 4)
	put := func() {
		var es []ingest.PutEntry
		for i := 0; i < 100; i++ {
			es = append(es, entry(keyN(i), "x"))
		}
		mustPut(t, s, "u", es...)
	}
	put()
	for _, target := range []int{6, 3, 5, 5, 10, 5, 3, 2, 1} {
		if err := s.UpdateShardCount(ctx, "u", target); err != nil {
			t.Fatalf("to %d shards: %v", target, err)
		}
		d := describe(t, s, "u")
		open := openShards(d)
		if len(open) != target || d.OpenShardCount != target {
			t.Fatalf("to %d shards: %d open", target, len(open))
		}
		want := ingest.EvenRanges(target)
		for i, sh := range open {
			if sh.HashKeyRange != want[i] {
				t.Fatalf("to %d shards: shard %d range %v, want %v", target, i, sh.HashKeyRange, want[i])
			}
		}
		// Every shard made by resharding has one parent, or a parent and
		// an adjacent parent, all of them closed.
		byID := map[string]ingest.Shard{}
		for _, sh := range d.Shards {
			byID[sh.ID] = sh
		}
		for _, sh := range d.Shards {
			for _, pid := range []string{sh.ParentShardID, sh.AdjacentParentShardID} {
				if pid != "" && !byID[pid].Closed {
					t.Fatalf("shard %s has open parent %s", sh.ID, pid)
				}
			}
		}
		put()
	}
	wantKind(t, s.UpdateShardCount(ctx, "u", 5), ingest.ErrInvalidArgument, "more than double")
	wantKind(t, s.UpdateShardCount(ctx, "u", 0), ingest.ErrValidation, "zero shards")
	wantKind(t, s.UpdateShardCount(ctx, "nope", 2), ingest.ErrNotFound, "unknown stream")
	// Every record is still readable: follow the lineage from the roots.
	total := 0
	for _, sh := range describe(t, s, "u").Shards {
		recs, _ := readAll(t, s, "u", sh.ID, 10000)
		total += len(recs)
	}
	if total != 1000 {
		t.Fatalf("read %d records across all shards, wrote 1000", total)
	}
}

func testShardLimit(t *testing.T, open Opener) {
	h := open(t, Config{Limits: ingest.Limits{MaxShardsPerStream: 3}})
	s := h.Store
	if got := s.Limits().MaxShardsPerStream; got != 3 {
		t.Fatalf("Limits().MaxShardsPerStream = %d", got)
	}
	wantKind(t, s.CreateStream(ctx, ingest.CreateStreamInput{Name: "big", ShardCount: 4}), ingest.ErrLimitExceeded, "create over the limit")
	mustCreate(t, s, "l", 3)
	d := describe(t, s, "l")
	mid := ingest.SplitRange(d.Shards[0].HashKeyRange, 2)[1].Start
	wantKind(t, s.SplitShard(ctx, "l", d.Shards[0].ID, mid.String()), ingest.ErrLimitExceeded, "split over the limit")
	wantKind(t, s.UpdateShardCount(ctx, "l", 4), ingest.ErrLimitExceeded, "scale over the limit")
	if err := s.MergeShards(ctx, "l", d.Shards[0].ID, d.Shards[1].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.SplitShard(ctx, "l", ingest.ShardID(3), mid.String()); err != nil {
		t.Fatalf("split within the limit after a merge: %v", err)
	}
}
