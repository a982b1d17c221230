package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures a REPL. Backend, Stdin, Stdout and Stderr are
// required; the zero value of the rest works.
type Config struct {
	// Backend runs the statements.
	Backend Backend
	// Stdin is read for statements; Stdout receives results and Stderr
	// errors. Interactive use reads and writes the terminal through them.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Interactive edits lines on a terminal: prompts, history, completion.
	// Otherwise the input is a script: no prompts, and the first failing
	// statement ends it unless ContinueOnError is set.
	Interactive bool
	// ContinueOnError runs a script to its end despite errors.
	ContinueOnError bool
	// HistoryFile keeps the statements typed, across sessions; "" keeps
	// none.
	HistoryFile string
	// Format is the initial output format (default FormatTable).
	Format Format
	// Timing shows how long each statement took.
	Timing bool
	// FromEarliest starts push queries at the oldest record.
	FromEarliest bool
	// Interrupt receives Ctrl-C (SIGINT) while a statement runs: the
	// statement stops and the REPL goes on. Without it, a statement stops
	// only when the context given to Run is cancelled.
	Interrupt <-chan os.Signal
	// Functions names the SQL functions, for completion.
	Functions []string
	// Version is shown in the banner.
	Version string
	// Demo starts the demo stream and its generator before the first
	// statement, as \demo does.
	Demo bool
}

// REPL reads statements and meta-commands and shows their results.
type REPL struct {
	cfg      Config
	printer  *Printer
	timing   bool
	earliest bool
	outFile  *os.File // \output FILE, or nil for Stdout
	in       *input   // the terminal's input, for completion
	depth    int      // \source nesting

	catMu sync.Mutex
	cat   catalogCache

	demo *demoRun
}

// New returns a REPL; Run starts it.
func New(cfg Config) *REPL {
	if cfg.Format == "" {
		cfg.Format = FormatTable
	}
	return &REPL{
		cfg:      cfg,
		printer:  NewPrinter(cfg.Stdout, cfg.Format),
		timing:   cfg.Timing,
		earliest: cfg.FromEarliest,
		in:       &input{},
	}
}

// errQuit ends the REPL (\quit).
var errQuit = errors.New("quit")

// errInterrupted reports a statement stopped by Ctrl-C.
var errInterrupted = errors.New("interrupted")

// reported wraps an error that has already been shown to the user.
type reported struct{ err error }

func (e *reported) Error() string { return e.err.Error() }
func (e *reported) Unwrap() error { return e.err }

// Run reads and runs statements until the input ends, \quit, or ctx is
// cancelled. A script that failed returns an error saying so (the
// statements' errors have been written to Stderr).
func (r *REPL) Run(ctx context.Context) error {
	defer r.closeOutput()
	defer r.stopDemo()
	if r.cfg.Interactive {
		return r.interactive(ctx)
	}
	if r.cfg.Demo {
		if err := r.startDemo(ctx); err != nil {
			return err
		}
	}
	failed, total, err := r.script(ctx, r.cfg.Stdin, "")
	switch {
	case errors.Is(err, errQuit):
		err = nil
	case err != nil && ctx.Err() != nil:
		return fmt.Errorf("interrupted")
	}
	if failed > 0 {
		if r.cfg.ContinueOnError {
			return fmt.Errorf("%d of %d statements failed", failed, total)
		}
		return fmt.Errorf("stopped at the first error (--continue-on-error runs on)")
	}
	return err
}

// script runs the statements and meta-commands read from rd, named where
// in messages ("" for standard input). It stops at the first failure
// unless ContinueOnError is set, and always after Ctrl-C.
func (r *REPL) script(ctx context.Context, rd io.Reader, where string) (failed, total int, err error) {
	in := &input{}
	br := bufio.NewReader(rd)
	step := func(err error) bool {
		total++
		if err == nil {
			return true
		}
		if errors.Is(err, errQuit) {
			return false
		}
		if !errors.Is(err, errInterrupted) {
			failed++
		}
		return r.cfg.ContinueOnError && !errors.Is(err, errInterrupted) && ctx.Err() == nil
	}
	for {
		line, rerr := br.ReadString('\n')
		if rerr != nil && line == "" {
			if !errors.Is(rerr, io.EOF) {
				return failed, total, fmt.Errorf("read %s: %w", orStdin(where), rerr)
			}
			for _, st := range in.finish() {
				if err := r.statement(ctx, st, where, true); !step(err) {
					return failed, total, err
				}
			}
			return failed, total, nil
		}
		line = strings.TrimRight(line, "\r\n")
		if in.empty() && isMeta(line) {
			in.skip()
			if err := r.meta(ctx, line, in.lines, where); !step(err) {
				return failed, total, err
			}
			continue
		}
		for _, st := range in.add(line) {
			if err := r.statement(ctx, st, where, true); !step(err) {
				return failed, total, err
			}
		}
	}
}

