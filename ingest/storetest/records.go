package storetest

import (
	"bytes"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/freshet/freshet/ingest"
)

func testSequenceNumbers(t *testing.T, open Opener) {
	h, _ := openWithClock(t, open)
	s := h.Store
	mustCreate(t, s, "seq", 3)
	seen := map[string]bool{}
	last := map[string]*big.Int{}
	for round := 0; round < 20; round++ {
		var es []ingest.PutEntry
		for i := 0; i < 25; i++ {
			es = append(es, entry(keyN(round*25+i), "v"))
		}
		for _, r := range mustPut(t, s, "seq", es...) {
			if seen[r.SequenceNumber] {
				t.Fatalf("duplicate sequence number %s", r.SequenceNumber)
			}
			seen[r.SequenceNumber] = true
			n, ok := new(big.Int).SetString(r.SequenceNumber, 10)
			if !ok {
				t.Fatalf("sequence number %q is not decimal", r.SequenceNumber)
			}
			if p := last[r.ShardID]; p != nil && n.Cmp(p) <= 0 {
				t.Fatalf("sequence numbers not increasing in %s: %s after %s", r.ShardID, n, p)
			}
			last[r.ShardID] = n
		}
	}
	// SequenceNumberForOrdering: a later put for the same key gets a larger
	// sequence number; a number the stream never issued is rejected.
	first := mustPut(t, s, "seq", entry("ordered", "1"))[0]
	second := mustPut(t, s, "seq", ingest.PutEntry{PartitionKey: "ordered", Data: []byte("2"), SequenceNumberForOrdering: first.SequenceNumber})[0]
	if second.SequenceNumber <= first.SequenceNumber {
		t.Fatalf("SequenceNumberForOrdering not honoured: %s then %s", first.SequenceNumber, second.SequenceNumber)
	}
	_, err := s.PutRecords(ctx, "seq", []ingest.PutEntry{{PartitionKey: "ordered", Data: []byte("3"), SequenceNumberForOrdering: "12x"}})
	wantKind(t, err, ingest.ErrInvalidArgument, "malformed SequenceNumberForOrdering")
	future := ingest.SequenceNumber{Shard: 99, Offset: 1}.String()
	_, err = s.PutRecords(ctx, "seq", []ingest.PutEntry{{PartitionKey: "ordered", Data: []byte("3"), SequenceNumberForOrdering: future}})
	wantKind(t, err, ingest.ErrInvalidArgument, "unissued SequenceNumberForOrdering")
}

func testPutValidation(t *testing.T, open Opener) {
	h, _ := openWithClock(t, open)
	s := h.Store
	mustCreate(t, s, "v", 1)
	_, err := s.PutRecords(ctx, "v", nil)
	wantKind(t, err, ingest.ErrValidation, "no records")
	many := make([]ingest.PutEntry, 501)
	for i := range many {
		many[i] = entry("k", "d")
	}
	_, err = s.PutRecords(ctx, "v", many)
	wantKind(t, err, ingest.ErrValidation, "501 records")
	_, err = s.PutRecords(ctx, "v", []ingest.PutEntry{entry("", "d")})
	wantKind(t, err, ingest.ErrValidation, "empty partition key")
	_, err = s.PutRecords(ctx, "v", []ingest.PutEntry{entry(strings.Repeat("k", 257), "d")})
	wantKind(t, err, ingest.ErrValidation, "257-character partition key")
	// 256 characters of 3 bytes each are fine: the limit is in characters.
	mustPut(t, s, "v", entry(strings.Repeat("€", 256), "d"))
	big := make([]byte, ingest.DefaultMaxRecordSize)
	_, err = s.PutRecords(ctx, "v", []ingest.PutEntry{{PartitionKey: "k", Data: big}})
	wantKind(t, err, ingest.ErrValidation, "record over 1 MiB with its key")
	mustPut(t, s, "v", ingest.PutEntry{PartitionKey: "k", Data: big[:len(big)-1]})
	var eleven []ingest.PutEntry
	for i := 0; i < 11; i++ {
		eleven = append(eleven, ingest.PutEntry{PartitionKey: "k", Data: big[:1000000]})
	}
	_, err = s.PutRecords(ctx, "v", eleven)
	wantKind(t, err, ingest.ErrInvalidArgument, "request over 10 MiB")
	_, err = s.PutRecords(ctx, "v", []ingest.PutEntry{{PartitionKey: "k", ExplicitHashKey: "340282366920938463463374607431768211456", Data: []byte("x")}})
	wantKind(t, err, ingest.ErrInvalidArgument, "explicit hash key 2^128")
	_, err = s.PutRecords(ctx, "v", []ingest.PutEntry{{PartitionKey: "k", ExplicitHashKey: "-1", Data: []byte("x")}})
	wantKind(t, err, ingest.ErrInvalidArgument, "negative explicit hash key")
	_, err = s.PutRecords(ctx, "nope", []ingest.PutEntry{entry("k", "d")})
	wantKind(t, err, ingest.ErrNotFound, "put to unknown stream")
	// Empty data is a valid record.
	mustPut(t, s, "v", ingest.PutEntry{PartitionKey: "k"})
}

