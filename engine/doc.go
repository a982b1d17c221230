// Package engine runs Freshet's SQL over the stream store: it executes
// statements (DDL, INSERT … VALUES, SHOW, DESCRIBE, EXPLAIN), runs snapshot
// and push queries for a client, and keeps persistent queries (INSERT INTO
// s SELECT …) running across restarts with exactly-once output.
//
// A query runs as a queryRun: a shardReader reads every shard of the source
// stream in lineage order (parents before children), engine/decode turns
// each page of records into an Arrow batch with event times, a
// window.Tracker derives the watermark, late records are counted (and sent
// to the stream's late stream), and the batch goes through the operator
// pipeline built by engine/exec from the sql plan. The watermark follows
// the data through the same pipeline, and windows fire when it passes them.
//
//   - snapshot: reads every shard up to the records that had arrived when
//     the query started, then closes all windows (watermark +∞) and ends;
//   - push: starts at the end of each open shard (or the oldest record with
//     ExecOptions.FromEarliest) and runs until cancelled or LIMIT;
//   - persistent: reads from the oldest record, checkpoints every
//     Options.CheckpointInterval and delivers its output through the
//     checkpoint (see checkpoint.go), so that after a crash its output
//     stream receives every result exactly once.
//
// Over the lake (a stream's archive = '…', delivered by archive.go), a
// snapshot of FROM archive.<stream> reads Parquet through output/lakescan
// instead of the shards (lakesource.go), files in parallel, pruned by the
// event-time and partition bounds of its WHERE clause. When its plan
// aggregates in parts (exec.Pipeline.Splits), each file is filtered and
// aggregated in the goroutine that reads it and the parts are merged in
// file order (lakefold.go); the scan then decodes low-cardinality group
// keys only as dictionary indices and skips the event times the query
// does not need. A history snapshot (ExecOptions.History, for alert-rule
// backtests) reads both: the archived records that retention has dropped,
// then the retained ones, each record once (history.go); HistoryGaps
// reports the records neither holds.
//
// Records that cannot be decoded never stop a query: they are counted and
// written, with the reason, to the stream <name>__errors.
//
// The catalog (engine/catalog), the list of persistent queries and their
// checkpoints live in Options.Dir. Metrics are exposed in the Prometheus
// text format by WriteMetrics.
package engine
