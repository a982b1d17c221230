package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/freshet/freshet/ingest"
)

func testCreateDescribeList(t *testing.T, open Opener) {
	h, _ := openWithClock(t, open)
	s := h.Store
	mustCreate(t, s, "beta", 4)
	mustCreate(t, s, "alpha", 1)
	names, err := s.ListStreams(ctx)
	if err != nil || strings.Join(names, ",") != "alpha,beta" {
		t.Fatalf("list streams = %v, %v; want alpha,beta", names, err)
	}
	d := describe(t, s, "beta")
	if d.Status != ingest.StatusActive || d.RetentionHours != 24 || d.OpenShardCount != 4 || len(d.Shards) != 4 {
		t.Fatalf("describe beta = %+v", d)
	}
	if !strings.HasPrefix(d.ARN, "arn:aws:kinesis:") || !strings.HasSuffix(d.ARN, ":stream/beta") {
		t.Fatalf("ARN %q", d.ARN)
	}
	// Even split of 0..2^128-1, contiguous, ids in order.
	want := ingest.EvenRanges(4)
	for i, sh := range d.Shards {
		if sh.ID != ingest.ShardID(uint32(i)) || sh.HashKeyRange != want[i] || sh.Closed || sh.ParentShardID != "" {
			t.Fatalf("shard %d = %+v, want range %v", i, sh, want[i])
		}
	}
	if d.Shards[0].HashKeyRange.Start != (ingest.HashKey{}) || d.Shards[3].HashKeyRange.End != ingest.MaxHashKey {
		t.Fatalf("ranges do not cover 0..2^128-1: %+v", d.Shards)
	}
	if d.Shards[0].ID != "shardId-000000000000" {
		t.Fatalf("shard id %q", d.Shards[0].ID)
	}

	wantKind(t, s.CreateStream(ctx, ingest.CreateStreamInput{Name: "beta", ShardCount: 1}), ingest.ErrInUse, "create twice")
	_, err = s.DescribeStream(ctx, "nope")
	wantKind(t, err, ingest.ErrNotFound, "describe unknown")
	wantKind(t, s.DeleteStream(ctx, "nope"), ingest.ErrNotFound, "delete unknown")
	wantKind(t, s.CreateStream(ctx, ingest.CreateStreamInput{Name: "bad name!", ShardCount: 1}), ingest.ErrValidation, "bad name")
	wantKind(t, s.CreateStream(ctx, ingest.CreateStreamInput{Name: "zero", ShardCount: 0}), ingest.ErrValidation, "zero shards")
	wantKind(t, s.CreateStream(ctx, ingest.CreateStreamInput{Name: "r", ShardCount: 1, RetentionHours: 8761}), ingest.ErrInvalidArgument, "retention too long")
	if err := s.DeleteStream(ctx, "alpha"); err != nil {
		t.Fatal(err)
	}
	names, _ = s.ListStreams(ctx)
	if strings.Join(names, ",") != "beta" {
		t.Fatalf("after delete: %v", names)
	}
}

func testRouting(t *testing.T, open Opener) {
	h, _ := openWithClock(t, open)
	s := h.Store
	mustCreate(t, s, "r", 5)
	d := describe(t, s, "r")
	var entries []ingest.PutEntry
	for i := 0; i < 200; i++ {
		entries = append(entries, entry(keyN(i), "x"))
	}
	// Explicit hash keys at every shard's first and last key override the
	// partition key's hash.
	for _, sh := range d.Shards {
		entries = append(entries,
			ingest.PutEntry{PartitionKey: "same", ExplicitHashKey: sh.HashKeyRange.Start.String(), Data: []byte("s")},
			ingest.PutEntry{PartitionKey: "same", ExplicitHashKey: sh.HashKeyRange.End.String(), Data: []byte("e")})
	}
	res := mustPut(t, s, "r", entries...)
	for i, e := range entries {
		k := ingest.PartitionHash(e.PartitionKey)
		if e.ExplicitHashKey != "" {
			k, _ = ingest.ParseHashKey(e.ExplicitHashKey)
		}
		var want string
		for _, sh := range d.Shards {
			if sh.HashKeyRange.Contains(k) {
				want = sh.ID
			}
		}
		if res[i].ShardID != want {
			t.Fatalf("entry %d (%q) went to %s, want %s", i, e.PartitionKey, res[i].ShardID, want)
		}
	}
	// A known MD5: "a" hashes to 0x0cc175b9c0f1b6a831c399e269772661.
	k := ingest.PartitionHash("a")
	if k.Hi != 0x0cc175b9c0f1b6a8 || k.Lo != 0x31c399e269772661 {
		t.Fatalf("MD5 routing of \"a\" = %x %x", k.Hi, k.Lo)
	}
}

