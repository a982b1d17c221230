// Package kinesisapi serves the Amazon Kinesis Data Streams API over an
// ingest.Store, so that the AWS SDKs, the AWS CLI and the KPL can write to
// and read from Freshet unchanged.
//
// # Protocol
//
// Kinesis speaks awsJson1_1: every request is POST / with Content-Type
// application/x-amz-json-1.1, an X-Amz-Target header
// "Kinesis_20131202.<Operation>" and a JSON body. A success is HTTP 200 with
// a JSON body; a failure is HTTP 400 (500 for an internal failure, 413 for a
// body over Options.MaxBodyBytes, 503 once the store is closed) with an
// x-amzn-ErrorType header and a body {"__type": "<Exception>", "message":
// "…"}, which the SDKs turn into their typed errors. Blobs travel as base64
// strings and timestamps as epoch seconds with millisecond fractions
// (1732269600.123), as the SDK writes and reads them. Every response carries
// an x-amzn-RequestId.
//
// # Request handling
//
// ServeHTTP reads the body into a pooled buffer (capped by MaxBodyBytes;
// an oversize body is drained so the client gets the error rather than a
// reset connection), verifies the SigV4 signature when Options.Credentials is
// set (before anything else, so an unauthenticated client learns nothing),
// looks the operation up in a table built by NewHandler, and runs it. An
// operation validates its input the way the Kinesis model does — violations
// come back as a ValidationException listing them as AWS words them ("1
// validation error detected: Value '…' at 'partitionKey' failed to satisfy
// constraint: …") — then calls the store. Store errors are mapped by kind
// (errors.Is on the ingest.Err* sentinels) onto the AWS exception of the
// same meaning, with ingest.Message as the message; anything else is an
// InternalFailure, logged with the request id and not described to the
// client.
//
// Streams are addressed by StreamName or StreamARN
// (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME); an ARN must name this
// endpoint's region and account, and when both are given they must agree.
// StreamId is not supported.
//
// # The hot path
//
// PutRecords is decoded by a purpose-built single-pass scanner
// (putdecode.go, scanner.go) instead of encoding/json: all records' data is
// base64-decoded straight from the request bytes into one buffer and all
// partition keys share one string, so a 500-record request costs a handful
// of allocations. The scanner accepts exactly the JSON encoding/json accepts
// and hands the rare strings it cannot take verbatim (escapes, non-ASCII) to
// encoding/json, so the decoded values are the same; FuzzPutRecordsDecoder
// holds it to that. The PutRecords, PutRecord, GetShardIterator and
// GetRecords responses are appended by hand into pooled buffers. The other
// operations are control-plane calls; they use encoding/json.
//
// # Choices where Kinesis differs or is silent
//
//   - CreateStream with StreamModeDetails ON_DEMAND creates a 4-shard stream
//     (what an on-demand Kinesis stream starts with); Freshet has no
//     on-demand capacity mode, so the stream then describes itself as
//     PROVISIONED. ShardCount together with ON_DEMAND is an
//     InvalidArgumentException.
//   - IncreaseStreamRetentionPeriod must lengthen and
//     DecreaseStreamRetentionPeriod must shorten the period; asking for the
//     current period is an InvalidArgumentException.
//   - NextToken values (ListShards, ListStreams) are base64url JSON naming
//     where the page ended; they expire after 300 seconds
//     (ExpiredNextTokenException), as in Kinesis.
//   - ListShards filters: a closed shard ended when its children were
//     created, and lies beyond the trim horizon once it ended more than the
//     retention period ago. AT_TIMESTAMP and FROM_TIMESTAMP before the
//     stream's creation mean its creation.
//   - DescribeLimits reports the store's per-stream shard limit as
//     ShardLimit and the open shards of all streams as OpenShardCount.
//   - DryRun checks only that the stream exists.
package kinesisapi
