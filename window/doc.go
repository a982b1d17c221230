// Package window holds the event-time machinery of windowed queries: which
// windows a record belongs to, how far event time has progressed (the
// watermark), and when a window's result is final. It knows nothing of
// Arrow or SQL; the engine's window and aggregate operators use it.
//
// Event times are int64 Unix milliseconds throughout; a Window is the
// half-open interval [Start, End).
//
// # Assigners
//
// Tumble (TUMBLE(ts, size)) and Hop (HOP(ts, slide, size)) align windows to
// the Unix epoch: tumbling windows start at multiples of the size, hopping
// windows at multiples of the slide, and a record belongs to ceil(size/
// slide) hopping windows (when size is a multiple of slide). Division
// floors, so negative timestamps align like positive ones. Assign appends
// to a caller's slice and does not allocate when it has room.
//
// Sessions (SESSION(ts, gap)) are per key. The engine keeps one SessionSet
// per key; Add merges an event into the open sessions and returns the
// session that now holds it and the ones it replaced, so the caller can
// merge their aggregate state; Expire removes the sessions the watermark
// has closed. A session is [first event, last event + gap), as in Flink,
// so SESSION_END is the last event time + gap; events exactly gap apart
// share a session.
//
// # Watermarks and firing
//
// A Tracker computes a query's watermark from its source shards: the
// minimum over non-idle shards of (largest event time − delay), the maximum
// of those when every shard is idle, never decreasing, math.MinInt64 before
// any event. Its state (watermark and per-shard maxima) marshals for
// checkpoints.
//
// What makes a window fire is the Trigger interface; EventTime fires a
// window once, final, when the watermark reaches its End. A Timeline keeps
// the pending windows ordered by End so the engine pops the due ones as the
// watermark advances.
//
// IsLate says whether a record came after all its windows were final (for
// sessions: ts + gap <= watermark). Late records are never dropped silently
// here or in the engine: they are counted and may go to a late stream.
//
// # Ownership
//
// Nothing here is safe for concurrent use; the query runner that owns a
// Tracker, a Timeline or a key's SessionSet drives it from one goroutine.
// Slices returned by Assign and Due are the caller's; the merged slice
// from SessionSet.Add is only valid until the set's next call.
package window
