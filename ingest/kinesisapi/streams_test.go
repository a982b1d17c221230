package kinesisapi_test

import (
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/streamstore"
)

func TestCreateDescribeDeleteStream(t *testing.T) {
	e := newEnv(t, envOptions{})
	before := time.Now().Add(-time.Second)
	_, err := e.client.CreateStream(ctx(), &kinesis.CreateStreamInput{
		StreamName: aws.String("clicks"), ShardCount: aws.Int32(3), Tags: map[string]string{"team": "web"},
	})
	if err != nil {
		t.Fatal(err)
	}

	d := e.describe("clicks")
	if aws.ToString(d.StreamName) != "clicks" || aws.ToString(d.StreamARN) != "arn:aws:kinesis:us-east-1:000000000000:stream/clicks" ||
		d.StreamStatus != types.StreamStatusActive || aws.ToInt32(d.RetentionPeriodHours) != 24 || aws.ToBool(d.HasMoreShards) ||
		d.EncryptionType != types.EncryptionTypeNone || len(d.EnhancedMonitoring) != 1 ||
		d.StreamModeDetails == nil || d.StreamModeDetails.StreamMode != types.StreamModeProvisioned {
		t.Fatalf("description: %+v", d)
	}
	if c := aws.ToTime(d.StreamCreationTimestamp); c.Before(before) || c.After(time.Now().Add(time.Second)) {
		t.Fatalf("creation timestamp %v", c)
	}
	if len(d.Shards) != 3 {
		t.Fatalf("%d shards", len(d.Shards))
	}
	// The shards split 0..2^128-1 evenly and contiguously.
	next := big.NewInt(0)
	for i, s := range d.Shards {
		if aws.ToString(s.ShardId) != ingest.ShardID(uint32(i)) || s.ParentShardId != nil || s.AdjacentParentShardId != nil {
			t.Fatalf("shard %d: %+v", i, s)
		}
		if aws.ToString(s.HashKeyRange.StartingHashKey) != next.String() {
			t.Fatalf("shard %d starts at %s, want %s", i, aws.ToString(s.HashKeyRange.StartingHashKey), next)
		}
		end, _ := new(big.Int).SetString(aws.ToString(s.HashKeyRange.EndingHashKey), 10)
		next = end.Add(end, big.NewInt(1))
		if s.SequenceNumberRange == nil || s.SequenceNumberRange.StartingSequenceNumber == nil || s.SequenceNumberRange.EndingSequenceNumber != nil {
			t.Fatalf("shard %d sequence range %+v", i, s.SequenceNumberRange)
		}
	}
	if want := new(big.Int).Lsh(big.NewInt(1), 128); next.Cmp(want) != 0 {
		t.Fatalf("shards end at %s, want 2^128-1", next)
	}

	// Paging through the shards.
	p1, err := e.client.DescribeStream(ctx(), &kinesis.DescribeStreamInput{StreamName: aws.String("clicks"), Limit: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if len(p1.StreamDescription.Shards) != 2 || !aws.ToBool(p1.StreamDescription.HasMoreShards) {
		t.Fatalf("page 1: %d shards, more=%v", len(p1.StreamDescription.Shards), aws.ToBool(p1.StreamDescription.HasMoreShards))
	}
	p2, err := e.client.DescribeStream(ctx(), &kinesis.DescribeStreamInput{StreamName: aws.String("clicks"), Limit: aws.Int32(2),
		ExclusiveStartShardId: p1.StreamDescription.Shards[1].ShardId})
	if err != nil {
		t.Fatal(err)
	}
	if len(p2.StreamDescription.Shards) != 1 || aws.ToString(p2.StreamDescription.Shards[0].ShardId) != ingest.ShardID(2) || aws.ToBool(p2.StreamDescription.HasMoreShards) {
		t.Fatalf("page 2: %+v", p2.StreamDescription.Shards)
	}

	sum, err := e.client.DescribeStreamSummary(ctx(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("clicks")})
	if err != nil {
		t.Fatal(err)
	}
	s := sum.StreamDescriptionSummary
	if aws.ToInt32(s.OpenShardCount) != 3 || aws.ToInt32(s.RetentionPeriodHours) != 24 || aws.ToString(s.StreamName) != "clicks" ||
		aws.ToString(s.StreamARN) != aws.ToString(d.StreamARN) || s.StreamStatus != types.StreamStatusActive ||
		aws.ToInt32(s.MaxRecordSizeInKiB) != 1024 || !aws.ToTime(s.StreamCreationTimestamp).Equal(aws.ToTime(d.StreamCreationTimestamp)) {
		t.Fatalf("summary: %+v", s)
	}

	_, err = e.client.CreateStream(ctx(), &kinesis.CreateStreamInput{StreamName: aws.String("clicks"), ShardCount: aws.Int32(1)})
	wantError[*types.ResourceInUseException](t, err, "Stream clicks under account 000000000000 already exists.")

	if _, err := e.client.DeleteStream(ctx(), &kinesis.DeleteStreamInput{StreamName: aws.String("clicks")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.DescribeStream(ctx(), &kinesis.DescribeStreamInput{StreamName: aws.String("clicks")})
	wantError[*types.ResourceNotFoundException](t, err, "Stream clicks under account 000000000000 not found.")
	_, err = e.client.DeleteStream(ctx(), &kinesis.DeleteStreamInput{StreamName: aws.String("clicks")})
	wantError[*types.ResourceNotFoundException](t, err, "Stream clicks under account 000000000000 not found.")
	_, err = e.client.DescribeStreamSummary(ctx(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("clicks")})
	wantError[*types.ResourceNotFoundException](t, err, "not found")
}

func TestCreateStreamModesAndRecordSize(t *testing.T) {
	e := newEnv(t, envOptions{})
	_, err := e.client.CreateStream(ctx(), &kinesis.CreateStreamInput{StreamName: aws.String("od"),
		StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(e.describe("od").Shards); n != 4 {
		t.Fatalf("on-demand stream has %d shards, want 4", n)
	}
	_, err = e.client.CreateStream(ctx(), &kinesis.CreateStreamInput{StreamName: aws.String("od2"), ShardCount: aws.Int32(2),
		StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}})
	wantError[*types.InvalidArgumentException](t, err, "ShardCount must not be given for a stream in ON_DEMAND mode.")
	_, err = e.client.CreateStream(ctx(), &kinesis.CreateStreamInput{StreamName: aws.String("p")})
	wantError[*types.InvalidArgumentException](t, err, "ShardCount is required for a stream in PROVISIONED mode.")

	_, err = e.client.CreateStream(ctx(), &kinesis.CreateStreamInput{StreamName: aws.String("big"), ShardCount: aws.Int32(1), MaxRecordSizeInKiB: aws.Int32(2048)})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := e.client.DescribeStreamSummary(ctx(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("big")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(sum.StreamDescriptionSummary.MaxRecordSizeInKiB) != 2048 {
		t.Fatalf("MaxRecordSizeInKiB %d", aws.ToInt32(sum.StreamDescriptionSummary.MaxRecordSizeInKiB))
	}
	// A 1.5 MiB record fits a 2 MiB stream.
	if _, err := e.client.PutRecord(ctx(), &kinesis.PutRecordInput{StreamName: aws.String("big"), PartitionKey: aws.String("k"),
		Data: make([]byte, 3<<19)}); err != nil {
		t.Fatal(err)
	}
}

func TestCreateStreamValidation(t *testing.T) {
	e := newEnv(t, envOptions{store: streamstore.Options{Limits: ingest.Limits{MaxShardsPerStream: 5}}})
	cases := []struct {
		in  kinesis.CreateStreamInput
		msg string
	}{
		{kinesis.CreateStreamInput{StreamName: aws.String("bad name"), ShardCount: aws.Int32(1)},
			"1 validation error detected: Value 'bad name' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"},
		{kinesis.CreateStreamInput{StreamName: aws.String(strings.Repeat("a", 129)), ShardCount: aws.Int32(1)},
			"at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(0)},
			"1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{kinesis.CreateStreamInput{StreamName: aws.String("s?"), ShardCount: aws.Int32(-1)},
			"2 validation errors detected: Value 's?' at 'streamName'"},
		{kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1), MaxRecordSizeInKiB: aws.Int32(100)},
			"Value '100' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value greater than or equal to 1024"},
	}
	for _, c := range cases {
		_, err := e.client.CreateStream(ctx(), &c.in)
		wantError[*types.ValidationException](t, err, c.msg)
	}
	_, err := e.client.CreateStream(ctx(), &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(6)})
	wantError[*types.LimitExceededException](t, err, "This request would exceed the shard limit for the stream. Requested 6 shards; the limit is 5.")

	lim, err := e.client.DescribeLimits(ctx(), &kinesis.DescribeLimitsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(lim.ShardLimit) != 5 || aws.ToInt32(lim.OpenShardCount) != 0 {
		t.Fatalf("limits %+v", lim)
	}
}

func TestListStreamsAndLimits(t *testing.T) {
	e := newEnv(t, envOptions{})
	for i := 4; i >= 0; i-- {
		e.createStream(fmt.Sprintf("s%d", i), int32(i+1))
	}
	all, err := e.client.ListStreams(ctx(), &kinesis.ListStreamsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(all.StreamNames, ",") != "s0,s1,s2,s3,s4" || aws.ToBool(all.HasMoreStreams) || all.NextToken != nil || len(all.StreamSummaries) != 5 {
		t.Fatalf("list: %v more=%v", all.StreamNames, aws.ToBool(all.HasMoreStreams))
	}
	for i, s := range all.StreamSummaries {
		if aws.ToString(s.StreamName) != all.StreamNames[i] || aws.ToString(s.StreamARN) != "arn:aws:kinesis:us-east-1:000000000000:stream/"+all.StreamNames[i] ||
			s.StreamStatus != types.StreamStatusActive || s.StreamCreationTimestamp == nil || s.StreamModeDetails == nil {
			t.Fatalf("summary %d: %+v", i, s)
		}
	}

	p1, err := e.client.ListStreams(ctx(), &kinesis.ListStreamsInput{Limit: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p1.StreamNames, ",") != "s0,s1" || !aws.ToBool(p1.HasMoreStreams) || p1.NextToken == nil {
		t.Fatalf("page 1: %v %v", p1.StreamNames, aws.ToBool(p1.HasMoreStreams))
	}
	p2, err := e.client.ListStreams(ctx(), &kinesis.ListStreamsInput{Limit: aws.Int32(2), NextToken: p1.NextToken})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p2.StreamNames, ",") != "s2,s3" || !aws.ToBool(p2.HasMoreStreams) {
		t.Fatalf("page 2: %v", p2.StreamNames)
	}
	p3, err := e.client.ListStreams(ctx(), &kinesis.ListStreamsInput{ExclusiveStartStreamName: aws.String("s3")})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p3.StreamNames, ",") != "s4" || aws.ToBool(p3.HasMoreStreams) {
		t.Fatalf("after s3: %v", p3.StreamNames)
	}
	// The SDK's paginator follows NextToken.
	var names []string
	pg := kinesis.NewListStreamsPaginator(e.client, &kinesis.ListStreamsInput{Limit: aws.Int32(2)})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx())
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, page.StreamNames...)
	}
	if strings.Join(names, ",") != "s0,s1,s2,s3,s4" {
		t.Fatalf("paginator: %v", names)
	}
	_, err = e.client.ListStreams(ctx(), &kinesis.ListStreamsInput{NextToken: aws.String("garbage")})
	wantError[*types.InvalidArgumentException](t, err, "Invalid NextToken.")
	_, err = e.client.ListStreams(ctx(), &kinesis.ListStreamsInput{Limit: aws.Int32(10001)})
	wantError[*types.ValidationException](t, err, "Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000")

	lim, err := e.client.DescribeLimits(ctx(), &kinesis.DescribeLimitsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(lim.ShardLimit) != ingest.DefaultMaxShards || aws.ToInt32(lim.OpenShardCount) != 15 ||
		aws.ToInt32(lim.OnDemandStreamCount) != 0 || aws.ToInt32(lim.OnDemandStreamCountLimit) != 50 {
		t.Fatalf("limits: shard limit %d open %d on-demand %d/%d", aws.ToInt32(lim.ShardLimit), aws.ToInt32(lim.OpenShardCount),
			aws.ToInt32(lim.OnDemandStreamCount), aws.ToInt32(lim.OnDemandStreamCountLimit))
	}
}

func TestListStreamsTokenExpires(t *testing.T) {
	e := newEnv(t, envOptions{clock: true})
	e.createStream("a", 1)
	e.createStream("b", 1)
	p1, err := e.client.ListStreams(ctx(), &kinesis.ListStreamsInput{Limit: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(301 * time.Second)
	_, err = e.client.ListStreams(ctx(), &kinesis.ListStreamsInput{NextToken: p1.NextToken})
	wantError[*types.ExpiredNextTokenException](t, err, "The NextToken has expired")
}

func TestRetentionPeriod(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream("r", 1)
	inc := func(h int32) error {
		_, err := e.client.IncreaseStreamRetentionPeriod(ctx(), &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("r"), RetentionPeriodHours: aws.Int32(h)})
		return err
	}
	dec := func(h int32) error {
		_, err := e.client.DecreaseStreamRetentionPeriod(ctx(), &kinesis.DecreaseStreamRetentionPeriodInput{StreamName: aws.String("r"), RetentionPeriodHours: aws.Int32(h)})
		return err
	}
	if err := inc(168); err != nil {
		t.Fatal(err)
	}
	if h := aws.ToInt32(e.describe("r").RetentionPeriodHours); h != 168 {
		t.Fatalf("retention %d after increase", h)
	}
	wantError[*types.InvalidArgumentException](t, inc(48),
		"Requested retention period (48 hours) for stream r can not be shorter than or equal to the existing retention period (168 hours). Use DecreaseStreamRetentionPeriod API.")
	wantError[*types.InvalidArgumentException](t, inc(168), "can not be shorter than or equal to the existing retention period (168 hours)")
	wantError[*types.InvalidArgumentException](t, dec(200),
		"Requested retention period (200 hours) for stream r can not be longer than or equal to the existing retention period (168 hours). Use IncreaseStreamRetentionPeriod API.")
	wantError[*types.InvalidArgumentException](t, inc(8761), "Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.")
	wantError[*types.InvalidArgumentException](t, dec(23), "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.")
	if err := dec(24); err != nil {
		t.Fatal(err)
	}
	if h := aws.ToInt32(e.describe("r").RetentionPeriodHours); h != 24 {
		t.Fatalf("retention %d after decrease", h)
	}
	if err := inc(8760); err != nil {
		t.Fatal(err)
	}
	_, err := e.client.IncreaseStreamRetentionPeriod(ctx(), &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("nope"), RetentionPeriodHours: aws.Int32(48)})
	wantError[*types.ResourceNotFoundException](t, err, "Stream nope under account 000000000000 not found.")
}

func TestTags(t *testing.T) {
	e := newEnv(t, envOptions{})
	_, err := e.client.CreateStream(ctx(), &kinesis.CreateStreamInput{StreamName: aws.String("t"), ShardCount: aws.Int32(1),
		Tags: map[string]string{"a": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.AddTagsToStream(ctx(), &kinesis.AddTagsToStreamInput{StreamName: aws.String("t"),
		Tags: map[string]string{"b": "2", "c": "3", "d": ""}}); err != nil {
		t.Fatal(err)
	}
	list := func(start *string, limit *int32) *kinesis.ListTagsForStreamOutput {
		t.Helper()
		out, err := e.client.ListTagsForStream(ctx(), &kinesis.ListTagsForStreamInput{StreamName: aws.String("t"), ExclusiveStartTagKey: start, Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	str := func(tags []types.Tag) string {
		var parts []string
		for _, tg := range tags {
			parts = append(parts, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
		}
		return strings.Join(parts, ",")
	}
	if got := list(nil, nil); str(got.Tags) != "a=1,b=2,c=3,d=" || aws.ToBool(got.HasMoreTags) {
		t.Fatalf("tags %s more=%v", str(got.Tags), aws.ToBool(got.HasMoreTags))
	}
	if got := list(nil, aws.Int32(2)); str(got.Tags) != "a=1,b=2" || !aws.ToBool(got.HasMoreTags) {
		t.Fatalf("page 1: %s", str(got.Tags))
	}
	if got := list(aws.String("b"), aws.Int32(2)); str(got.Tags) != "c=3,d=" || aws.ToBool(got.HasMoreTags) {
		t.Fatalf("page 2: %s", str(got.Tags))
	}
	if _, err := e.client.RemoveTagsFromStream(ctx(), &kinesis.RemoveTagsFromStreamInput{StreamName: aws.String("t"), TagKeys: []string{"a", "c", "zz"}}); err != nil {
		t.Fatal(err)
	}
	if got := list(nil, nil); str(got.Tags) != "b=2,d=" {
		t.Fatalf("after remove: %s", str(got.Tags))
	}

	eleven := map[string]string{}
	for i := range 11 {
		eleven[fmt.Sprintf("k%02d", i)] = "v"
	}
	_, err = e.client.AddTagsToStream(ctx(), &kinesis.AddTagsToStreamInput{StreamName: aws.String("t"), Tags: eleven})
	wantError[*types.ValidationException](t, err, "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 10")
	_, err = e.client.AddTagsToStream(ctx(), &kinesis.AddTagsToStreamInput{StreamName: aws.String("t"), Tags: map[string]string{strings.Repeat("k", 129): "v"}})
	wantError[*types.ValidationException](t, err, "Map keys must satisfy constraint")
	for i := range 5 {
		batch := map[string]string{}
		for j := range 10 {
			batch[fmt.Sprintf("x%d-%d", i, j)] = "v"
		}
		_, err = e.client.AddTagsToStream(ctx(), &kinesis.AddTagsToStreamInput{StreamName: aws.String("t"), Tags: batch})
	}
	wantError[*types.LimitExceededException](t, err, "a stream can have at most 50 tags")
	_, err = e.client.ListTagsForStream(ctx(), &kinesis.ListTagsForStreamInput{StreamName: aws.String("t"), Limit: aws.Int32(51)})
	wantError[*types.ValidationException](t, err, "Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50")
	_, err = e.client.ListTagsForStream(ctx(), &kinesis.ListTagsForStreamInput{StreamName: aws.String("none")})
	wantError[*types.ResourceNotFoundException](t, err, "Stream none under account 000000000000 not found.")
}
