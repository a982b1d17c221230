// Package lakescan reads a stream's lake back as Arrow batches, for bounded
// queries (SELECT … FROM archive.<stream>), and any Hive-partitioned
// Parquet dataset (FROM s3.`bucket/prefix`, file.`/path`).
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
// A dataset (Options.Dataset) is every *.parquet object under the store's
// root whose path has no segment starting with _ or . (as Hive and Spark
// skip markers and temporary files). Discover takes its schema from the
// first file's footer, as DuckDB and Spark do by default: file types are
// mapped to the engine's (EngineType: every integer to BIGINT, floats and
// decimals to DOUBLE, binary to VARCHAR, timestamps of any unit and dates
// to millisecond timestamps) and cast as batches are read; the key=value
// directories become partition columns (BIGINT when every value is an
// integer), pruned by Options.Partitions. The event time is _event_time
// when the files have it, else the first timestamp column; its row-group
// statistics prune in the file's own unit.
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
// Options.Select lets a caller skip files by name (a history query skips
// those whose rows are all still retained by the stream).
//
// Spans lists what the lake holds of each shard, by the sequence ranges in
// the names of its data and error files, without reading them; the holes
// between them are records the lake never got. ArrivalRange reads one
// file's footer for when its records arrived.
package lakescan
