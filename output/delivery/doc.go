// Package delivery runs the archive of one stream: it reads every shard
// from a checkpointed position, decodes the records, buffers them, writes
// them into the lake and commits the new position — what Kinesis Data
// Firehose does for S3.
//
// # Reading
//
// Shards are read in lineage order, like the engine's source readers: a
// child shard starts once its parents have been read to their end, so the
// records of a key keep their order across splits and merges. Each poll
// reads one page (Config.ReadLimit records) per active shard and decodes
// it with engine/decode.
//
// # Buffering
//
// Records are buffered until their data reaches Config.BufferBytes
// (archive_buffer_size, 64 MiB) or the oldest buffered record has waited
// Config.BufferInterval (archive_buffer_interval, 60 s), whichever comes
// first. While one flush is encoded and uploaded (its files in parallel),
// the runner keeps reading and decoding the next one, up to BufferBytes,
// so both cores work; the next flush starts after the previous one is
// committed. While a failed flush is being retried nothing more is read:
// records wait in the stream, retention permitting.
//
// # Exactly once
//
// A flush first records its shard ranges ([from, to] offsets) and the
// position after them as "pending" in the checkpoint file (written
// atomically and synced), then uploads the files, then commits: the
// checkpoint's position moves past the ranges and the pending entry is
// cleared. After a crash anywhere in between, the next runner finds the
// pending entry, reads exactly those ranges again and uploads them again.
// File keys and bytes depend only on the records (see output/lake), so the
// retry overwrites the same objects with the same bytes: every record is
// in the lake exactly once, even though more records may have arrived
// meanwhile and the next flush would otherwise have been cut elsewhere.
//
// # Failures
//
// A failed read, upload or checkpoint write leaves the state as it was;
// Run retries it with exponential backoff (Config.RetryMin to RetryMax)
// on top of the S3 client's own retries, for as long as it takes. While
// S3 is unreachable nothing is lost: the pending flush is retried and the
// records behind it stay in the stream. Stats exposes delivered counts,
// errors, the last error and the lag (records behind, age of the oldest
// undelivered record) for DESCRIBE and /metrics.
//
// # Hour markers
//
// After each commit the runner writes _SUCCESS into every hour partition
// that received files and that the watermark has passed: the minimum over
// the non-idle shards (Config.IdleTimeout) of the largest event time
// delivered, less Config.WatermarkDelay. The open hours are kept in the
// checkpoint so a restart neither forgets nor repeats a marker.
package delivery