func testTags(t *testing.T, open Opener) {
	h, _ := openWithClock(t, open)
	s := h.Store
	if err := s.CreateStream(ctx, ingest.CreateStreamInput{Name: "t", ShardCount: 1, Tags: map[string]string{"team": "data"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddTags(ctx, "t", map[string]string{"env": "prod", "team": "web"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveTags(ctx, "t", []string{"env", "absent"}); err != nil {
		t.Fatal(err)
	}
	d := describe(t, s, "t")
	if len(d.Tags) != 1 || d.Tags["team"] != "web" {
		t.Fatalf("tags = %v", d.Tags)
	}
	many := map[string]string{}
	for i := 0; i < ingest.MaxTagsPerStream; i++ {
		many[keyN(i)] = "v"
	}
	wantKind(t, s.AddTags(ctx, "t", many), ingest.ErrLimitExceeded, "too many tags")
	wantKind(t, s.AddTags(ctx, "nope", many), ingest.ErrNotFound, "tags on unknown stream")
	if d := describe(t, s, "t"); len(d.Tags) != 1 {
		t.Fatalf("a rejected AddTags changed the tags: %v", d.Tags)
	}
}

func testRetention(t *testing.T, open Opener) {
	h, clock := openWithClock(t, open)
	s := h.Store
	mustCreate(t, s, "ret", 1)
	wantKind(t, s.SetRetention(ctx, "ret", 23), ingest.ErrInvalidArgument, "retention 23h")
	wantKind(t, s.SetRetention(ctx, "ret", 8761), ingest.ErrInvalidArgument, "retention 8761h")
	if err := s.SetRetention(ctx, "ret", 48); err != nil {
		t.Fatal(err)
	}
	if describe(t, s, "ret").RetentionHours != 48 {
		t.Fatal("retention not set")
	}
	for i := 0; i < 10; i++ {
		mustPut(t, s, "ret", entry("k", "old"))
	}
	clock.Advance(47 * time.Hour)
	mustPut(t, s, "ret", entry("k", "new"))
	if err := h.EnforceRetention(); err != nil {
		t.Fatal(err)
	}
	recs, _ := readAll(t, s, "ret", ingest.ShardID(0), 100)
	if len(recs) != 11 {
		t.Fatalf("within retention: %d records, want 11", len(recs))
	}
	clock.Advance(2 * time.Hour) // old records are now 49 h old, the new one 2 h
	if err := h.EnforceRetention(); err != nil {
		t.Fatal(err)
	}
	recs, _ = readAll(t, s, "ret", ingest.ShardID(0), 100)
	if len(recs) != 1 || string(recs[0].Data) != "new" {
		t.Fatalf("after retention: %d records (%v), want only the new one", len(recs), recs)
	}
	// Sequence numbers keep increasing after a trim.
	res := mustPut(t, s, "ret", entry("k", "newer"))
	if res[0].SequenceNumber <= recs[0].SequenceNumber() {
		t.Fatalf("sequence number went back after trim: %s <= %s", res[0].SequenceNumber, recs[0].SequenceNumber())
	}
}

func testDeleteAndRecreate(t *testing.T, open Opener) {
	h, clock := openWithClock(t, open)
	s := h.Store
	mustCreate(t, s, "d", 2)
	mustPut(t, s, "d", entry("a", "1"), entry("b", "2"))
	it, err := s.ShardIterator(ctx, "d", ingest.ShardID(0), ingest.IteratorSpec{Type: ingest.TrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteStream(ctx, "d"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Millisecond)
	mustCreate(t, s, "d", 1)
	_, err = s.GetRecords(ctx, it, 10)
	wantKind(t, err, ingest.ErrNotFound, "iterator of a deleted stream")
	recs, _ := readAll(t, s, "d", ingest.ShardID(0), 10)
	if len(recs) != 0 {
		t.Fatalf("re-created stream holds %d old records", len(recs))
	}
}

func testPersistence(t *testing.T, open Opener) {
	h, clock := openWithClock(t, open)
	if h.Reopen == nil {
		t.Log("this store keeps nothing across restarts; nothing to check")
		return
	}
	s := h.Store
	if err := s.CreateStream(ctx, ingest.CreateStreamInput{Name: "p", ShardCount: 2, Tags: map[string]string{"a": "b"}}); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "q", 1)
	var before []ingest.PutResult
	for i := 0; i < 50; i++ {
		before = append(before, mustPut(t, s, "p", entry(keyN(i), keyN(i)))...)
	}
	if err := s.SplitShard(ctx, "p", ingest.ShardID(0), ingest.EvenRanges(4)[1].Start.String()); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRetention(ctx, "p", 100); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	d1 := describe(t, s, "p")

	h = h.Reopen(t)
	s = h.Store
	d2 := describe(t, s, "p")
	if d2.RetentionHours != 100 || d2.Tags["a"] != "b" || len(d2.Shards) != len(d1.Shards) || d2.OpenShardCount != 3 {
		t.Fatalf("after reopen: %+v, before %+v", d2, d1)
	}
	for i := range d1.Shards {
		a, b := d1.Shards[i], d2.Shards[i]
		if a.ID != b.ID || a.HashKeyRange != b.HashKeyRange || a.ParentShardID != b.ParentShardID || a.Closed != b.Closed || a.EndingSequenceNumber != b.EndingSequenceNumber {
			t.Fatalf("shard %d after reopen: %+v, before %+v", i, b, a)
		}
	}
	names, _ := s.ListStreams(ctx)
	if len(names) != 2 {
		t.Fatalf("streams after reopen: %v", names)
	}
	got := map[string]string{}
	for _, sh := range d2.Shards {
		recs, _ := readAll(t, s, "p", sh.ID, 7)
		for _, r := range recs {
			got[r.SequenceNumber()] = string(r.Data)
		}
	}
	for i, r := range before {
		if got[r.SequenceNumber] != keyN(i) {
			t.Fatalf("record %d (%s) after reopen = %q", i, r.SequenceNumber, got[r.SequenceNumber])
		}
	}
	// New records get new, larger sequence numbers in each shard.
	res := mustPut(t, s, "p", entry(keyN(0), "after"))
	var last string
	for _, r := range before {
		if r.ShardID == res[0].ShardID && r.SequenceNumber > last {
			last = r.SequenceNumber
		}
	}
	if res[0].SequenceNumber <= last {
		t.Fatalf("sequence number %s after reopen is not above %s", res[0].SequenceNumber, last)
	}
}
