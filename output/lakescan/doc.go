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
// Decoded batches recycle their buffers (bufferPool); string columns the
// caller asks for as dictionaries are decoded only as indices (dict.go,
// dictread.go); with SkipTimes the event times are not read.
//
// Fold is the other way to consume a scan: each file's batches go to a
// Folder in the goroutine that reads the file (a partial aggregation, say)
// and the Folders come back in file-key order, so the work on the rows is
// parallel too and the result still deterministic.
//
// Pruning is conservative: a batch may still hold rows outside the range
// (those of a row group that straddles a bound); callers filter rows.
package lakescan
