// Package ingest declares Freshet's stream store: durable, sharded streams
// with the semantics of Amazon Kinesis Data Streams.
//
// The package holds the contract and the pieces every implementation shares:
//
//   - Store, the interface the Kinesis-compatible API (ingest/kinesisapi) and
//     the query engine read and write through;
//   - the value types that cross it (StreamDescription, Shard, PutEntry,
//     Record, IteratorSpec, …);
//   - typed errors (Error with a Kind sentinel such as ErrNotFound or
//     ErrThrottled) so that callers can branch with errors.Is and the API can
//     map them onto the AWS error shapes;
//   - hash-key routing (HashKey, MD5 of the partition key as an unsigned
//     big-endian 128-bit integer, and the even split of 0..2^128-1);
//   - sequence numbers (SequenceNumber: shard ordinal and per-shard offset
//     packed into one fixed-width decimal string, strictly increasing within a
//     shard and unique within a stream);
//   - Log, the per-shard append-only log a store is built from. The durable
//     segment-file log lives in ingest/seglog, the in-memory one in
//     ingest/memlog; ingest/streamstore builds the Store on either, and
//     ingest/storetest is the conformance suite both must pass.
package ingest
