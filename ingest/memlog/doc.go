// Package memlog is an in-memory ingest.Log: the same behaviour as the
// durable segment log (contiguous offsets, non-decreasing arrival times,
// segment-granular trimming, a time index), with nothing on disk. The stream
// store uses it for tests and for ":memory:" stores.
//
// Entries are held in segments of up to SegmentEntries entries so that Trim
// drops whole segments, as the durable log does.
package memlog
