// Package lake writes a stream's records as Hive-partitioned Parquet into
// an output.ObjectStore; package output documents the layout and schema
// readers rely on.
//
// Writer.Write takes the decoded Arrow batches of one delivery (decode
// output: the declared columns then the metadata columns, with each row's
// event time) and stores one Parquet file per shard and partition, plus
// one JSON-lines error file per shard and arrival hour for the records
// that failed to decode. Files are encoded column by column from the Arrow
// arrays with github.com/parquet-go/parquet-go. Everything that reaches
// the bytes — the file's rows, the chunks they are converted in, where row
// groups are cut, the writer's "created by" — depends only on the records,
// not on how they were batched or when, so writing the same records again
// gives the same keys and the same bytes: that is what makes delivery
// exactly once (see output/delivery).
//
// MarkComplete writes an hour's _SUCCESS marker. Compact merges the small
// files of closed partitions (see its doc and the containment rule in
// package output).
package lake
