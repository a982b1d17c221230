package kinesisapi_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/kinesisapi"
	"github.com/freshet/freshet/ingest/sigv4"
	"github.com/freshet/freshet/ingest/streamstore"
)

func TestSigV4(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(path, []byte("# producers\nAKIDPRODUCER producer-secret\n[reader]\naws_access_key_id = AKIDREADER\naws_secret_access_key = reader/secret+x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := sigv4.LoadCredentials(path)
	if err != nil {
		t.Fatal(err)
	}
	skew := time.Duration(0)
	v.Now = func() time.Time { return time.Now().Add(skew) }
	e := newEnv(t, envOptions{handler: kinesisapi.Options{Credentials: v}, keyID: "AKIDPRODUCER", secret: "producer-secret"})

	// Correctly signed requests, small and large, from both keys.
	e.createStream("auth", 1)
	recs := make([]types.PutRecordsRequestEntry, 500)
	for i := range recs {
		recs[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String("k"), Data: make([]byte, 1000)}
	}
	if _, err := e.client.PutRecords(ctx(), &kinesis.PutRecordsInput{StreamName: aws.String("auth"), Records: recs}); err != nil {
		t.Fatal(err)
	}
	reader := newClient(e.srv.URL, "AKIDREADER", "reader/secret+x")
	it, err := reader.GetShardIterator(ctx(), &kinesis.GetShardIteratorInput{StreamName: aws.String("auth"), ShardId: aws.String(ingest.ShardID(0)),
		ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	got, err := reader.GetRecords(ctx(), &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil || len(got.Records) != 500 {
		t.Fatalf("signed GetRecords: %v", err)
	}

	_, err = newClient(e.srv.URL, "AKIDPRODUCER", "wrong-secret").ListStreams(ctx(), &kinesis.ListStreamsInput{})
	wantCode(t, err, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	_, err = newClient(e.srv.URL, "AKIDSTRANGER", "producer-secret").ListStreams(ctx(), &kinesis.ListStreamsInput{})
	wantCode(t, err, "UnrecognizedClientException", "The security token included in the request is invalid.")

	skew = 16 * time.Minute
	_, err = e.client.ListStreams(ctx(), &kinesis.ListStreamsInput{})
	wantCode(t, err, "InvalidSignatureException", "Signature expired: ")
	skew = 0

	r := raw(t, e.srv.URL, http.MethodPost, "Kinesis_20131202.ListStreams", []byte(`{}`))
	if r.status != http.StatusBadRequest || r.typ != "MissingAuthenticationTokenException" || r.msg != "Missing Authentication Token" {
		t.Fatalf("unsigned request: %d %s %q", r.status, r.typ, r.msg)
	}
	// Authentication comes first: an unsigned request for an unknown
	// operation learns nothing about the operation.
	r = raw(t, e.srv.URL, http.MethodPost, "Kinesis_20131202.Nope", []byte(`{`))
	if r.typ != "MissingAuthenticationTokenException" {
		t.Fatalf("unsigned unknown operation: %s", r.typ)
	}
}

func TestStreamARNAddressing(t *testing.T) {
	opts := kinesisapi.Options{Region: "eu-west-1", AccountID: "123456789012"}
	// The store names the same region and account in its ARNs.
	e := newEnv(t, envOptions{handler: opts, store: streamstore.Options{Region: opts.Region, AccountID: opts.AccountID}})
	e.createStream("a", 2)
	arn := aws.String("arn:aws:kinesis:eu-west-1:123456789012:stream/a")

	d, err := e.client.DescribeStream(ctx(), &kinesis.DescribeStreamInput{StreamARN: arn})
	if err != nil || aws.ToString(d.StreamDescription.StreamARN) != *arn {
		t.Fatalf("DescribeStream by ARN: %v %v", err, d)
	}
	if _, err := e.client.DescribeStreamSummary(ctx(), &kinesis.DescribeStreamSummaryInput{StreamARN: arn}); err != nil {
		t.Fatal(err)
	}
	pr, err := e.client.PutRecord(ctx(), &kinesis.PutRecordInput{StreamARN: arn, PartitionKey: aws.String("k"), Data: []byte("one")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.PutRecords(ctx(), &kinesis.PutRecordsInput{StreamARN: arn, StreamName: aws.String("a"),
		Records: []types.PutRecordsRequestEntry{{PartitionKey: aws.String("k"), Data: []byte("two")}}}); err != nil {
		t.Fatal(err)
	}
	it, err := e.client.GetShardIterator(ctx(), &kinesis.GetShardIteratorInput{StreamARN: arn, ShardId: pr.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.client.GetRecords(ctx(), &kinesis.GetRecordsInput{StreamARN: arn, ShardIterator: it.ShardIterator})
	if err != nil || len(got.Records) != 2 {
		t.Fatalf("GetRecords by ARN: %v", err)
	}
	if _, err := e.client.AddTagsToStream(ctx(), &kinesis.AddTagsToStreamInput{StreamARN: arn, Tags: map[string]string{"x": "1"}}); err != nil {
		t.Fatal(err)
	}
	if tags, err := e.client.ListTagsForStream(ctx(), &kinesis.ListTagsForStreamInput{StreamARN: arn}); err != nil || len(tags.Tags) != 1 {
		t.Fatalf("ListTagsForStream by ARN: %v", err)
	}
	if _, err := e.client.RemoveTagsFromStream(ctx(), &kinesis.RemoveTagsFromStreamInput{StreamARN: arn, TagKeys: []string{"x"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.IncreaseStreamRetentionPeriod(ctx(), &kinesis.IncreaseStreamRetentionPeriodInput{StreamARN: arn, RetentionPeriodHours: aws.Int32(48)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.DecreaseStreamRetentionPeriod(ctx(), &kinesis.DecreaseStreamRetentionPeriodInput{StreamARN: arn, RetentionPeriodHours: aws.Int32(24)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.SplitShard(ctx(), &kinesis.SplitShardInput{StreamARN: arn, ShardToSplit: aws.String(ingest.ShardID(0)), NewStartingHashKey: aws.String("100")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.MergeShards(ctx(), &kinesis.MergeShardsInput{StreamARN: arn, ShardToMerge: aws.String(ingest.ShardID(2)), AdjacentShardToMerge: aws.String(ingest.ShardID(3))}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.UpdateShardCount(ctx(), &kinesis.UpdateShardCountInput{StreamARN: arn, TargetShardCount: aws.Int32(3), ScalingType: types.ScalingTypeUniformScaling}); err != nil {
		t.Fatal(err)
	}
	if ls, err := e.client.ListShards(ctx(), &kinesis.ListShardsInput{StreamARN: arn, ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}}); err != nil || len(ls.Shards) != 3 {
		t.Fatalf("ListShards by ARN: %v", err)
	}

	_, err = e.client.DescribeStream(ctx(), &kinesis.DescribeStreamInput{StreamARN: aws.String("arn:aws:kinesis:us-east-1:123456789012:stream/a")})
	wantError[*types.ResourceNotFoundException](t, err, "Stream a under account 123456789012 not found: this endpoint serves region eu-west-1 and account 123456789012.")
	_, err = e.client.DescribeStream(ctx(), &kinesis.DescribeStreamInput{StreamARN: aws.String("arn:aws:kinesis:eu-west-1:999999999999:stream/a")})
	wantError[*types.ResourceNotFoundException](t, err, "this endpoint serves region eu-west-1 and account 123456789012")
	_, err = e.client.DescribeStream(ctx(), &kinesis.DescribeStreamInput{StreamARN: aws.String("arn:aws:s3:::bucket")})
	wantError[*types.ValidationException](t, err, "Value 'arn:aws:s3:::bucket' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+")
	_, err = e.client.DescribeStream(ctx(), &kinesis.DescribeStreamInput{StreamARN: arn, StreamName: aws.String("b")})
	wantError[*types.InvalidArgumentException](t, err, "StreamARN arn:aws:kinesis:eu-west-1:123456789012:stream/a and StreamName b name different streams.")
	if _, err := e.client.DeleteStream(ctx(), &kinesis.DeleteStreamInput{StreamARN: arn}); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.DescribeStream(ctx(), &kinesis.DescribeStreamInput{StreamARN: arn})
	wantError[*types.ResourceNotFoundException](t, err, "Stream a under account 123456789012 not found.")
}
