package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/chzyer/readline"

	"github.com/freshet/freshet/cmd/freshet/repl"
	"github.com/freshet/freshet/sql"
)

func runREPL(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return startREPL(ctx, "repl", false, args, stdin, stdout, stderr)
}

func runDemo(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return startREPL(ctx, "demo", true, args, stdin, stdout, stderr)
}

// startREPL opens the REPL (`freshet`, `freshet repl`) or the REPL with
// the demo running (`freshet demo`) on an embedded engine or a server.
func startREPL(ctx context.Context, name string, demo bool, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("freshet "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", envOr("FRESHET_SERVER", ""), "URL of a running freshet serve (env FRESHET_SERVER); without it an embedded engine runs over --data-dir")
	dataDir := fs.String("data-dir", envOr("FRESHET_DATA_DIR", "./freshet-data"), "data directory of the embedded engine; \":memory:\" keeps nothing (env FRESHET_DATA_DIR)")
	format := fs.String("format", "table", "output format: table, csv, json or vertical (\\format switches)")
	keepGoing := fs.Bool("continue-on-error", false, "when reading a script from standard input, run the statements after a failed one (the exit status is still 1)")
	earliest := fs.Bool("from-earliest", false, "start push queries (EMIT CHANGES) at the oldest record (\\earliest switches)")
	fs.Usage = func() {
		if demo {
			fmt.Fprintln(stderr, `Usage: freshet demo [flags]

Opens the REPL with a demo: the stream demo_clicks and a generator writing a
few hundred clicks a second into it, with a windowed query to try.`)
		} else {
			fmt.Fprintln(stderr, `Usage: freshet [repl] [flags]

The interactive SQL shell. On a terminal: statements end with ";" and may span
lines, Tab completes, Up/Ctrl-R search the history, Ctrl-C stops a query,
\help lists the commands. With a script on standard input (freshet < s.sql,
echo 'SHOW STREAMS;' | freshet) the statements run without prompts and the
first error ends the run with exit status 1.`)
		}
		fmt.Fprintln(stderr, "\nHistory: $FRESHET_HISTORY, else history in the user cache directory.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "freshet %s: unexpected argument %q (statements go on standard input)\n", name, fs.Arg(0))
		return errUsage
	}
	f, err := repl.ParseFormat(*format)
	if err != nil {
		fmt.Fprintf(stderr, "freshet %s: --format: %v\n", name, err)
		return errUsage
	}
	interactive := isTerminalInput(stdin)
	cfg := repl.Config{
		Stdin: stdin, Stdout: stdout, Stderr: stderr,
		Interactive:     interactive,
		ContinueOnError: *keepGoing,
		Format:          f,
		Timing:          interactive,
		FromEarliest:    *earliest,
		Functions:       sql.NewFunctions().Names(),
		Version:         version,
		Demo:            demo,
	}
	if interactive {
		cfg.HistoryFile = historyFile()
	}
	if *server != "" {
		cfg.Backend = repl.NewRemote(*server)
	} else {
		eng, closeEngine, err := openEmbedded(*dataDir)
		if err != nil {
			return err
		}
		defer closeEngine()
		cfg.Backend = repl.NewEmbedded(eng, *dataDir)
	}
	if interactive {
		// Ctrl-C stops the running statement, never the session: the REPL
		// takes SIGINT itself and ignores main's context, which SIGINT
		// cancels. SIGTERM still ends the session.
		intr := make(chan os.Signal, 1)
		signal.Notify(intr, os.Interrupt)
		defer signal.Stop(intr)
		term := make(chan os.Signal, 1)
		signal.Notify(term, syscall.SIGTERM)
		defer signal.Stop(term)
		cfg.Interrupt = intr
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(context.WithoutCancel(ctx))
		defer cancel()
		go func() {
			select {
			case <-term:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	return repl.New(cfg).Run(ctx)
}

// isTerminalInput reports whether r is a terminal.
func isTerminalInput(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && readline.IsTerminal(int(f.Fd()))
}

// historyFile is where the REPL keeps its history: $FRESHET_HISTORY, else
// freshet/history in the user's cache directory ("" for none).
func historyFile() string {
	if p := os.Getenv("FRESHET_HISTORY"); p != "" {
		return p
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "freshet", "history")
}
