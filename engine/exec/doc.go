// Package exec holds the physical operators of a query: filter, project,
// windowed and plain aggregation, sort and limit, over Arrow record
// batches, and Build, which turns a sql plan into a Pipeline of them.
//
// Every operator has one shape (Operator): Push hands it a Batch, Advance
// tells it the watermark moved, and both return the batches it produced.
// Watermarks thus travel beside the data: the runner pushes each decoded
// batch through the pipeline and then advances the watermark, and a window
// operator emits a window's rows exactly once, when the watermark passes
// its end (window.EventTime decides).
//
// Ownership: Push borrows its input — the operator retains whatever it keeps
// past the call — and the caller releases the input afterwards. Returned
// batches belong to the caller. Close releases an operator's state.
//
// Parts: a snapshot over a bounded input read in parts (a lake scan's
// files) can run its filters and aggregation once per part, in parallel
// (Partial), and merge the parts in input order (Pipeline.Merge), with the
// result one pass would give. A Partial takes leaner input than Push
// (PartialInput): bare VARCHAR keys as dictionary arrays, no event times
// when nothing reads them.
//
// Checkpoints: Snapshot returns an operator's state as bytes and Restore
// puts it back, so a persistent query resumes exactly where it was.
package exec
