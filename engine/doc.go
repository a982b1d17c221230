// Package engine will hold Freshet's physical operators over Apache Arrow
// batches, the query runner (persistent, push, snapshot and bounded queries),
// checkpoints and the alert-rule scheduler (see ../shared/DESIGN.md). It reads
// streams only through ingest.Store. Nothing is built here yet: the
// continuous-SQL work (issue 3) brings the first operators.
package engine