func testIterators(t *testing.T, open Opener) {
	h, clock := openWithClock(t, open)
	s := h.Store
	mustCreate(t, s, "it", 1)
	sh := ingest.ShardID(0)
	var res []ingest.PutResult
	var times []time.Time
	for i := 0; i < 10; i++ {
		times = append(times, clock.Now())
		res = append(res, mustPut(t, s, "it", entry("k", fmt.Sprint(i)))...)
		clock.Advance(time.Second)
	}
	read := func(spec ingest.IteratorSpec) []string {
		t.Helper()
		it, err := s.ShardIterator(ctx, "it", sh, spec)
		if err != nil {
			t.Fatalf("iterator %v: %v", spec, err)
		}
		r, err := s.GetRecords(ctx, it, 100)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, rec := range r.Records {
			out = append(out, string(rec.Data))
		}
		return out
	}
	check := func(name string, got []string, want string) {
		t.Helper()
		if strings.Join(got, ",") != want {
			t.Fatalf("%s: got %v, want %s", name, got, want)
		}
	}
	check("TRIM_HORIZON", read(ingest.IteratorSpec{Type: ingest.TrimHorizon}), "0,1,2,3,4,5,6,7,8,9")
	check("LATEST", read(ingest.IteratorSpec{Type: ingest.Latest}), "")
	check("AT_SEQUENCE_NUMBER", read(ingest.IteratorSpec{Type: ingest.AtSequenceNumber, SequenceNumber: res[7].SequenceNumber}), "7,8,9")
	check("AFTER_SEQUENCE_NUMBER", read(ingest.IteratorSpec{Type: ingest.AfterSequenceNumber, SequenceNumber: res[7].SequenceNumber}), "8,9")
	check("AFTER last", read(ingest.IteratorSpec{Type: ingest.AfterSequenceNumber, SequenceNumber: res[9].SequenceNumber}), "")
	check("AT_TIMESTAMP exact", read(ingest.IteratorSpec{Type: ingest.AtTimestamp, Timestamp: times[4]}), "4,5,6,7,8,9")
	check("AT_TIMESTAMP between", read(ingest.IteratorSpec{Type: ingest.AtTimestamp, Timestamp: times[4].Add(500 * time.Millisecond)}), "5,6,7,8,9")
	check("AT_TIMESTAMP before all", read(ingest.IteratorSpec{Type: ingest.AtTimestamp, Timestamp: times[0].Add(-time.Hour)}), "0,1,2,3,4,5,6,7,8,9")
	check("AT_TIMESTAMP future", read(ingest.IteratorSpec{Type: ingest.AtTimestamp, Timestamp: clock.Now().Add(time.Hour)}), "")

	// ShardPosition resolves the same specs to offsets.
	for _, c := range []struct {
		spec ingest.IteratorSpec
		want uint64
	}{
		{ingest.IteratorSpec{Type: ingest.TrimHorizon}, 1},
		{ingest.IteratorSpec{Type: ingest.Latest}, 11},
		{ingest.IteratorSpec{Type: ingest.AfterSequenceNumber, SequenceNumber: res[7].SequenceNumber}, 9},
		{ingest.IteratorSpec{Type: ingest.AtTimestamp, Timestamp: times[4]}, 5},
	} {
		if got, err := s.ShardPosition(ctx, "it", sh, c.spec); err != nil || got != c.want {
			t.Fatalf("ShardPosition(%v) = %d, %v; want %d", c.spec.Type, got, err, c.want)
		}
	}
	// LATEST sees records put after the iterator was made.
	it, err := s.ShardIterator(ctx, "it", sh, ingest.IteratorSpec{Type: ingest.Latest})
	if err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, "it", entry("k", "10"))
	r, err := s.GetRecords(ctx, it, 100)
	if err != nil || len(r.Records) != 1 || string(r.Records[0].Data) != "10" || r.NextIterator == "" {
		t.Fatalf("LATEST then put: %+v, %v", r, err)
	}
	if !r.Records[0].Arrival.Equal(clock.Now().Truncate(time.Millisecond)) {
		t.Fatalf("arrival %v, want %v", r.Records[0].Arrival, clock.Now())
	}
	// Errors.
	_, err = s.ShardIterator(ctx, "it", "shardId-000000000009", ingest.IteratorSpec{Type: ingest.TrimHorizon})
	wantKind(t, err, ingest.ErrNotFound, "unknown shard")
	_, err = s.ShardIterator(ctx, "it", sh, ingest.IteratorSpec{Type: ingest.AtSequenceNumber, SequenceNumber: "1234"})
	wantKind(t, err, ingest.ErrInvalidArgument, "malformed sequence number")
	_, err = s.ShardIterator(ctx, "it", sh, ingest.IteratorSpec{Type: ingest.AtSequenceNumber, SequenceNumber: ingest.SequenceNumber{Shard: 0, Offset: 999}.String()})
	wantKind(t, err, ingest.ErrInvalidArgument, "unissued sequence number")
	_, err = s.ShardIterator(ctx, "it", sh, ingest.IteratorSpec{Type: "SOMEWHERE"})
	wantKind(t, err, ingest.ErrInvalidArgument, "bad iterator type")
	_, err = s.GetRecords(ctx, "garbage", 10)
	wantKind(t, err, ingest.ErrInvalidArgument, "garbage iterator")
	_, err = s.GetRecords(ctx, it, 10001)
	wantKind(t, err, ingest.ErrValidation, "limit 10001")
	_, err = s.GetRecords(ctx, it, 0)
	wantKind(t, err, ingest.ErrValidation, "limit 0")
}

