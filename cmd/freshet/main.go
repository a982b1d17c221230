package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand of the binary.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"repl", "the interactive SQL shell (the default), on an embedded engine or --server URL", runREPL},
		{"demo", "the REPL with a sample clickstream being written, and a windowed query to try", runDemo},
		{"serve", "run the server: the Kinesis Data Streams API over durable streams", runServe},
		{"sql", "run one SQL statement (embedded engine, or --server URL) and print the result", runSQL},
		{"rules", "check, test and backtest alert-rule files", runRules},
		{"lake", "manage the Parquet lake: freshet lake compact merges small files", runLake},
		{"bench", "measure the stream store: durable write and read throughput, latency, memory", runBench},
		{"version", "print the version", runVersion},
	}
}

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// errUsage marks an error whose message has already been printed with usage.
var errUsage = errors.New("usage")

// errInterrupted ends a command that Ctrl-C (or SIGTERM) cut short; the
// exit status is then 130, as a shell reports for SIGINT.
var errInterrupted = errors.New("interrupted: the output is incomplete")

// run executes one invocation and returns the process exit code: 0 on
// success, 1 on failure, 2 on a usage error, 130 when interrupted.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		usage(stdout)
		return 0
	}
	// No command (or only flags, as in `freshet --server URL`): the REPL.
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		args = append([]string{"repl"}, args...)
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], stdin, stdout, stderr)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			case errors.Is(err, errInterrupted):
				fmt.Fprintf(stderr, "freshet %s: %v\n", c.name, err)
				return 130
			default:
				fmt.Fprintf(stderr, "freshet %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(stderr, "freshet: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, `Freshet: stream SQL analytics in one binary.

Usage:
  freshet [flags]            the REPL (freshet repl)
  freshet <command> [flags]

Commands:`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, `
Run "freshet <command> --help" for a command's flags.`)
}

func runVersion(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fmt.Fprintln(stdout, "freshet", version)
	return nil
}
