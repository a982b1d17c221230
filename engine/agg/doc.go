// Package agg holds the state of hash aggregations: the group keys seen and
// the running value of each aggregate function per group, addressed by
// dense integer slots.
//
// # Slots
//
// The package does not know what a group is. KeyTable turns the key columns
// of a batch into dense key ids; Accumulators keeps the state of a query's
// aggregate functions in slots 0, 1, 2, … that the caller allocates (Grow)
// and names. The engine maps (key id, window) to a slot however the window
// kind needs:
//
//   - plain GROUP BY: slot = key id;
//   - tumbling and hopping windows: a slot per (key id, window start), a
//     row of a hopping window going to several slots (Update takes repeated
//     rows);
//   - session windows: a slot per session; when a row bridges two sessions
//     Merge folds one slot into the other;
//   - a bounded scan aggregated in parts (one per file, in parallel): each
//     part has its own KeyTable and Accumulators, and MergeAfter folds the
//     parts' slots into the final ones in input order, which gives what
//     one pass over the rows would (LAST's ties included).
//
// A slot whose window has fired is emitted (Results), then Reset and
// reused; a key no window holds any more can be released from the KeyTable
// (Release) so that its id is reused.
//
// State is columnar where it can be: a []int64 of counts, a []float64 of
// sums, a bitset of "has a value", indexed by slot, so that Update is a
// tight loop over the raw Arrow values. Sets, sketches and strings are per
// slot (a pointer or a Go string per slot) and allocated at the slot's first
// value.
//
// # Semantics
//
// The functions follow SQL: they ignore NULL inputs. COUNT(*) counts rows,
// COUNT(x) non-NULL values, COUNT(DISTINCT x) distinct non-NULL values
// exactly (a hash set per slot). SUM of BIGINT is BIGINT and wraps around
// on overflow (two's complement, like Go's int64); SUM of DOUBLE is DOUBLE.
// AVG, STDDEV (sample, by Welford's algorithm) and STDDEV_POP are DOUBLE.
// MIN and MAX take numbers, strings (byte order), timestamps and booleans
// (FALSE < TRUE); NaN is the largest DOUBLE. FIRST and LAST take the value
// with the earliest or latest event time (ties: first or last seen). SUM,
// AVG, MIN, MAX, FIRST, LAST, STDDEV and APPROX_PERCENTILE over no non-NULL
// value are NULL (STDDEV also over one); COUNT and APPROX_COUNT_DISTINCT
// are 0. APPROX_COUNT_DISTINCT is a HyperLogLog++ sketch
// (github.com/axiomhq/hyperloglog, 2^14 registers, about 0.8% standard
// error); APPROX_PERCENTILE(x, q) returns the value of rank ⌊q·(n-1)⌋, exact
// up to 64 values per slot, then from a DDSketch
// (github.com/DataDog/sketches-go) within 0.5% of it, relative.
//
// DOUBLE sums depend on the order of addition in their last bits, so SUM,
// AVG and STDDEV of DOUBLE may differ that much between shardings or batch
// sizes; BIGINT sums, AVG of BIGINT below 2^53, COUNT, MIN, MAX, the
// DISTINCT aggregates (summed in sorted order) and APPROX_PERCENTILE do
// not.
//
// # Keys
//
// KeyTable holds keys of BOOLEAN, BIGINT, DOUBLE, VARCHAR and TIMESTAMP
// columns. NULL is a key value, equal only to NULL; -0 and 0 are one key,
// and so are all NaNs. Key columns are hashed vectorised (SplitMix64 for
// fixed-width values, XXH3 for strings) into an open-addressing table of
// ids with linear probing; the keys themselves are stored columnar in Go
// memory, strings in one byte slice. A VARCHAR key column may come as a
// dictionary array (int32 indices into String values, as Parquet readers
// give dictionary-encoded columns): its values are hashed once per batch,
// and a one-column key is looked up once per distinct index.
//
// # Checkpoints
//
// KeyTable.MarshalBinary and Accumulators.MarshalSlots write versioned,
// deterministic binary encodings (a magic number and version, the key types
// or the aggregate specs they were written for, then the state); the
// matching Unmarshal restores the state exactly, sketches included, and
// rejects any data it did not write with an error wrapping ErrCorrupt,
// never a panic.
//
// # Ownership
//
// Lookup and Update read the arrays they are given and retain none of
// them: values they keep are copied. Keys and Results return new arrays,
// allocated from the allocator the table or accumulators were made with,
// which the caller releases. Neither type is safe for concurrent use: a
// shard's aggregation owns its own.
package agg
