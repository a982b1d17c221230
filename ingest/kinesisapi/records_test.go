package kinesisapi_test

import (
	"bytes"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/streamstore"
)

func seqLess(a, b string) bool {
	x, _ := new(big.Int).SetString(a, 10)
	y, _ := new(big.Int).SetString(b, 10)
	return x.Cmp(y) < 0
}

func TestPutAndGetRecords(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream("s", 2)
	start := time.Now().Add(-time.Second)

	pr, err := e.client.PutRecord(ctx(), &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k1"), Data: []byte("one")})
	if err != nil {
		t.Fatal(err)
	}
	if pr.ShardId == nil || pr.SequenceNumber == nil || pr.EncryptionType != types.EncryptionTypeNone {
		t.Fatalf("put record: %+v", pr)
	}
	// SequenceNumberForOrdering: the next record of the key sorts after it.
	pr2, err := e.client.PutRecord(ctx(), &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k1"), Data: []byte("two"),
		SequenceNumberForOrdering: pr.SequenceNumber})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(pr2.ShardId) != aws.ToString(pr.ShardId) || !seqLess(*pr.SequenceNumber, *pr2.SequenceNumber) {
		t.Fatalf("second put %s/%s after %s/%s", *pr2.ShardId, *pr2.SequenceNumber, *pr.ShardId, *pr.SequenceNumber)
	}

	// ExplicitHashKey routes past the partition key: 0 is in shard 0, 2^128-1 in shard 1.
	out, err := e.client.PutRecords(ctx(), &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: []types.PutRecordsRequestEntry{
		{PartitionKey: aws.String("x"), ExplicitHashKey: aws.String("0"), Data: []byte{0, 1, 2, 255}},
		{PartitionKey: aws.String("x"), ExplicitHashKey: aws.String(ingest.MaxHashKey.String()), Data: []byte{}},
		{PartitionKey: aws.String("ключ-🔑"), Data: []byte("unicode key")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(out.FailedRecordCount) != 0 || len(out.Records) != 3 ||
		aws.ToString(out.Records[0].ShardId) != ingest.ShardID(0) || aws.ToString(out.Records[1].ShardId) != ingest.ShardID(1) {
		t.Fatalf("put records: %+v", out.Records)
	}
	for i, r := range out.Records {
		if r.SequenceNumber == nil || r.ErrorCode != nil || r.ErrorMessage != nil {
			t.Fatalf("record %d: %+v", i, r)
		}
	}

	// Read shard 0 from the start: record 0 of the batch.
	recs, last := e.readAll(e.iterator("s", ingest.ShardID(0), types.ShardIteratorTypeTrimHorizon, nil, nil), 100)
	var found bool
	for _, r := range recs {
		if aws.ToString(r.SequenceNumber) == aws.ToString(out.Records[0].SequenceNumber) {
			found = true
			if !bytes.Equal(r.Data, []byte{0, 1, 2, 255}) || aws.ToString(r.PartitionKey) != "x" {
				t.Fatalf("record read back: %+v", r)
			}
			at := aws.ToTime(r.ApproximateArrivalTimestamp)
			if at.Before(start) || at.After(time.Now().Add(time.Second)) {
				t.Fatalf("arrival %v", at)
			}
		}
	}
	if !found || last.NextShardIterator == nil || last.MillisBehindLatest == nil {
		t.Fatalf("shard 0 read: found=%v last=%+v", found, last)
	}
	// The empty record and the unicode key come back as written.
	recs1, _ := e.readAll(e.iterator("s", ingest.ShardID(1), types.ShardIteratorTypeTrimHorizon, nil, nil), 100)
	all := append(recs, recs1...)
	byseq := map[string]types.Record{}
	for _, r := range all {
		byseq[aws.ToString(r.SequenceNumber)] = r
	}
	if r := byseq[aws.ToString(out.Records[1].SequenceNumber)]; r.Data == nil || len(r.Data) != 0 {
		t.Fatalf("empty record: %+v", r)
	}
	if r := byseq[aws.ToString(out.Records[2].SequenceNumber)]; aws.ToString(r.PartitionKey) != "ключ-🔑" || string(r.Data) != "unicode key" {
		t.Fatalf("unicode record: %+v", r)
	}
	if len(all) != 5 {
		t.Fatalf("read %d records, want 5", len(all))
	}
}

func TestIteratorTypes(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream("it", 1)
	shard := ingest.ShardID(0)
	put := func(n int, prefix string) []string {
		var seqs []string
		var recs []types.PutRecordsRequestEntry
		for i := range n {
			recs = append(recs, types.PutRecordsRequestEntry{PartitionKey: aws.String("k"), Data: fmt.Appendf(nil, "%s%d", prefix, i)})
		}
		out, err := e.client.PutRecords(ctx(), &kinesis.PutRecordsInput{StreamName: aws.String("it"), Records: recs})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.Records {
			seqs = append(seqs, *r.SequenceNumber)
		}
		return seqs
	}
	data := func(recs []types.Record) string {
		var s []string
		for _, r := range recs {
			s = append(s, string(r.Data))
		}
		return strings.Join(s, ",")
	}

	latest := e.iterator("it", shard, types.ShardIteratorTypeLatest, nil, nil)
	a := put(3, "a")
	time.Sleep(15 * time.Millisecond)
	mid := time.Now()
	time.Sleep(15 * time.Millisecond)
	put(2, "b")

	if got, _ := e.readAll(e.iterator("it", shard, types.ShardIteratorTypeTrimHorizon, nil, nil), 2); data(got) != "a0,a1,a2,b0,b1" {
		t.Fatalf("TRIM_HORIZON: %s", data(got))
	}
	if got, _ := e.readAll(latest, 10); data(got) != "a0,a1,a2,b0,b1" {
		t.Fatalf("LATEST taken before the puts: %s", data(got))
	}
	if got, _ := e.readAll(e.iterator("it", shard, types.ShardIteratorTypeAtSequenceNumber, &a[1], nil), 10); data(got) != "a1,a2,b0,b1" {
		t.Fatalf("AT_SEQUENCE_NUMBER: %s", data(got))
	}
	if got, _ := e.readAll(e.iterator("it", shard, types.ShardIteratorTypeAfterSequenceNumber, &a[1], nil), 10); data(got) != "a2,b0,b1" {
		t.Fatalf("AFTER_SEQUENCE_NUMBER: %s", data(got))
	}
	if got, _ := e.readAll(e.iterator("it", shard, types.ShardIteratorTypeAtTimestamp, nil, &mid), 10); data(got) != "b0,b1" {
		t.Fatalf("AT_TIMESTAMP: %s", data(got))
	}
	early := mid.Add(-time.Hour)
	if got, _ := e.readAll(e.iterator("it", shard, types.ShardIteratorTypeAtTimestamp, nil, &early), 10); data(got) != "a0,a1,a2,b0,b1" {
		t.Fatalf("AT_TIMESTAMP an hour ago: %s", data(got))
	}
	now := e.iterator("it", shard, types.ShardIteratorTypeLatest, nil, nil)
	if got, _ := e.readAll(now, 10); len(got) != 0 {
		t.Fatalf("LATEST read %s", data(got))
	}
	put(1, "c")
	if got, _ := e.readAll(now, 10); data(got) != "c0" {
		t.Fatalf("LATEST after a put: %s", data(got))
	}

	bad := []struct {
		in   kinesis.GetShardIteratorInput
		want func(error)
	}{
		{kinesis.GetShardIteratorInput{ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber}, func(err error) {
			wantError[*types.InvalidArgumentException](t, err, "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber.")
		}},
		{kinesis.GetShardIteratorInput{ShardIteratorType: types.ShardIteratorTypeTrimHorizon, StartingSequenceNumber: &a[0]}, func(err error) {
			wantError[*types.InvalidArgumentException](t, err, "Request specified TRIM_HORIZON and also a StartingSequenceNumber.")
		}},
		{kinesis.GetShardIteratorInput{ShardIteratorType: types.ShardIteratorTypeAtTimestamp}, func(err error) {
			wantError[*types.InvalidArgumentException](t, err, "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP.")
		}},
		{kinesis.GetShardIteratorInput{ShardIteratorType: "SOMEWHERE"}, func(err error) {
			wantError[*types.ValidationException](t, err, "Value 'SOMEWHERE' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]")
		}},
		{kinesis.GetShardIteratorInput{ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber, StartingSequenceNumber: aws.String("12x")}, func(err error) {
			wantError[*types.ValidationException](t, err, "Value '12x' at 'startingSequenceNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})")
		}},
		{kinesis.GetShardIteratorInput{ShardIteratorType: types.ShardIteratorTypeLatest, ShardId: aws.String(ingest.ShardID(7))}, func(err error) {
			wantError[*types.ResourceNotFoundException](t, err, "Shard shardId-000000000007 in stream it")
		}},
		{kinesis.GetShardIteratorInput{ShardIteratorType: types.ShardIteratorTypeLatest, StreamName: aws.String("nope")}, func(err error) {
			wantError[*types.ResourceNotFoundException](t, err, "Stream nope under account 000000000000 not found.")
		}},
	}
	for _, c := range bad {
		in := c.in
		if in.StreamName == nil {
			in.StreamName = aws.String("it")
		}
		if in.ShardId == nil {
			in.ShardId = aws.String(shard)
		}
		_, err := e.client.GetShardIterator(ctx(), &in)
		c.want(err)
	}

	_, err := e.client.GetRecords(ctx(), &kinesis.GetRecordsInput{ShardIterator: aws.String("not-an-iterator")})
	wantError[*types.InvalidArgumentException](t, err, "Invalid ShardIterator.")
	_, err = e.client.GetRecords(ctx(), &kinesis.GetRecordsInput{ShardIterator: aws.String(latest), Limit: aws.Int32(10001)})
	wantError[*types.ValidationException](t, err, "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000")
	_, err = e.client.GetRecords(ctx(), &kinesis.GetRecordsInput{ShardIterator: aws.String(latest), Limit: aws.Int32(0)})
	wantError[*types.ValidationException](t, err, "Member must have value greater than or equal to 1")
	_, err = e.client.GetRecords(ctx(), &kinesis.GetRecordsInput{ShardIterator: aws.String(strings.Repeat("x", 513))})
	wantError[*types.ValidationException](t, err, "at 'shardIterator' failed to satisfy constraint: Member must have length less than or equal to 512")
}

func TestExpiredIterator(t *testing.T) {
	e := newEnv(t, envOptions{clock: true})
	e.createStream("x", 1)
	it := e.iterator("x", ingest.ShardID(0), types.ShardIteratorTypeTrimHorizon, nil, nil)
	e.clock.Advance(ingest.IteratorTTL - time.Second)
	out, err := e.client.GetRecords(ctx(), &kinesis.GetRecordsInput{ShardIterator: aws.String(it)})
	if err != nil {
		t.Fatalf("iterator 1s before expiry: %v", err)
	}
	e.clock.Advance(ingest.IteratorTTL + time.Second)
	_, err = e.client.GetRecords(ctx(), &kinesis.GetRecordsInput{ShardIterator: aws.String(it)})
	wantError[*types.ExpiredIteratorException](t, err, "Iterator expired. The iterator was created at time")
	// The iterator GetRecords returned is fresh until its own TTL passes.
	_, err = e.client.GetRecords(ctx(), &kinesis.GetRecordsInput{ShardIterator: out.NextShardIterator})
	wantError[*types.ExpiredIteratorException](t, err, "which is further in the future than the tolerated delay of 300000 milliseconds")
}

func TestReadBackTenThousand(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream("many", 4)
	rng := rand.New(rand.NewPCG(1, 2))
	type sent struct {
		key  string
		data []byte
	}
	want := map[string]sent{}      // sequence number → record
	order := map[string][]string{} // shard → sequence numbers in put order
	for batch := 0; batch < 20; batch++ {
		recs := make([]types.PutRecordsRequestEntry, 500)
		for i := range recs {
			data := make([]byte, rng.IntN(300))
			for j := range data {
				data[j] = byte(rng.UintN(256))
			}
			key := fmt.Sprintf("user-%d-é", rng.IntN(1000))
			recs[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(key), Data: data}
		}
		out, err := e.client.PutRecords(ctx(), &kinesis.PutRecordsInput{StreamName: aws.String("many"), Records: recs})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToInt32(out.FailedRecordCount) != 0 {
			t.Fatalf("%d records failed", aws.ToInt32(out.FailedRecordCount))
		}
		for i, r := range out.Records {
			seq := aws.ToString(r.SequenceNumber)
			if _, dup := want[seq]; dup {
				t.Fatalf("sequence number %s given twice", seq)
			}
			want[seq] = sent{aws.ToString(recs[i].PartitionKey), recs[i].Data}
			order[aws.ToString(r.ShardId)] = append(order[aws.ToString(r.ShardId)], seq)
		}
	}
	if len(order) != 4 {
		t.Fatalf("records went to %d shards", len(order))
	}
	got := 0
	for shard, seqs := range order {
		recs, _ := e.readAll(e.iterator("many", shard, types.ShardIteratorTypeTrimHorizon, nil, nil), 1000)
		if len(recs) != len(seqs) {
			t.Fatalf("shard %s: read %d records, put %d", shard, len(recs), len(seqs))
		}
		for i, r := range recs {
			seq := aws.ToString(r.SequenceNumber)
			if seq != seqs[i] {
				t.Fatalf("shard %s record %d: sequence number %s, want %s (order lost)", shard, i, seq, seqs[i])
			}
			w := want[seq]
			if aws.ToString(r.PartitionKey) != w.key || !bytes.Equal(r.Data, w.data) {
				t.Fatalf("shard %s record %d differs from what was put", shard, i)
			}
			delete(want, seq)
			got++
		}
	}
	if got != 10000 || len(want) != 0 {
		t.Fatalf("read %d records, %d never came back", got, len(want))
	}
}

func TestThrottling(t *testing.T) {
	e := newEnv(t, envOptions{clock: true, store: streamstore.Options{Limits: ingest.Limits{ShardWriteLimits: true}}})
	e.createStream("th", 2)
	toShard := func(shard, n int) []types.PutRecordsRequestEntry {
		key := "0"
		if shard == 1 {
			key = ingest.MaxHashKey.String()
		}
		recs := make([]types.PutRecordsRequestEntry, n)
		for i := range recs {
			recs[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String("k"), ExplicitHashKey: aws.String(key), Data: []byte("x")}
		}
		return recs
	}
	// 1,000 records fill shard 0's budget for this second (the clock stands still).
	for range 2 {
		out, err := e.client.PutRecords(ctx(), &kinesis.PutRecordsInput{StreamName: aws.String("th"), Records: toShard(0, 500)})
		if err != nil || aws.ToInt32(out.FailedRecordCount) != 0 {
			t.Fatalf("filling shard 0: %v %v", err, out)
		}
	}
	// Interleaved: the shard-0 records fail, in place; the shard-1 ones succeed.
	var recs []types.PutRecordsRequestEntry
	for i := range 10 {
		recs = append(recs, toShard(i%2, 1)...)
	}
	out, err := e.client.PutRecords(ctx(), &kinesis.PutRecordsInput{StreamName: aws.String("th"), Records: recs})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(out.FailedRecordCount) != 5 || len(out.Records) != 10 {
		t.Fatalf("failed %d of %d", aws.ToInt32(out.FailedRecordCount), len(out.Records))
	}
	for i, r := range out.Records {
		if i%2 == 0 {
			if aws.ToString(r.ErrorCode) != "ProvisionedThroughputExceededException" ||
				aws.ToString(r.ErrorMessage) != "Rate exceeded for shard shardId-000000000000 in stream th under account 000000000000." ||
				r.SequenceNumber != nil || r.ShardId != nil {
				t.Fatalf("record %d: %+v", i, r)
			}
		} else if r.ErrorCode != nil || aws.ToString(r.ShardId) != ingest.ShardID(1) || r.SequenceNumber == nil {
			t.Fatalf("record %d: %+v", i, r)
		}
	}
	_, err = e.client.PutRecord(ctx(), &kinesis.PutRecordInput{StreamName: aws.String("th"), PartitionKey: aws.String("k"),
		ExplicitHashKey: aws.String("0"), Data: []byte("x")})
	wantError[*types.ProvisionedThroughputExceededException](t, err, "Rate exceeded for shard shardId-000000000000 in stream th under account 000000000000.")

	// A second later the budget is back.
	e.clock.Advance(time.Second)
	if _, err := e.client.PutRecord(ctx(), &kinesis.PutRecordInput{StreamName: aws.String("th"), PartitionKey: aws.String("k"),
		ExplicitHashKey: aws.String("0"), Data: []byte("x")}); err != nil {
		t.Fatal(err)
	}
}

func TestPutDryRun(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream("d", 1)
	out, err := e.client.PutRecords(ctx(), &kinesis.PutRecordsInput{StreamName: aws.String("d"), DryRun: aws.Bool(true),
		Records: []types.PutRecordsRequestEntry{{PartitionKey: aws.String("k"), Data: []byte("x")}}})
	if err != nil || len(out.Records) != 0 {
		t.Fatalf("dry run: %v %+v", err, out)
	}
	if recs, _ := e.readAll(e.iterator("d", ingest.ShardID(0), types.ShardIteratorTypeTrimHorizon, nil, nil), 10); len(recs) != 0 {
		t.Fatalf("dry run wrote %d records", len(recs))
	}
	_, err = e.client.PutRecord(ctx(), &kinesis.PutRecordInput{StreamName: aws.String("nope"), DryRun: aws.Bool(true), PartitionKey: aws.String("k"), Data: []byte("x")})
	wantError[*types.ResourceNotFoundException](t, err, "Stream nope under account 000000000000 not found.")
}
