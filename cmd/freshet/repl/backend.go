package repl

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/freshet/freshet/output/lakescan"
)

// Backend runs statements for the REPL: an engine in this process
// (Embedded) or a freshet server reached over HTTP (Remote).
type Backend interface {
	// Exec runs one statement and writes its result to out: Columns, then
	// the rows batch by batch (Row … Flush), or a Message, or both. A push
	// query runs until its LIMIT or until ctx is cancelled; then Exec
	// returns ctx's error.
	Exec(ctx context.Context, stmt string, opts ExecOptions, out ResultWriter) error
	// String says what the backend talks to, for the banner.
	String() string
}

// Tailer is implemented by backends that read a stream's newest raw records
// directly (Embedded reads the store). For the others the REPL reads the
// records through SQL.
type Tailer interface {
	// Tail writes the newest n records of stream, oldest first.
	Tail(ctx context.Context, stream string, n int, out ResultWriter) error
}

// ExecOptions tune how a statement runs.
type ExecOptions struct {
	// FromEarliest starts a push query at the oldest retained record
	// instead of the end of the stream.
	FromEarliest bool
	// EventTimeFrom and EventTimeUntil, when set, keep a snapshot to the
	// records with event times in [EventTimeFrom, EventTimeUntil] (over
	// the archive they also prune the files read). Embedded only.
	EventTimeFrom, EventTimeUntil time.Time
	// Progress, when set, follows a scan of the archive. Embedded only.
	Progress func(lakescan.Progress)
}

// ResultWriter receives a statement's result. Printer is the one that
// shows it; the REPL also collects results (the stream list for
// completion) and discards them (the demo generator's inserts).
type ResultWriter interface {
	// Columns starts a result with rows; push says that rows keep coming
	// until the query is stopped.
	Columns(names []string, push bool) error
	// Row receives one row. The cells are not kept by the caller.
	Row(cells []Cell) error
	// Flush ends a batch of rows that arrived together.
	Flush() error
	// Message receives what a statement without rows did ("Stream s
	// created.").
	Message(text string) error
}

// Cell is one value of a result row, in the two forms the formats need.
type Cell struct {
	// Text is the value as a table or CSV shows it ("" for NULL).
	Text string
	// JSON is the value as a JSON literal ("null" for NULL).
	JSON string
	// Null marks SQL NULL.
	Null bool
}

// TextCell returns a cell holding a string.
func TextCell(s string) Cell {
	return Cell{Text: s, JSON: jsonString(s)}
}

// NullCell returns a NULL cell.
func NullCell() Cell { return Cell{JSON: "null", Null: true} }

// jsonString encodes s as a JSON string without HTML escaping.
func jsonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// collector is a ResultWriter that keeps the rows in memory.
type collector struct {
	cols []string
	rows [][]Cell
	msgs []string
}

var _ ResultWriter = (*collector)(nil)

func (c *collector) Columns(names []string, push bool) error {
	c.cols = append([]string(nil), names...)
	return nil
}

func (c *collector) Row(cells []Cell) error {
	c.rows = append(c.rows, append([]Cell(nil), cells...))
	return nil
}

func (c *collector) Flush() error { return nil }

func (c *collector) Message(text string) error {
	c.msgs = append(c.msgs, text)
	return nil
}

// column returns the index of the column called name, or -1.
func (c *collector) column(name string) int {
	for i, n := range c.cols {
		if n == name {
			return i
		}
	}
	return -1
}

// discard is a ResultWriter that drops everything.
type discard struct{}

var _ ResultWriter = discard{}

func (discard) Columns([]string, bool) error { return nil }
func (discard) Row([]Cell) error             { return nil }
func (discard) Flush() error                 { return nil }
func (discard) Message(string) error         { return nil }
