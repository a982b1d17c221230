// Package lakescan reads a stream's lake back as Arrow batches, for bounded
// queries (SELECT … FROM archive.<stream>).
//
// A Scanner is planned once, from a listing: it lists only the hour
// partitions (<stream>/dt=…/hr=…/) an event-time range allows — every row
// of a file lies in its hour, so a partition outside [From, To) holds no
// row in the range — and applies the containment rule of the lake (see
// package output): within one partition directory a file whose shard
// sequence range lies inside a larger file's range is a leftover of a
// compaction and is skipped.
//
// Reading is then parallel, file by file: each file is opened through an
// io.ReaderAt whose reads are ranged GETs (the footer first, then one GET
// per needed column chunk), row groups whose _event_time statistics lie
// outside the range are skipped, and only the wanted columns are decoded
// (arrow-go's parquet/pqarrow). Batches come out in file-key order whatever
// the parallelism, so a scan is deterministic (floating-point sums, FIRST
// and LAST give the same answer every time).
//
// Pruning is conservative: a batch may still hold rows outside the range
// (those of a row group that straddles a bound); callers filter rows.
// Options.Select lets a caller skip files by name (a history query skips
// those whose rows are all still retained by the stream).
//
// Spans lists what the lake holds of each shard, by the sequence ranges in
// the names of its data and error files, without reading them; the holes
// between them are records the lake never got. ArrivalRange reads one
// file's footer for when its records arrived.
package lakescan
