// Package streamstore implements ingest.Store: streams made of shards, each
// shard an ingest.Log, with Kinesis's routing, sequence numbers, iterators,
// retention, resharding and write limits.
//
// The same code runs over two kinds of shard log: with Options.Dir empty the
// store keeps everything in memory (ingest/memlog), otherwise every shard is a
// durable segment log (ingest/seglog) under Dir and the stream metadata —
// streams, shards, lineage, retention, tags — is kept in Dir/streams.json,
// replaced atomically (write, sync, rename, sync the directory) on every
// change. A shard's records live in Dir/streams/<name>-<incarnation>/<shardId>;
// the incarnation (the stream's creation time in nanoseconds) keeps a
// re-created stream apart from the files of a deleted one.
//
// Concurrency: the store's lock guards the map of streams; each stream has a
// read/write lock. Puts and reads take the stream's read lock, so they run in
// parallel and the shard logs group their syncs; resharding, retention and
// tag changes take the write lock, so a split or merge sees no put in flight
// and the parent's ending sequence number is exact.
//
// Resharding closes parents and opens children with higher ordinals, so every
// child sequence number exceeds its parents'. UpdateShardCount reaches a
// uniform layout with splits at the missing target boundaries followed by
// merges inside each target range, so every new shard has the usual lineage
// (one parent, or a parent and an adjacent parent).
//
// Iterators are self-contained tokens (stream incarnation, shard, offset, time
// of issue, checksum), so they survive restarts and need no server state;
// they expire after ingest.IteratorTTL.
package streamstore
