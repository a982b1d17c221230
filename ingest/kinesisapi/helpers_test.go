package kinesisapi_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/kinesisapi"
	"github.com/freshet/freshet/ingest/kinesisapi/sdkclient"
	"github.com/freshet/freshet/ingest/streamstore"
)

// clock is a settable clock for the store and the handler.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a store served over loopback HTTP and a real SDK client for it.
type env struct {
	t      testing.TB
	store  *streamstore.Store
	srv    *httptest.Server
	client *kinesis.Client
	clock  *clock
}

type envOptions struct {
	store   streamstore.Options
	handler kinesisapi.Options
	clock   bool // give store and handler a settable clock
	// keyID and secret sign the client's requests (defaults AKID / SECRET).
	keyID, secret string
}

func newEnv(t testing.TB, o envOptions) *env {
	t.Helper()
	e := &env{t: t}
	if o.clock {
		e.clock = newClock()
		o.store.Now = e.clock.Now
		o.handler.Now = e.clock.Now
	}
	if o.store.RetentionCheck == 0 {
		o.store.RetentionCheck = -1
	}
	st, err := streamstore.Open(o.store)
	if err != nil {
		t.Fatal(err)
	}
	e.store = st
	e.srv = httptest.NewServer(kinesisapi.NewHandler(st, o.handler))
	t.Cleanup(func() {
		e.srv.Close()
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	if o.keyID == "" {
		o.keyID, o.secret = "AKID", "SECRET"
	}
	e.client = newClient(e.srv.URL, o.keyID, o.secret)
	return e
}

func newClient(url, keyID, secret string) *kinesis.Client {
	return sdkclient.New(url, sdkclient.Options{KeyID: keyID, Secret: secret})
}

func ctx() context.Context { return context.Background() }

// createStream creates a stream of n shards.
func (e *env) createStream(name string, n int32) {
	e.t.Helper()
	if _, err := e.client.CreateStream(ctx(), &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(n)}); err != nil {
		e.t.Fatalf("create stream %s: %v", name, err)
	}
}

// describe returns the full description of a stream.
func (e *env) describe(name string) *types.StreamDescription {
	e.t.Helper()
	out, err := e.client.DescribeStream(ctx(), &kinesis.DescribeStreamInput{StreamName: aws.String(name)})
	if err != nil {
		e.t.Fatalf("describe %s: %v", name, err)
	}
	return out.StreamDescription
}

// iterator returns a shard iterator.
func (e *env) iterator(stream, shard string, typ types.ShardIteratorType, seq *string, at *time.Time) string {
	e.t.Helper()
	out, err := e.client.GetShardIterator(ctx(), &kinesis.GetShardIteratorInput{
		StreamName: aws.String(stream), ShardId: aws.String(shard), ShardIteratorType: typ,
		StartingSequenceNumber: seq, Timestamp: at,
	})
	if err != nil {
		e.t.Fatalf("get shard iterator %s/%s %s: %v", stream, shard, typ, err)
	}
	return aws.ToString(out.ShardIterator)
}

// readAll reads a shard from an iterator until it is caught up (or closed),
// limit records per call.
func (e *env) readAll(it string, limit int32) (recs []types.Record, last *kinesis.GetRecordsOutput) {
	e.t.Helper()
	for i := 0; i < 100000; i++ {
		out, err := e.client.GetRecords(ctx(), &kinesis.GetRecordsInput{ShardIterator: aws.String(it), Limit: aws.Int32(limit)})
		if err != nil {
			e.t.Fatalf("get records: %v", err)
		}
		recs = append(recs, out.Records...)
		last = out
		if out.NextShardIterator == nil || (len(out.Records) == 0 && aws.ToInt64(out.MillisBehindLatest) == 0) {
			return recs, last
		}
		it = *out.NextShardIterator
	}
	e.t.Fatal("readAll did not finish")
	return nil, nil
}

// wantError checks that err is the typed SDK error T with code and a message
// containing msg.
func wantError[T error](t testing.TB, err error, msg string) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("got error %v (%T), want %T", err, err, target)
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		t.Fatalf("error %v is not a smithy.APIError", err)
	}
	if !strings.Contains(api.ErrorMessage(), msg) {
		t.Fatalf("%s message %q does not contain %q", api.ErrorCode(), api.ErrorMessage(), msg)
	}
	return target
}

// wantCode checks an error the SDK has no type for (a generic API error).
func wantCode(t testing.TB, err error, code, msg string) {
	t.Helper()
	var api smithy.APIError
	if !errors.As(err, &api) {
		t.Fatalf("got error %v (%T), want API error %s", err, err, code)
	}
	if api.ErrorCode() != code || !strings.Contains(api.ErrorMessage(), msg) {
		t.Fatalf("got %s %q, want %s containing %q", api.ErrorCode(), api.ErrorMessage(), code, msg)
	}
}

// hashKey returns the decimal form of a hash key n/d of the way through the
// key space.
func hashKeyAt(n, d int) string {
	return ingest.SplitRange(ingest.HashRange{End: ingest.MaxHashKey}, d)[n].Start.String()
}
