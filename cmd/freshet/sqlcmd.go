package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/freshet/freshet/cmd/freshet/repl"
	"github.com/freshet/freshet/sql"
)

func runSQL(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("freshet sql", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", envOr("FRESHET_SERVER", ""), "URL of a running `freshet serve` (env FRESHET_SERVER); without it the statement runs on an embedded engine over --data-dir")
	dataDir := fs.String("data-dir", envOr("FRESHET_DATA_DIR", "./freshet-data"), "data directory of the embedded engine (env FRESHET_DATA_DIR)")
	format := fs.String("format", "table", "output format: table, csv (with a header row), json (one object per line) or vertical")
	earliest := fs.Bool("from-earliest", false, "start a push query (EMIT CHANGES) at the oldest record instead of the end of the stream")
	fromFlag := fs.String("from", "", "keep a snapshot to event times at or after `T` (RFC 3339 or a date, UTC); over archive.<stream> only the partitions in range are read")
	toFlag := fs.String("to", "", "keep a snapshot to event times before `T` (RFC 3339 or a date, UTC)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: freshet sql [flags] "STATEMENT"

Runs one SQL statement and prints its result on stdout; an error goes to
stderr with its line:column and the exit status is 1. A push query
(SELECT … EMIT CHANGES) prints rows as they come until its LIMIT or Ctrl-C.
Ctrl-C during any other statement cancels it: the exit status is then 130
and what was printed is incomplete.

A query reads a stream, its lake (FROM archive.<stream>), or any
Hive-partitioned Parquet dataset: FROM s3.`+"`bucket/prefix`"+` or
FROM file.`+"`/path`"+` (DESCRIBE one to see its columns).

Flags:`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, `freshet sql: give exactly one statement, quoted: freshet sql "SHOW STREAMS"`)
		return errUsage
	}
	f, err := repl.ParseFormat(*format)
	if err != nil {
		fmt.Fprintf(stderr, "freshet sql: --format: %v\n", err)
		return errUsage
	}
	text := fs.Arg(0)
	opts := repl.ExecOptions{FromEarliest: *earliest}
	for _, b := range []struct {
		name, val string
		set       func(time.Time)
	}{
		{"--from", *fromFlag, func(t time.Time) { opts.EventTimeFrom = t }},
		{"--to", *toFlag, func(t time.Time) { opts.EventTimeUntil = t.Add(-time.Millisecond) }}, // --to is exclusive
	} {
		if b.val == "" {
			continue
		}
		ms, err := sql.ParseTimestamp(b.val)
		if err != nil {
			fmt.Fprintf(stderr, "freshet sql: %s: %v\n", b.name, err)
			return errUsage
		}
		b.set(time.UnixMilli(ms).UTC())
	}
	if !opts.EventTimeFrom.IsZero() && !opts.EventTimeUntil.IsZero() && opts.EventTimeUntil.Before(opts.EventTimeFrom) {
		fmt.Fprintln(stderr, "freshet sql: --to must be after --from")
		return errUsage
	}
	var backend repl.Backend
	if *server != "" {
		backend = repl.NewRemote(*server)
	} else {
		// A statement that does not parse needs no data directory.
		if _, err := sql.ParseOne(text); err != nil {
			return err
		}
		eng, closeEngine, err := openEmbedded(*dataDir)
		if err != nil {
			return err
		}
		defer closeEngine()
		backend = repl.NewEmbedded(eng, *dataDir)
	}
	bar := newScanProgress(stderr)
	defer bar.done()
	if *server == "" {
		opts.Progress = bar.update
	}
	p := repl.NewPrinter(stdout, f)
	err = backend.Exec(ctx, text, opts, p)
	// Interrupted: a result cut short may also end as if complete (the
	// query stops and closes its result), so the context decides.
	if ctx.Err() != nil && (err == nil || errors.Is(err, context.Canceled)) {
		err = errInterrupted // what was printed is incomplete
		if st, perr := sql.ParseOne(text); perr == nil {
			if sel, ok := st.(*sql.Select); ok && sel.Emit {
				err = nil // Ctrl-C is how a push query ends
			}
		}
	}
	if _, _, perr := p.End(); err == nil {
		err = perr
	}
	return err
}
