// Package repl is Freshet's interactive SQL shell: what `freshet`, `freshet
// repl` and `freshet demo` open, and what runs a script piped into them.
//
// # Backends
//
// The REPL runs statements through Backend, one method that runs a
// statement and streams its result into a ResultWriter (Columns, then Row
// … Flush per batch, or a Message). Two implementations:
//
//   - Embedded runs them on an engine.Engine in this process (the caller
//     opens the store and the engine over --data-dir). It also implements
//     Tailer: \tail reads the newest raw records straight from the store
//     (ShardPosition and ReadShard per shard, merged by arrival).
//   - Remote posts them to a server's query API (POST /v1/sql, the shapes of
//     engine/httpapi): a JSON document for snapshots and messages,
//     newline-delimited JSON for push queries, read row by row and flushed
//     whenever the buffer runs dry. Each statement is its own request, so a
//     server that went away (UnreachableError) is simply tried again by the
//     next statement. \tail goes through SQL (_arrival, _shard, _sequence,
//     _partition_key and the decoded columns, newest by arrival).
//
// Everything else — completion's stream list (SHOW STREAMS), the demo
// generator's INSERTs — goes through Backend too, so both modes behave
// alike.
//
// # Input
//
// Lines are gathered by input until split, a small lexer following the
// SQL package's lexical rules (strings, quoted identifiers, comments),
// finds top-level semicolons; each complete statement is run with its line
// and column in the input, so that an error's position (sql.ErrorPos, or
// the line and column the server sends) can be shown in the script and a
// caret put under it in the statement's line. A line starting with a
// backslash when no statement is unfinished is a meta-command (meta.go).
//
// On a terminal (Config.Interactive) github.com/chzyer/readline edits the
// lines: history in Config.HistoryFile (one line per statement, flattened),
// Ctrl-R search, Tab completion (complete.go: keywords, streams after FROM
// and the like, columns of the streams the statement names, functions,
// meta-commands and their arguments). Ctrl-C at the prompt drops the
// statement being typed; while a statement runs, Config.Interrupt (SIGINT)
// cancels only that statement's context, so a push query stops and the
// prompt comes back. Without a terminal the input is a script: no prompts,
// and the first error ends it unless Config.ContinueOnError is set.
//
// # Output
//
// Printer shows results as an aligned table (long values cut with "…", a
// row count), CSV, JSON lines or vertical records. A snapshot's table is
// printed when it ends; a push query's table batch by batch, its widths
// fixed by the first batch. \output sends results to a file; errors,
// notices and timings stay on the terminal.
package repl
