package kinesisapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/kinesisapi"
	"github.com/freshet/freshet/ingest/streamstore"
)

// fuzzOps are the operations FuzzDecodeRequest sends bodies to; the last is
// one the API does not know.
var fuzzOps = []string{
	"CreateStream", "DeleteStream", "DescribeStream", "DescribeStreamSummary", "ListStreams", "DescribeLimits",
	"IncreaseStreamRetentionPeriod", "DecreaseStreamRetentionPeriod", "ListShards", "SplitShard", "MergeShards",
	"UpdateShardCount", "PutRecord", "PutRecords", "GetShardIterator", "GetRecords", "AddTagsToStream",
	"RemoveTagsFromStream", "ListTagsForStream", "Unknown",
}

// FuzzDecodeRequest sends arbitrary bodies to every operation of a handler
// over a live in-memory store holding stream "s". Whatever the body, the
// answer must be a well-formed response: 200 with a JSON body, or a client
// error (4xx) whose JSON body and x-amzn-ErrorType name the exception. No
// body may panic the handler or cause an internal failure.
func FuzzDecodeRequest(f *testing.F) {
	st, err := streamstore.Open(streamstore.Options{RetentionCheck: -1,
		Limits: ingest.Limits{MaxShardsPerStream: 8, MaxStreams: 16}})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	if err := st.CreateStream(context.Background(), ingest.CreateStreamInput{Name: "s", ShardCount: 2}); err != nil {
		f.Fatal(err)
	}
	h := kinesisapi.NewHandler(st, kinesisapi.Options{})

	seeds := map[string][]string{
		"CreateStream":                  {`{"StreamName":"n","ShardCount":1,"Tags":{"a":"b"}}`, `{"StreamName":"o","StreamModeDetails":{"StreamMode":"ON_DEMAND"}}`},
		"DeleteStream":                  {`{"StreamName":"n"}`},
		"DescribeStream":                {`{"StreamName":"s","Limit":1,"ExclusiveStartShardId":"shardId-000000000000"}`},
		"DescribeStreamSummary":         {`{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s"}`},
		"ListStreams":                   {`{"Limit":1}`, `{"NextToken":"eyJvIjoiTGlzdFN0cmVhbXMiLCJ0IjowfQ"}`},
		"DescribeLimits":                {`{}`},
		"IncreaseStreamRetentionPeriod": {`{"StreamName":"s","RetentionPeriodHours":48}`},
		"DecreaseStreamRetentionPeriod": {`{"StreamName":"s","RetentionPeriodHours":24}`},
		"ListShards":                    {`{"StreamName":"s","ShardFilter":{"Type":"AT_TIMESTAMP","Timestamp":1.7e9}}`, `{"NextToken":"x"}`},
		"SplitShard":                    {`{"StreamName":"s","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"1000"}`},
		"MergeShards":                   {`{"StreamName":"s","ShardToMerge":"shardId-000000000000","AdjacentShardToMerge":"shardId-000000000001"}`},
		"UpdateShardCount":              {`{"StreamName":"s","TargetShardCount":3,"ScalingType":"UNIFORM_SCALING"}`},
		"PutRecord":                     {`{"StreamName":"s","Data":"AA==","PartitionKey":"k","ExplicitHashKey":"5"}`},
		"PutRecords":                    {`{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"k"},{"Data":"","PartitionKey":"\u00e9"}]}`},
		"GetShardIterator":              {`{"StreamName":"s","ShardId":"shardId-000000000001","ShardIteratorType":"AT_TIMESTAMP","Timestamp":1e9}`},
		"GetRecords":                    {`{"ShardIterator":"AAAA","Limit":5}`},
		"AddTagsToStream":               {`{"StreamName":"s","Tags":{"k":"v"}}`},
		"RemoveTagsFromStream":          {`{"StreamName":"s","TagKeys":["k"]}`},
		"ListTagsForStream":             {`{"StreamName":"s","Limit":1}`},
		"Unknown":                       {`{}`},
	}
	for i, op := range fuzzOps {
		for _, s := range seeds[op] {
			f.Add(uint8(i), []byte(s))
		}
		for _, s := range []string{``, `null`, `[]`, `{"StreamName":5}`, `{"StreamName":"s","Limit":-1}`, `{"StreamName":"s","Limit":1e400}`, `{`} {
			f.Add(uint8(i), []byte(s))
		}
	}

	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		name := fuzzOps[int(op)%len(fuzzOps)]
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "Kinesis_20131202."+name)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %q: response %d is not JSON: %q", name, body, rec.Code, rec.Body.Bytes())
		}
		if rec.Code == http.StatusOK {
			return
		}
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		json.Unmarshal(rec.Body.Bytes(), &e)
		if rec.Code < 400 || rec.Code >= 500 || e.Type == "" || rec.Header().Get("x-amzn-ErrorType") != e.Type {
			t.Fatalf("%s %q: status %d, body %s", name, body, rec.Code, rec.Body.Bytes())
		}
	})
}
