// Package metered wraps an ingest.Store and counts, per stream, the records
// and bytes written into it (PutRecords) and read out of it (GetRecords,
// ReadShard), and the puts that were throttled; WriteMetrics prints them in
// the Prometheus text format. freshet serve puts it in front of the store
// that both the Kinesis API and the engine use.
package metered
