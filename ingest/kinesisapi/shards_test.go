package kinesisapi_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/streamstore"
)

func shardIDs(shards []types.Shard) string {
	var ids []string
	for _, s := range shards {
		ids = append(ids, strings.TrimPrefix(aws.ToString(s.ShardId), "shardId-00000000000"))
	}
	return strings.Join(ids, ",")
}

func (e *env) listShards(in *kinesis.ListShardsInput) *kinesis.ListShardsOutput {
	e.t.Helper()
	out, err := e.client.ListShards(ctx(), in)
	if err != nil {
		e.t.Fatalf("list shards: %v", err)
	}
	return out
}

func TestReshardingLineage(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream("r", 2)
	put := func(key string, data string) *kinesis.PutRecordOutput {
		out, err := e.client.PutRecord(ctx(), &kinesis.PutRecordInput{StreamName: aws.String("r"), PartitionKey: aws.String("k"),
			ExplicitHashKey: aws.String(key), Data: []byte(data)})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	low := "1" // in shard 0 and in its first child
	put(low, "before-split")
	parentIt := e.iterator("r", ingest.ShardID(0), types.ShardIteratorTypeTrimHorizon, nil, nil)

	// Split shard 0 in the middle of its range: children 2 and 3.
	mid := hashKeyAt(1, 4)
	if _, err := e.client.SplitShard(ctx(), &kinesis.SplitShardInput{StreamName: aws.String("r"), ShardToSplit: aws.String(ingest.ShardID(0)),
		NewStartingHashKey: aws.String(mid)}); err != nil {
		t.Fatal(err)
	}
	if got := put(low, "after-split"); aws.ToString(got.ShardId) != ingest.ShardID(2) {
		t.Fatalf("after the split, key %s went to %s", low, aws.ToString(got.ShardId))
	}
	d := e.describe("r")
	if shardIDs(d.Shards) != "0,1,2,3" {
		t.Fatalf("shards after split: %s", shardIDs(d.Shards))
	}
	if d.Shards[0].SequenceNumberRange.EndingSequenceNumber == nil {
		t.Fatal("the split parent has no ending sequence number")
	}
	for _, i := range []int{2, 3} {
		if aws.ToString(d.Shards[i].ParentShardId) != ingest.ShardID(0) || d.Shards[i].AdjacentParentShardId != nil {
			t.Fatalf("child %d: parent %v adjacent %v", i, aws.ToString(d.Shards[i].ParentShardId), d.Shards[i].AdjacentParentShardId)
		}
	}
	if aws.ToString(d.Shards[2].HashKeyRange.StartingHashKey) != "0" || aws.ToString(d.Shards[3].HashKeyRange.StartingHashKey) != mid ||
		aws.ToString(d.Shards[3].HashKeyRange.EndingHashKey) != aws.ToString(d.Shards[0].HashKeyRange.EndingHashKey) {
		t.Fatalf("children cover %+v and %+v", d.Shards[2].HashKeyRange, d.Shards[3].HashKeyRange)
	}

	// Reading the closed parent to its end: NextShardIterator nil, ChildShards named.
	recs, last := e.readAll(parentIt, 100)
	if len(recs) != 1 || string(recs[0].Data) != "before-split" {
		t.Fatalf("parent records: %v", recs)
	}
	if last.NextShardIterator != nil {
		t.Fatalf("closed parent read to its end still has a NextShardIterator")
	}
	var children []string
	for _, c := range last.ChildShards {
		children = append(children, aws.ToString(c.ShardId))
		if !slices.Equal(c.ParentShards, []string{ingest.ShardID(0)}) || c.HashKeyRange == nil {
			t.Fatalf("child shard %+v", c)
		}
	}
	if strings.Join(children, ",") != ingest.ShardID(2)+","+ingest.ShardID(3) {
		t.Fatalf("ChildShards %v", children)
	}

	// Merge children 3 and 1 (adjacent: 3 ends where 1 starts).
	if _, err := e.client.MergeShards(ctx(), &kinesis.MergeShardsInput{StreamName: aws.String("r"),
		ShardToMerge: aws.String(ingest.ShardID(3)), AdjacentShardToMerge: aws.String(ingest.ShardID(1))}); err != nil {
		t.Fatal(err)
	}
	d = e.describe("r")
	merged := d.Shards[len(d.Shards)-1]
	if aws.ToString(merged.ShardId) != ingest.ShardID(4) || aws.ToString(merged.ParentShardId) != ingest.ShardID(3) ||
		aws.ToString(merged.AdjacentParentShardId) != ingest.ShardID(1) || aws.ToString(merged.HashKeyRange.StartingHashKey) != mid ||
		aws.ToString(merged.HashKeyRange.EndingHashKey) != ingest.MaxHashKey.String() {
		t.Fatalf("merged shard %+v %+v", merged, merged.HashKeyRange)
	}
	_, last = e.readAll(e.iterator("r", ingest.ShardID(1), types.ShardIteratorTypeTrimHorizon, nil, nil), 100)
	if last.NextShardIterator != nil || len(last.ChildShards) != 1 || aws.ToString(last.ChildShards[0].ShardId) != ingest.ShardID(4) ||
		!slices.Equal(last.ChildShards[0].ParentShards, []string{ingest.ShardID(3), ingest.ShardID(1)}) && !slices.Equal(last.ChildShards[0].ParentShards, []string{ingest.ShardID(1), ingest.ShardID(3)}) {
		t.Fatalf("merged parent end: next=%v children=%+v", last.NextShardIterator, last.ChildShards)
	}

	// ListShards reports the same lineage, open shards only with AT_LATEST.
	ls := e.listShards(&kinesis.ListShardsInput{StreamName: aws.String("r")})
	if shardIDs(ls.Shards) != "0,1,2,3,4" || ls.NextToken != nil {
		t.Fatalf("ListShards: %s", shardIDs(ls.Shards))
	}
	if aws.ToString(ls.Shards[4].AdjacentParentShardId) != ingest.ShardID(1) {
		t.Fatalf("ListShards lineage: %+v", ls.Shards[4])
	}
	latest := e.listShards(&kinesis.ListShardsInput{StreamName: aws.String("r"), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}})
	if shardIDs(latest.Shards) != "2,4" {
		t.Fatalf("AT_LATEST: %s", shardIDs(latest.Shards))
	}

	// Errors: a bad split key, a non-adjacent merge, a closed shard.
	_, err := e.client.SplitShard(ctx(), &kinesis.SplitShardInput{StreamName: aws.String("r"), ShardToSplit: aws.String(ingest.ShardID(2)),
		NewStartingHashKey: aws.String(ingest.MaxHashKey.String())})
	wantError[*types.InvalidArgumentException](t, err, "used in SplitShard() on shard shardId-000000000002 in stream r under account 000000000000 is not both greater than one plus the shard's StartingHashKey")
	_, err = e.client.SplitShard(ctx(), &kinesis.SplitShardInput{StreamName: aws.String("r"), ShardToSplit: aws.String(ingest.ShardID(2)),
		NewStartingHashKey: aws.String("340282366920938463463374607431768211456")})
	wantError[*types.InvalidArgumentException](t, err, "NewStartingHashKey 340282366920938463463374607431768211456 is outside the hash key space")
	_, err = e.client.SplitShard(ctx(), &kinesis.SplitShardInput{StreamName: aws.String("r"), ShardToSplit: aws.String(ingest.ShardID(2)),
		NewStartingHashKey: aws.String("-5")})
	wantError[*types.ValidationException](t, err, "Value '-5' at 'newStartingHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})")
	_, err = e.client.SplitShard(ctx(), &kinesis.SplitShardInput{StreamName: aws.String("r"), ShardToSplit: aws.String(ingest.ShardID(0)),
		NewStartingHashKey: aws.String(mid)})
	wantError[*types.InvalidArgumentException](t, err, "is closed: only open shards can be split or merged")
	_, err = e.client.SplitShard(ctx(), &kinesis.SplitShardInput{StreamName: aws.String("r"), ShardToSplit: aws.String(ingest.ShardID(9)),
		NewStartingHashKey: aws.String(mid)})
	wantError[*types.ResourceNotFoundException](t, err, "Shard shardId-000000000009 in stream r")
	e.createStream("m", 3)
	_, err = e.client.MergeShards(ctx(), &kinesis.MergeShardsInput{StreamName: aws.String("m"),
		ShardToMerge: aws.String(ingest.ShardID(0)), AdjacentShardToMerge: aws.String(ingest.ShardID(2))})
	wantError[*types.InvalidArgumentException](t, err, "Shards shardId-000000000000 and shardId-000000000002 in stream m under account 000000000000 are not an adjacent pair of shards eligible for merging")
}

