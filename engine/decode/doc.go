// Package decode turns the record blobs of a stream into Arrow batches by
// the stream's declared schema. It is the first stage of every source
// reader: ingest.Record slices in, arrow.Record batches out.
//
// # Shape
//
// New checks Options (format, declared columns, the output columns and the
// event-time column) once and builds a Decoder with one Arrow builder per
// output column. Decode(shardID, recs) appends every decodable record as a
// row and returns a Batch:
//
//   - Batch.Record holds the rows in input order (nil when none decoded).
//     The caller owns it and must Release it; it may outlive the Decoder
//     and later Decode calls. It never aliases the records' memory: string
//     values are copied into Arrow buffers from the allocator given to New.
//   - Batch.EventTimes holds each row's event time in Unix milliseconds; a
//     fresh slice per call.
//   - Batch.Errors lists the records that could not be decoded, with a copy
//     of their data and the reason (`field "price": "abc" is not a
//     DOUBLE`). Every record is either a row or an error: none is dropped
//     silently, and a bad record never stops the others. The engine counts
//     them and sends them to the stream's error stream.
//
// A Decoder reuses its builders and scratch buffers between calls (the
// builders are reset by NewRecord), so decoding does no per-record
// allocation in the common case, and a Decoder is not safe for concurrent
// use: each source reader has its own. Release frees the builders.
//
// # Columns
//
// Output lists declared columns and the metadata columns _partition_key,
// _shard, _sequence (the decimal sequence number), _arrival and
// _event_time. Only the declared columns that are output or hold the event
// time are converted (and so checked); other fields are skipped, so a bad
// value in a column a query does not read does not fail the record. The
// event time is the EventTime column's value read by the TIMESTAMP rules,
// else the arrival time; with EventTime set, a record whose event time is
// missing, null or unreadable is an error record.
//
// # Formats
//
// JSON: each record is one JSON object. Fields are matched to columns by
// name, exactly or else ignoring case (an exact match wins; among equal
// matches the last field wins); missing fields and null are null; other
// fields are ignored. Objects and arrays read as VARCHAR keep their JSON
// text, so JSON_EXTRACT can work on them later. The object is walked with
// github.com/buger/jsonparser, which hands over each field's raw bytes
// without building a tree; a benchmark against encoding/json and the other
// libraries tried is in bench_test.go. The object's structure is always
// checked (braces, quotes, commas, literals, nothing after the object), but
// the values of fields the decoder does not read are only skipped, not
// validated (a bad escape or number there goes unnoticed), and raw control
// characters inside strings are accepted.
//
// CSV: each record is one RFC 4180 line with the fields in declared column
// order; an empty unquoted field is null; a record with too many or too few
// fields is an error record.
//
// Conversions (both formats; a CSV field is read like a JSON string):
// BOOLEAN from true/false (also as strings, any case); BIGINT from integral
// numbers or numeric strings (3.0 is 3, 3.5 is an error); DOUBLE from
// numbers or numeric strings; VARCHAR from strings, with numbers and
// booleans as written; TIMESTAMP (milliseconds, UTC) from RFC 3339 text, a
// space instead of the T, no zone (UTC) or a bare date, or from epoch
// numbers: seconds when |n| < 1e11, else milliseconds, fractions allowed.
package decode
