// Package logtest is the conformance suite for ingest.Log: one set of tests
// that every shard log implementation must pass (the in-memory
// ingest/memlog and the durable ingest/seglog run it from their own tests).
//
// Run takes a function that opens a new, empty log with the given options;
// the suite closes every log it opens. The suite uses small segments
// (SegmentBytes of a few KiB, SegmentAge of a second) so that rollover and
// trimming are exercised with little data, and it checks only what the
// interface promises: it never assumes where exactly a segment boundary
// falls, only that one must fall where SegmentAge forces it.
//
// What it covers: offsets contiguous from 1 and written back into the
// entries; arrival times raised to stay non-decreasing; the log copying the
// caller's buffers; Read's max and maxBytes limits (maxBytes counts key and
// data bytes; the first entry is always returned); reads before First and at
// or past Next; SeekTime at and between arrival boundaries; Trim of sealed
// and active segments with First advancing and Next unchanged; concurrent
// appenders getting distinct contiguous offsets; concurrent readers seeing
// only a contiguous prefix of intact entries; behaviour after Close.
//
// Payloads carry their own check: a tag, '|', then filler derived from the
// tag, so a reader can tell an intact entry from a torn or mixed-up one
// without knowing who wrote it.
package logtest