func TestUpdateShardCount(t *testing.T) {
	e := newEnv(t, envOptions{store: streamstore.Options{Limits: ingest.Limits{MaxShardsPerStream: 6}}})
	e.createStream("u", 2)
	out, err := e.client.UpdateShardCount(ctx(), &kinesis.UpdateShardCountInput{StreamName: aws.String("u"), TargetShardCount: aws.Int32(4),
		ScalingType: types.ScalingTypeUniformScaling})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(out.CurrentShardCount) != 2 || aws.ToInt32(out.TargetShardCount) != 4 || aws.ToString(out.StreamName) != "u" ||
		aws.ToString(out.StreamARN) != "arn:aws:kinesis:us-east-1:000000000000:stream/u" {
		t.Fatalf("UpdateShardCount: %+v", out)
	}
	open := e.listShards(&kinesis.ListShardsInput{StreamName: aws.String("u"), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}})
	if len(open.Shards) != 4 {
		t.Fatalf("%d open shards after scaling to 4", len(open.Shards))
	}
	for i, s := range open.Shards {
		want := ingest.EvenRanges(4)[i]
		if aws.ToString(s.HashKeyRange.StartingHashKey) != want.Start.String() || aws.ToString(s.HashKeyRange.EndingHashKey) != want.End.String() {
			t.Fatalf("open shard %d covers %s..%s, want %s..%s", i, aws.ToString(s.HashKeyRange.StartingHashKey), aws.ToString(s.HashKeyRange.EndingHashKey), want.Start, want.End)
		}
		if s.ParentShardId == nil {
			t.Fatalf("open shard %s has no parent", aws.ToString(s.ShardId))
		}
	}
	sum, _ := e.client.DescribeStreamSummary(ctx(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("u")})
	if aws.ToInt32(sum.StreamDescriptionSummary.OpenShardCount) != 4 {
		t.Fatalf("open shard count %d", aws.ToInt32(sum.StreamDescriptionSummary.OpenShardCount))
	}

	_, err = e.client.UpdateShardCount(ctx(), &kinesis.UpdateShardCountInput{StreamName: aws.String("u"), TargetShardCount: aws.Int32(8), ScalingType: types.ScalingTypeUniformScaling})
	wantError[*types.LimitExceededException](t, err, "Target shard count 8 exceeds the shard limit of 6 for stream u.")
	_, err = e.client.UpdateShardCount(ctx(), &kinesis.UpdateShardCountInput{StreamName: aws.String("u"), TargetShardCount: aws.Int32(1), ScalingType: types.ScalingTypeUniformScaling})
	wantError[*types.InvalidArgumentException](t, err, "the target must be at least half and at most double the current open shard count")
	_, err = e.client.UpdateShardCount(ctx(), &kinesis.UpdateShardCountInput{StreamName: aws.String("u"), TargetShardCount: aws.Int32(3), ScalingType: "RANDOM"})
	wantError[*types.ValidationException](t, err, "Value 'RANDOM' at 'scalingType' failed to satisfy constraint: Member must satisfy enum value set: [UNIFORM_SCALING]")
	_, err = e.client.UpdateShardCount(ctx(), &kinesis.UpdateShardCountInput{StreamName: aws.String("u"), TargetShardCount: aws.Int32(0), ScalingType: types.ScalingTypeUniformScaling})
	wantError[*types.ValidationException](t, err, "Value '0' at 'targetShardCount' failed to satisfy constraint: Member must have value greater than or equal to 1")

	// Splitting past the limit.
	e.createStream("full", 6)
	_, err = e.client.SplitShard(ctx(), &kinesis.SplitShardInput{StreamName: aws.String("full"), ShardToSplit: aws.String(ingest.ShardID(0)), NewStartingHashKey: aws.String("100")})
	wantError[*types.LimitExceededException](t, err, "")
}

