package kinesisapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/kinesisapi"
	"github.com/freshet/freshet/ingest/seglog"
	"github.com/freshet/freshet/ingest/streamstore"
)

// rawResponse is an API response read over plain HTTP.
type rawResponse struct {
	status int
	header http.Header
	typ    string
	msg    string
	body   []byte
}

// raw sends a request without the SDK.
func raw(t *testing.T, url, method, target string, body []byte) rawResponse {
	t.Helper()
	req, err := http.NewRequest(method, url+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	r := rawResponse{status: resp.StatusCode, header: resp.Header, body: b}
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if resp.StatusCode != http.StatusOK {
		if err := json.Unmarshal(b, &e); err != nil {
			t.Fatalf("error body %q is not JSON: %v", b, err)
		}
		r.typ, r.msg = e.Type, e.Message
		if got := resp.Header.Get("X-Amzn-Errortype"); got != e.Type {
			t.Fatalf("x-amzn-ErrorType %q, body __type %q", got, e.Type)
		}
	}
	return r
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestProtocolDetails(t *testing.T) {
	e := newEnv(t, envOptions{})
	ok := raw(t, e.srv.URL, http.MethodPost, "Kinesis_20131202.ListStreams", []byte(`{}`))
	if ok.status != http.StatusOK || ok.header.Get("Content-Type") != "application/x-amz-json-1.1" || !uuidRE.MatchString(ok.header.Get("X-Amzn-Requestid")) {
		t.Fatalf("ListStreams: %d %v", ok.status, ok.header)
	}
	if string(ok.body) != `{"HasMoreStreams":false,"StreamNames":[],"StreamSummaries":[]}` {
		t.Fatalf("ListStreams body %s", ok.body)
	}
	other := raw(t, e.srv.URL, http.MethodPost, "Kinesis_20131202.ListStreams", []byte(`{}`))
	if other.header.Get("X-Amzn-Requestid") == ok.header.Get("X-Amzn-Requestid") {
		t.Fatal("two requests got the same request id")
	}

	cases := []struct {
		name, method, target, body string
		status                     int
		typ, msg                   string
	}{
		{"unknown operation", "POST", "Kinesis_20131202.FlyToTheMoon", `{}`, 400, "UnknownOperationException", `Unknown operation "Kinesis_20131202.FlyToTheMoon"`},
		{"other service", "POST", "DynamoDB_20120810.ListTables", `{}`, 400, "UnknownOperationException", "X-Amz-Target must be Kinesis_20131202.<Operation>"},
		{"no target", "POST", "", `{}`, 400, "UnknownOperationException", "Unknown operation"},
		{"truncated JSON", "POST", "Kinesis_20131202.DescribeStream", `{"StreamName":`, 400, "SerializationException", "Malformed JSON"},
		{"not JSON", "POST", "Kinesis_20131202.CreateStream", `StreamName=x`, 400, "SerializationException", "Malformed JSON"},
		{"wrong type", "POST", "Kinesis_20131202.CreateStream", `{"StreamName":"x","ShardCount":"two"}`, 400, "SerializationException", "Cannot convert a JSON string"},
		{"array body", "POST", "Kinesis_20131202.DescribeStream", `[]`, 400, "SerializationException", "Cannot convert a JSON array"},
		{"empty body", "POST", "Kinesis_20131202.DescribeStream", ``, 400, "SerializationException", "The request body is empty"},
		{"truncated PutRecords", "POST", "Kinesis_20131202.PutRecords", `{"StreamName":"x","Records":[{"Data":"AA==",`, 400, "SerializationException", "Malformed JSON"},
		{"bad base64", "POST", "Kinesis_20131202.PutRecords", `{"StreamName":"x","Records":[{"Data":"A!==","PartitionKey":"k"}]}`, 400, "SerializationException", "Records.1.Data at offset 37 is not valid base64"},
		{"PutRecords wrong type", "POST", "Kinesis_20131202.PutRecords", `{"StreamName":"x","Records":{}}`, 400, "SerializationException", "(Records) to a list"},
		{"duplicate member", "POST", "Kinesis_20131202.PutRecords", `{"StreamName":"x","StreamName":"y"}`, 400, "SerializationException", "member StreamName is given twice"},
		{"missing records", "POST", "Kinesis_20131202.PutRecords", `{"StreamName":"x"}`, 400, "ValidationException", "Value null at 'records' failed to satisfy constraint: Member must not be null"},
		{"missing stream", "POST", "Kinesis_20131202.DescribeStream", `{}`, 400, "InvalidArgumentException", "Either StreamName or StreamARN must be provided."},
		{"stream id", "POST", "Kinesis_20131202.DescribeStream", `{"StreamId":"abc"}`, 400, "InvalidArgumentException", "StreamId is not supported"},
		{"GET", "GET", "Kinesis_20131202.ListStreams", ``, 405, "UnknownOperationException", "The Kinesis API takes POST requests; got GET."},
	}
	for _, c := range cases {
		r := raw(t, e.srv.URL, c.method, c.target, []byte(c.body))
		if r.status != c.status || r.typ != c.typ || !strings.Contains(r.msg, c.msg) {
			t.Errorf("%s: got %d %s %q, want %d %s containing %q", c.name, r.status, r.typ, r.msg, c.status, c.typ, c.msg)
		}
		if !uuidRE.MatchString(r.header.Get("X-Amzn-Requestid")) {
			t.Errorf("%s: no request id", c.name)
		}
	}

	// CBOR (the AWS SDK for Java's default for Kinesis) is refused clearly.
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/", bytes.NewReader([]byte{0xbf, 0xff}))
	req.Header.Set("Content-Type", "application/x-amz-cbor-1.1")
	req.Header.Set("X-Amz-Target", "Kinesis_20131202.ListStreams")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	cbor, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(cbor), "CBOR request bodies are not supported") {
		t.Fatalf("CBOR request: %d %s", resp.StatusCode, cbor)
	}

	// An operation the SDK knows and Freshet does not serve.
	_, err = e.client.ListStreamConsumers(ctx(), &kinesis.ListStreamConsumersInput{StreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/x")})
	wantCode(t, err, "UnknownOperationException", `Unknown operation "Kinesis_20131202.ListStreamConsumers"`)
}

func TestRequestSizeLimits(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream("big", 2)

	// The largest legal request: 10 MiB of data and keys, 13.4 MiB as JSON.
	recs := make([]types.PutRecordsRequestEntry, 10)
	for i := range recs {
		recs[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String("k"), Data: bytes.Repeat([]byte{byte(i)}, ingest.MaxPutRecordsBytes/10-1)}
	}
	out, err := e.client.PutRecords(ctx(), &kinesis.PutRecordsInput{StreamName: aws.String("big"), Records: recs})
	if err != nil {
		t.Fatalf("a maximal request: %v", err)
	}
	if aws.ToInt32(out.FailedRecordCount) != 0 {
		t.Fatalf("%d failed", aws.ToInt32(out.FailedRecordCount))
	}

	// Over 10 MiB of data and keys.
	recs = append(recs, types.PutRecordsRequestEntry{PartitionKey: aws.String("k"), Data: make([]byte, 100)})
	_, err = e.client.PutRecords(ctx(), &kinesis.PutRecordsInput{StreamName: aws.String("big"), Records: recs})
	wantError[*types.InvalidArgumentException](t, err, "Records size exceeds 10 MB limit: the request holds 10485861 bytes of data and partition keys; a PutRecords request may hold at most 10485760.")

	// A body over the endpoint's cap is answered, not cut off.
	_, err = e.client.PutRecord(ctx(), &kinesis.PutRecordInput{StreamName: aws.String("big"), PartitionKey: aws.String("k"), Data: make([]byte, 13<<20)})
	wantError[*types.InvalidArgumentException](t, err, "exceeds this endpoint's limit of 16777216 bytes")
	r := raw(t, e.srv.URL, "POST", "Kinesis_20131202.PutRecords", make([]byte, 17<<20))
	if r.status != http.StatusRequestEntityTooLarge || r.typ != "InvalidArgumentException" || !strings.Contains(r.msg, "Request body of 17825792 bytes exceeds") {
		t.Fatalf("oversize raw request: %d %s %q", r.status, r.typ, r.msg)
	}
	// A 10 MiB record is within the model but not within the stream's 1 MiB.
	_, err = e.client.PutRecord(ctx(), &kinesis.PutRecordInput{StreamName: aws.String("big"), PartitionKey: aws.String("k"), Data: make([]byte, 10<<20)})
	wantError[*types.ValidationException](t, err, "Member must have length less than or equal to 1048576")
	_, err = e.client.PutRecord(ctx(), &kinesis.PutRecordInput{StreamName: aws.String("big"), PartitionKey: aws.String("k"), Data: make([]byte, 10<<20+1)})
	wantError[*types.ValidationException](t, err, "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=10485761 cap=10485761]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 10485760")
}

func TestSmallBodyCap(t *testing.T) {
	e := newEnv(t, envOptions{handler: kinesisapi.Options{MaxBodyBytes: 1000}})
	e.createStream("s", 1)
	_, err := e.client.PutRecord(ctx(), &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: make([]byte, 1000)})
	wantError[*types.InvalidArgumentException](t, err, "exceeds this endpoint's limit of 1000 bytes")
	if _, err := e.client.PutRecord(ctx(), &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: make([]byte, 10)}); err != nil {
		t.Fatalf("the connection is usable after an oversize request: %v", err)
	}
}

func TestPutValidation(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream("v", 1)
	n := func(count int) []types.PutRecordsRequestEntry {
		recs := make([]types.PutRecordsRequestEntry, count)
		for i := range recs {
			recs[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String("k"), Data: []byte("x")}
		}
		return recs
	}
	put := func(recs []types.PutRecordsRequestEntry) error {
		_, err := e.client.PutRecords(ctx(), &kinesis.PutRecordsInput{StreamName: aws.String("v"), Records: recs})
		return err
	}
	wantError[*types.ValidationException](t, put(n(501)), "1 validation error detected: Value '[501 records]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500")
	wantError[*types.ValidationException](t, put(n(0)), "1 validation error detected: Value '[0 records]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1")
	if err := put(n(500)); err != nil {
		t.Fatalf("500 records: %v", err)
	}

	long := strings.Repeat("p", 257)
	recs := n(3)
	recs[1].PartitionKey = aws.String(long)
	wantError[*types.ValidationException](t, put(recs),
		"1 validation error detected: Value '"+long+"' at 'records.2.member.partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256")
	recs[1].PartitionKey = aws.String("")
	recs[2].ExplicitHashKey = aws.String("12a")
	wantError[*types.ValidationException](t, put(recs),
		"2 validation errors detected: Value '' at 'records.2.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '12a' at 'records.3.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})")
	// 256 characters, 512 bytes: within the limit, which counts characters.
	recs = n(1)
	recs[0].PartitionKey = aws.String(strings.Repeat("é", 256))
	if err := put(recs); err != nil {
		t.Fatalf("256-character key: %v", err)
	}
	recs[0].ExplicitHashKey = aws.String("340282366920938463463374607431768211456")
	wantError[*types.InvalidArgumentException](t, put(recs),
		"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456")
	recs = n(2)
	recs[1].Data = make([]byte, 1<<20)
	wantError[*types.ValidationException](t, put(recs), "at 'records.2.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576")

	_, err := e.client.PutRecord(ctx(), &kinesis.PutRecordInput{StreamName: aws.String("v"), PartitionKey: aws.String(long), Data: []byte("x")})
	wantError[*types.ValidationException](t, err, "at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256")
	_, err = e.client.PutRecord(ctx(), &kinesis.PutRecordInput{StreamName: aws.String("v"), PartitionKey: aws.String("k"), Data: []byte("x"), ExplicitHashKey: aws.String("-1")})
	wantError[*types.ValidationException](t, err, "Value '-1' at 'explicitHashKey'")
	_, err = e.client.PutRecord(ctx(), &kinesis.PutRecordInput{StreamName: aws.String("v"), PartitionKey: aws.String("k"), Data: []byte("x"), SequenceNumberForOrdering: aws.String("x")})
	wantError[*types.ValidationException](t, err, "Value 'x' at 'sequenceNumberForOrdering'")
	_, err = e.client.PutRecords(ctx(), &kinesis.PutRecordsInput{StreamName: aws.String("none"), Records: n(1)})
	wantError[*types.ResourceNotFoundException](t, err, "Stream none under account 000000000000 not found.")
	_, err = e.client.PutRecord(ctx(), &kinesis.PutRecordInput{StreamName: aws.String("none"), PartitionKey: aws.String("k"), Data: []byte("x")})
	wantError[*types.ResourceNotFoundException](t, err, "Stream none under account 000000000000 not found.")
}

func TestInternalFailureAndClosedStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	e := newEnv(t, envOptions{handler: kinesisapi.Options{Logger: logger}, store: streamstore.Options{Dir: dir,
		OpenLog: func(d string, o ingest.LogOptions) (ingest.Log, error) { return seglog.Open(d, o) }}})
	e.createStream("ok", 1)

	// The store's directory turns into a file: the next metadata write fails.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := e.client.CreateStream(ctx(), &kinesis.CreateStreamInput{StreamName: aws.String("doomed"), ShardCount: aws.Int32(1)})
	wantCode(t, err, "InternalFailure", "Internal service failure (request ")
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusInternalServerError {
		t.Fatalf("internal failure status: %v", err)
	}
	if !strings.Contains(logs.String(), "kinesis api: internal failure") || !strings.Contains(logs.String(), "op=CreateStream") {
		t.Fatalf("internal failure not logged: %s", logs.String())
	}

	// A closed store answers 503 ServiceUnavailable.
	if err := e.store.Close(); err != nil {
		t.Log(err)
	}
	_, err = e.client.ListStreams(ctx(), &kinesis.ListStreamsInput{})
	wantCode(t, err, "ServiceUnavailable", "The stream store is shut down.")
}