func orStdin(where string) string {
	if where == "" {
		return "standard input"
	}
	return where
}

// statement runs one SQL statement and shows its result or error.
func (r *REPL) statement(ctx context.Context, st statement, where string, inScript bool) error {
	return r.run(ctx, st, where, inScript, func(ctx context.Context, out ResultWriter) error {
		return r.cfg.Backend.Exec(ctx, st.Text, ExecOptions{FromEarliest: r.earliest}, out)
	})
}

// run runs do (a statement, or a meta-command's work) with Ctrl-C wired to
// stop it, prints its result, the time it took and its error, if any. The
// error returned has been shown.
func (r *REPL) run(ctx context.Context, st statement, where string, inScript bool, do func(context.Context, ResultWriter) error) error {
	qctx, stop := r.statementContext(ctx)
	start := time.Now()
	out := &pushNotice{Printer: r.printer}
	if r.cfg.Interactive {
		out.notice = r.cfg.Stderr
	}
	err := do(qctx, out)
	interrupted := stop()
	elapsed := time.Since(start)
	_, _, perr := r.printer.End()
	r.invalidateCatalog()
	if ctx.Err() == nil && (interrupted || errors.Is(err, context.Canceled)) {
		fmt.Fprintln(r.cfg.Stderr, "Query stopped.")
		return errInterrupted
	}
	if err == nil {
		err = perr
	}
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		reportError(r.cfg.Stderr, st, err, where, inScript)
		return &reported{err}
	}
	if r.timing {
		fmt.Fprintf(r.cfg.Stdout, "Time: %s\n", formatDuration(elapsed))
	}
	return nil
}

// statementContext returns the context a statement runs in, cancelled by
// Ctrl-C, and the function that releases it and reports whether Ctrl-C
// was pressed.
func (r *REPL) statementContext(parent context.Context) (context.Context, func() bool) {
	ctx, cancel := context.WithCancel(parent)
	if r.cfg.Interrupt == nil {
		return ctx, func() bool { cancel(); return false }
	}
	for drained := false; !drained; {
		select {
		case <-r.cfg.Interrupt:
		default:
			drained = true
		}
	}
	var hit atomic.Bool
	done := make(chan struct{})
	go func() {
		select {
		case <-r.cfg.Interrupt:
			hit.Store(true)
			cancel()
		case <-done:
		}
	}()
	return ctx, func() bool {
		close(done)
		cancel()
		return hit.Load()
	}
}

// pushNotice tells the user how to stop a push query once it runs.
type pushNotice struct {
	*Printer
	notice io.Writer
}

func (p *pushNotice) Columns(names []string, push bool) error {
	if push && p.notice != nil {
		fmt.Fprintln(p.notice, "Push query running: rows appear as they arrive; Ctrl-C stops it.")
	}
	return p.Printer.Columns(names, push)
}

// formatDuration shows a duration in milliseconds, or seconds above ten.
func formatDuration(d time.Duration) string {
	if d >= 10*time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%.3f ms", float64(d.Microseconds())/1000)
}

// setOutput sends results to the file named path, or back to Stdout when
// path is "".
func (r *REPL) setOutput(path string) error {
	if path == "" {
		r.closeOutput()
		r.printer.SetOutput(r.cfg.Stdout)
		return nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	r.closeOutput()
	r.outFile = f
	r.printer.SetOutput(f)
	return nil
}

func (r *REPL) closeOutput() {
	if r.outFile != nil {
		if err := r.outFile.Close(); err != nil {
			fmt.Fprintf(r.cfg.Stderr, "error: close %s: %v\n", r.outFile.Name(), err)
		}
		r.outFile = nil
	}
}