func TestListShardsPagingAndFilters(t *testing.T) {
	e := newEnv(t, envOptions{clock: true})
	e.createStream("p", 5)
	created := aws.ToTime(e.describe("p").StreamCreationTimestamp)

	p1 := e.listShards(&kinesis.ListShardsInput{StreamName: aws.String("p"), MaxResults: aws.Int32(2)})
	if shardIDs(p1.Shards) != "0,1" || p1.NextToken == nil {
		t.Fatalf("page 1: %s", shardIDs(p1.Shards))
	}
	p2 := e.listShards(&kinesis.ListShardsInput{NextToken: p1.NextToken, MaxResults: aws.Int32(2)})
	if shardIDs(p2.Shards) != "2,3" || p2.NextToken == nil {
		t.Fatalf("page 2: %s", shardIDs(p2.Shards))
	}
	p3 := e.listShards(&kinesis.ListShardsInput{NextToken: p2.NextToken})
	if shardIDs(p3.Shards) != "4" || p3.NextToken != nil {
		t.Fatalf("page 3: %s", shardIDs(p3.Shards))
	}
	if got := e.listShards(&kinesis.ListShardsInput{StreamName: aws.String("p"), ExclusiveStartShardId: aws.String(ingest.ShardID(2))}); shardIDs(got.Shards) != "3,4" {
		t.Fatalf("after shard 2: %s", shardIDs(got.Shards))
	}
	if got := e.listShards(&kinesis.ListShardsInput{StreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/p"), StreamCreationTimestamp: &created}); len(got.Shards) != 5 {
		t.Fatalf("by ARN and creation time: %s", shardIDs(got.Shards))
	}

	_, err := e.client.ListShards(ctx(), &kinesis.ListShardsInput{StreamName: aws.String("p"), NextToken: p1.NextToken})
	wantError[*types.InvalidArgumentException](t, err, "NextToken and StreamName cannot be provided together.")
	_, err = e.client.ListShards(ctx(), &kinesis.ListShardsInput{})
	wantError[*types.InvalidArgumentException](t, err, "Either NextToken or StreamName should be provided.")
	_, err = e.client.ListShards(ctx(), &kinesis.ListShardsInput{StreamName: aws.String("p"), MaxResults: aws.Int32(0)})
	wantError[*types.ValidationException](t, err, "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1")
	_, err = e.client.ListShards(ctx(), &kinesis.ListShardsInput{StreamName: aws.String("none")})
	wantError[*types.ResourceNotFoundException](t, err, "Stream none under account 000000000000 not found.")
	earlier := created.Add(-time.Hour)
	_, err = e.client.ListShards(ctx(), &kinesis.ListShardsInput{StreamName: aws.String("p"), StreamCreationTimestamp: &earlier})
	wantError[*types.ResourceNotFoundException](t, err, "with the given creation timestamp")
	_, err = e.client.ListShards(ctx(), &kinesis.ListShardsInput{StreamName: aws.String("p"), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtTimestamp}})
	wantError[*types.InvalidArgumentException](t, err, "ShardFilter of type AT_TIMESTAMP requires a Timestamp.")

	// Lineage over time: split shard 0 an hour in; merge shards 3 and 4 two hours in.
	e.clock.Advance(time.Hour)
	splitAt := e.clock.Now()
	if _, err := e.client.SplitShard(ctx(), &kinesis.SplitShardInput{StreamName: aws.String("p"), ShardToSplit: aws.String(ingest.ShardID(0)), NewStartingHashKey: aws.String("1000")}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	if _, err := e.client.MergeShards(ctx(), &kinesis.MergeShardsInput{StreamName: aws.String("p"), ShardToMerge: aws.String(ingest.ShardID(3)), AdjacentShardToMerge: aws.String(ingest.ShardID(4))}); err != nil {
		t.Fatal(err)
	}
	filter := func(f types.ShardFilter) string {
		t.Helper()
		return shardIDs(e.listShards(&kinesis.ListShardsInput{StreamName: aws.String("p"), ShardFilter: &f}).Shards)
	}
	halfHour := created.Add(30 * time.Minute)
	ninety := splitAt.Add(30 * time.Minute)
	cases := []struct {
		f    types.ShardFilter
		want string
	}{
		{types.ShardFilter{Type: types.ShardFilterTypeAtLatest}, "1,2,5,6,7"},
		{types.ShardFilter{Type: types.ShardFilterTypeAtTrimHorizon}, "0,1,2,3,4"},
		{types.ShardFilter{Type: types.ShardFilterTypeFromTrimHorizon}, "0,1,2,3,4,5,6,7"},
		{types.ShardFilter{Type: types.ShardFilterTypeAtTimestamp, Timestamp: &halfHour}, "0,1,2,3,4"},
		{types.ShardFilter{Type: types.ShardFilterTypeAtTimestamp, Timestamp: &ninety}, "1,2,3,4,5,6"},
		{types.ShardFilter{Type: types.ShardFilterTypeFromTimestamp, Timestamp: &ninety}, "1,2,3,4,5,6,7"},
		{types.ShardFilter{Type: types.ShardFilterTypeAfterShardId, ShardId: aws.String(ingest.ShardID(4))}, "5,6,7"},
	}
	for _, c := range cases {
		if got := filter(c.f); got != c.want {
			t.Errorf("filter %s %v: got %s, want %s", c.f.Type, aws.ToTime(c.f.Timestamp), got, c.want)
		}
	}
	// A day past the split, shard 0 is beyond the trim horizon.
	e.clock.Advance(24 * time.Hour)
	if got := filter(types.ShardFilter{Type: types.ShardFilterTypeAtTrimHorizon}); got != "1,2,3,4,5,6" {
		t.Errorf("AT_TRIM_HORIZON a day later: %s", got)
	}
	if got := filter(types.ShardFilter{Type: types.ShardFilterTypeFromTrimHorizon}); got != "1,2,3,4,5,6,7" {
		t.Errorf("FROM_TRIM_HORIZON a day later: %s", got)
	}

	// Tokens expire after 300 seconds.
	tok := e.listShards(&kinesis.ListShardsInput{StreamName: aws.String("p"), MaxResults: aws.Int32(1)}).NextToken
	e.clock.Advance(301 * time.Second)
	_, err = e.client.ListShards(ctx(), &kinesis.ListShardsInput{NextToken: tok})
	wantError[*types.ExpiredNextTokenException](t, err, "The NextToken has expired")
	_, err = e.client.ListShards(ctx(), &kinesis.ListShardsInput{NextToken: aws.String("bm90IGEgdG9rZW4")})
	wantError[*types.InvalidArgumentException](t, err, "Invalid NextToken.")
}
