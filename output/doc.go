// Package output holds Freshet's sinks: the contract of an object store,
// which the lake writes to, and the layout of the lake itself. The
// implementations live below it:
//
//   - output/filestore: a local directory (file:///path);
//   - output/s3store: S3 or MinIO through aws-sdk-go-v2 (s3://bucket/prefix);
//   - output/storeurl: opens either from an archive URL (ParseLocation);
//   - output/storetest: the conformance suite both stores pass (the S3 one
//     against a real MinIO that output/miniotest installs and runs);
//   - output/lake: Parquet files, partitioning, error files, markers,
//     compaction;
//   - output/delivery: the runner that delivers a stream into the lake
//     with a checkpoint, exactly once.
//
// # Object stores
//
// ObjectStore is small: Put, Get, GetRange (ranged reads for Parquet
// scans), Stat, List (lexical order, paginated with startAfter) and Delete,
// context first, data as readers. Keys are relative to the store's root —
// the archive URL's bucket and prefix, or its directory — and are checked
// by ValidateKey the same way everywhere. A Put is atomic: readers see the
// old object, the new one or none, never a partial one (S3 by its nature,
// the directory store by write-to-temp, fsync, rename). A missing key is
// ErrNotFound (errors.Is).
//
// # The lake's layout
//
// Everything below is relative to the archive URL
// (archive = 's3://bucket/prefix' or 'file:///path'):
//
//	<stream>/dt=YYYY-MM-DD/hr=HH[/<field>=<value>…]/part-<shard>-<first>-<last>.parquet
//	<stream>/dt=YYYY-MM-DD/hr=HH/_SUCCESS
//	errors/<stream>/dt=YYYY-MM-DD/hr=HH/errors-<shard>-<first>-<last>.json
//
// In these names:
//
//   - dt and hr are the UTC date and hour of the rows' event time (the
//     stream's event_time column, else the arrival time). Every row of a
//     file lies in its hour.
//   - <field>=<value> are the optional archive_partition_by fields, in the
//     order given, with values escaped as Hive escapes them (%XX for
//     "#%'*/:=?\{[]^ and control characters; null and "" are
//     __HIVE_DEFAULT_PARTITION__), so DuckDB, Spark and Athena read the
//     partition columns back.
//   - <shard> is the shard id (shardId-000000000003); <first> and <last>
//     are the 38-digit sequence numbers of the file's first and last rows
//     (fixed width, so names sort by position). A file holds the rows of
//     one shard in one partition, in sequence order. The name is derived
//     from the content, so a retried upload overwrites the same key with
//     the same bytes and the lake never holds a record twice.
//   - _SUCCESS (empty) appears in an hour partition once the stream's
//     watermark has passed the hour's end: the partition is complete
//     except for records that arrive later than the watermark delay, which
//     are still written there, in new files.
//   - Error files hold records that failed to decode, one JSON object per
//     line: stream, shard_id, sequence_number, partition_key,
//     arrival_timestamp (Unix ms), error_code, error_message and raw_data
//     (base64), partitioned by arrival time.
//
// # The Parquet schema
//
// One column per declared column, in declaration order, all OPTIONAL:
// BOOLEAN as boolean, BIGINT as int64, DOUBLE as double, VARCHAR as
// byte_array with the STRING (UTF-8) logical type, TIMESTAMP as int64 with
// the TIMESTAMP(isAdjustedToUTC=true, unit=MILLIS) logical type. Then the
// record metadata, REQUIRED: _partition_key (STRING), _shard (STRING),
// _sequence (STRING, the decimal sequence number), _arrival and
// _event_time (TIMESTAMP millis UTC). Files are written with
// parquet-go, data page v1, Snappy by default (archive_compression: zstd,
// gzip or none), column-chunk and page statistics (min/max/null count)
// and page indexes, row groups cut at about 128 MiB of uncompressed data.
// A STRING column with few distinct values in a file (at most half as
// many as its rows, 65,536 and 1 MiB) is dictionary-encoded in that file
// (RLE_DICTIONARY); others are DELTA_LENGTH_BYTE_ARRAY.
//
// # Reading the lake (for bounded queries)
//
// A reader lists <stream>/ (or only the dt=/hr= prefixes an event-time
// predicate allows: every row of a file lies in its hour, so a
// partition outside [from, to) holds no matching row), reads the footer
// with one ranged GET at the end, prunes row groups by their statistics
// and reads only the column chunks it needs with ranged GETs.
//
// Compaction (lake.Compact) replaces several files of one shard in one
// closed partition by a single file whose name covers their range: it
// writes the merged file first, then deletes the small ones. A reader that
// lists while that happens may see both, so readers apply the containment
// rule: within one partition directory, skip a file when another file of
// the same shard has a range [first, last] that contains its range and is
// larger. Files that are not replaced never overlap (each flush of a shard
// covers a range of its own), so the rule drops exactly the replaced
// files, and readers never see a record twice or miss one. The next
// compaction deletes contained files an interrupted one left behind.
package output
