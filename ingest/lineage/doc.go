// Package lineage reads every shard of a stream in lineage order: a shard
// is read once all its parents (present in the stream) have been read to
// their ends, so per-key order survives splits and merges. The engine's
// queries and the lake's delivery read streams through it.
//
// A Reader keeps one cursor (the next offset) per shard being read and the
// set of shards finished; Position and Restore carry both across restarts.
// Input can be bounded by arrival time (Until, for snapshot queries) and can
// start at the end of the shards open when it starts (Latest, for push
// queries).
package lineage