func testIteratorExpiry(t *testing.T, open Opener) {
	h, clock := openWithClock(t, open)
	s := h.Store
	mustCreate(t, s, "exp", 1)
	it, err := s.ShardIterator(ctx, "exp", ingest.ShardID(0), ingest.IteratorSpec{Type: ingest.TrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(4 * time.Minute)
	r, err := s.GetRecords(ctx, it, 10)
	if err != nil {
		t.Fatalf("a 4-minute-old iterator: %v", err)
	}
	// The returned iterator is fresh: it lives another five minutes.
	clock.Advance(4 * time.Minute)
	if _, err := s.GetRecords(ctx, r.NextIterator, 10); err != nil {
		t.Fatalf("next iterator after 4 minutes: %v", err)
	}
	clock.Advance(2 * time.Minute)
	_, err = s.GetRecords(ctx, it, 10)
	wantKind(t, err, ingest.ErrExpiredIterator, "a 10-minute-old iterator")
}

func testReadManyPages(t *testing.T, open Opener) {
	h, _ := openWithClock(t, open)
	s := h.Store
	mustCreate(t, s, "many", 3)
	want := map[string][]byte{}
	perShard := map[string][]string{}
	for b := 0; b < 20; b++ {
		var es []ingest.PutEntry
		for i := 0; i < 500; i++ {
			n := b*500 + i
			es = append(es, ingest.PutEntry{PartitionKey: keyN(n % 97), Data: []byte(fmt.Sprintf("record-%05d-%s", n, strings.Repeat("x", n%50)))})
		}
		for i, r := range mustPut(t, s, "many", es...) {
			want[r.SequenceNumber] = es[i].Data
			perShard[r.ShardID] = append(perShard[r.ShardID], r.SequenceNumber)
		}
	}
	got := 0
	for _, sh := range describe(t, s, "many").Shards {
		recs, _ := readAll(t, s, "many", sh.ID, 1000)
		if len(recs) != len(perShard[sh.ID]) {
			t.Fatalf("%s: read %d records, wrote %d", sh.ID, len(recs), len(perShard[sh.ID]))
		}
		for i, r := range recs {
			if r.SequenceNumber() != perShard[sh.ID][i] {
				t.Fatalf("%s record %d: seq %s, want %s (order lost)", sh.ID, i, r.SequenceNumber(), perShard[sh.ID][i])
			}
			if !bytes.Equal(r.Data, want[r.SequenceNumber()]) {
				t.Fatalf("%s record %d: data differs", sh.ID, i)
			}
			got++
		}
	}
	if got != 10000 {
		t.Fatalf("read %d records, want 10000", got)
	}
}

func testWriteLimits(t *testing.T, open Opener) {
	clock := NewClock(epoch)
	h := open(t, Config{Now: clock.Now, Limits: ingest.Limits{ShardWriteLimits: true}})
	s := h.Store
	mustCreate(t, s, "lim", 1)
	es := make([]ingest.PutEntry, 500)
	for i := range es {
		es[i] = entry(keyN(i), "x")
	}
	mustPut(t, s, "lim", es...)
	mustPut(t, s, "lim", es...) // 1,000 records: the shard's budget for a second
	res, err := s.PutRecords(ctx, "lim", es[:3])
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		wantKind(t, r.Err, ingest.ErrThrottled, fmt.Sprintf("record %d over the limit", i))
		if r.SequenceNumber != "" {
			t.Fatalf("a throttled record got a sequence number")
		}
	}
	clock.Advance(100 * time.Millisecond) // refills 100 records
	res, err = s.PutRecords(ctx, "lim", es[:150])
	if err != nil {
		t.Fatal(err)
	}
	ok := 0
	for i, r := range res {
		if r.Err == nil {
			if i != ok {
				t.Fatalf("record %d admitted after a throttled one", i)
			}
			ok++
		}
	}
	if ok != 100 {
		t.Fatalf("%d records admitted after 100 ms, want 100", ok)
	}
	// Bytes: 1 MiB per second.
	clock.Advance(2 * time.Second)
	big := ingest.PutEntry{PartitionKey: "k", Data: make([]byte, 600<<10)}
	res, err = s.PutRecords(ctx, "lim", []ingest.PutEntry{big, big})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || res[1].Err == nil {
		t.Fatalf("1.2 MiB in one second: %v, %v; want the second throttled", res[0].Err, res[1].Err)
	}
}

func testConcurrentPuts(t *testing.T, open Opener) {
	h, _ := openWithClock(t, open)
	s := h.Store
	mustCreate(t, s, "conc", 4)
	const producers, batches, size = 8, 20, 100
	var mu sync.Mutex
	order := map[string][]string{} // per producer and key: sequence numbers in put order
	var wg sync.WaitGroup
	errs := make(chan error, producers)
	for p := 0; p < producers; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := 0; b < batches; b++ {
				es := make([]ingest.PutEntry, size)
				for i := range es {
					es[i] = ingest.PutEntry{PartitionKey: fmt.Sprintf("p%d-k%d", p, i%10), Data: []byte(fmt.Sprintf("%d/%d/%d", p, b, i))}
				}
				res, err := s.PutRecords(ctx, "conc", es)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				for i, r := range res {
					order[es[i].PartitionKey] = append(order[es[i].PartitionKey], r.SequenceNumber)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	total := 0
	for _, sh := range describe(t, s, "conc").Shards {
		recs, _ := readAll(t, s, "conc", sh.ID, 10000)
		total += len(recs)
	}
	if total != producers*batches*size {
		t.Fatalf("read %d records, wrote %d", total, producers*batches*size)
	}
	for k, seqs := range order {
		for i := 1; i < len(seqs); i++ {
			if seqs[i] <= seqs[i-1] {
				t.Fatalf("key %s: sequence numbers out of put order", k)
			}
		}
	}
}
