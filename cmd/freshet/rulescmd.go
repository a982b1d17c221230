package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/freshet/freshet/engine/catalog"
	"github.com/freshet/freshet/engine/rules"
	"github.com/freshet/freshet/sql"
)

const rulesUsage = `Usage:
  freshet rules check FILE_OR_DIR… [--data-dir DIR]
      validate rule files: YAML, durations, SQL and templates, with
      file:line:col positions. Offline the SQL is parsed; with --data-dir it
      is also planned against that directory's streams.
  freshet rules backtest FILE_OR_DIR --from T1 [--to T2] [--data-dir DIR] [--format text|json]
      evaluate every rule at each tick of its group's interval from T1 to T2
      over the streams' history — what their archives (the lake) hold that
      retention has dropped, then their retained records, each record once
      — as a server running then would have (records that had arrived by
      the tick, with event time at or before it, NOW() = the tick), and
      print each instance's changes of state. It warns about records that
      are neither retained nor archived. S3 archives are configured the AWS
      way (AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, …). Times are RFC 3339,
      a date, "now", or an offset from now such as -6h.
  freshet rules test TESTFILE…
      run rule unit tests (input records, evaluation times, expected
      alerts; see engine/rules.TestFile); exits 1 if one fails.
`

func runRules(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, rulesUsage)
		return errUsage
	}
	switch args[0] {
	case "check":
		return rulesCheck(args[1:], stdout, stderr)
	case "backtest":
		return rulesBacktest(ctx, args[1:], stdout, stderr)
	case "test":
		return rulesTest(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, rulesUsage)
		return nil
	}
	fmt.Fprintf(stderr, "freshet rules: unknown subcommand %q\n\n%s", args[0], rulesUsage)
	return errUsage
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments (FILE --from T1), and returns the positionals.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func rulesFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("freshet rules "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, rulesUsage+"\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs
}

func usageErr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return errUsage
}

func rulesCheck(args []string, stdout, stderr io.Writer) error {
	fs := rulesFlags("check", stderr)
	dataDir := fs.String("data-dir", "", "plan the SQL against the streams of this data directory (default: parse only)")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return usageErr(err)
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "freshet rules check: name a rule file or directory")
		return errUsage
	}
	var cat sql.Catalog
	if *dataDir != "" {
		if _, err := os.Stat(*dataDir); err != nil {
			return fmt.Errorf("check: data directory: %w", err)
		}
		c, err := catalog.Open(filepath.Join(engineDir(*dataDir), "catalog.json"))
		if err != nil {
			return err
		}
		cat = c
	}
	fns := sql.NewFunctions()
	bad := 0
	for _, f := range files {
		cfg, err := rules.CheckFiles(f, cat, fns)
		if err != nil {
			bad++
			fmt.Fprintln(stderr, err)
			continue
		}
		n := 0
		for _, g := range cfg.Groups {
			n += len(g.Rules)
		}
		how := "SQL parsed"
		if cat != nil {
			how = "SQL planned against " + *dataDir
		}
		fmt.Fprintf(stdout, "%s: %d groups, %d rules, %d notify targets: OK (%s)\n", f, len(cfg.Groups), n, len(cfg.Notify), how)
	}
	if bad > 0 {
		return fmt.Errorf("%d of %d rule files have problems", bad, len(files))
	}
	return nil
}

// parseMoment reads a time for --from and --to: RFC 3339, a date or a
// timestamp without zone (UTC), "now", or an offset from now ("-6h").
func parseMoment(s string, now time.Time) (time.Time, error) {
	switch {
	case s == "now":
		return now, nil
	case strings.HasPrefix(s, "-"):
		d, err := rules.ParseDuration(s[1:])
		if err != nil {
			return time.Time{}, err
		}
		return now.Add(-d), nil
	}
	ms, err := sql.ParseTimestamp(s)
	if err != nil {
		return time.Time{}, err
	}
	return time.UnixMilli(ms).UTC(), nil
}

func rulesBacktest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := rulesFlags("backtest", stderr)
	from := fs.String("from", "", `start of the range (RFC 3339, a date, "now" or an offset like -6h); required`)
	to := fs.String("to", "now", "end of the range")
	dataDir := fs.String("data-dir", envOr("FRESHET_DATA_DIR", "./freshet-data"), "data directory whose streams hold the history (env FRESHET_DATA_DIR)")
	format := fs.String("format", "text", "output: text (a timeline per instance) or json")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return usageErr(err)
	}
	if len(files) != 1 || *from == "" || (*format != "text" && *format != "json") {
		fmt.Fprintln(stderr, "freshet rules backtest: give one rule file or directory, --from, and --format text or json")
		return errUsage
	}
	now := time.Now()
	t1, err := parseMoment(*from, now)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	t2, err := parseMoment(*to, now)
	if err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	if *dataDir == ":memory:" {
		return errors.New("backtest: an in-memory data directory holds no history")
	}
	if _, err := os.Stat(*dataDir); err != nil {
		return fmt.Errorf("backtest: data directory: %w", err)
	}
	eng, closeEngine, err := openDataDir(*dataDir, false)
	if err != nil {
		return err
	}
	defer closeEngine()
	cfg, err := rules.CheckFiles(files[0], eng.Catalog(), eng.Functions())
	if err != nil {
		fmt.Fprintln(stderr, err)
		return errors.New("the rules do not check")
	}
	var bar *progress
	tl, err := rules.Backtest(ctx, cfg, rules.History{Engine: eng}, t1, t2, func(done, total int) {
		if bar == nil {
			bar = newProgress(stderr, "backtest", int64(total))
		}
		bar.set(int64(done))
	})
	if bar != nil {
		bar.done()
	}
	if err != nil {
		return err
	}
	if *format == "json" {
		return tl.WriteJSON(stdout)
	}
	return tl.WriteText(stdout)
}

func rulesTest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := rulesFlags("test", stderr)
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return usageErr(err)
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "freshet rules test: name a test file")
		return errUsage
	}
	failed := 0
	for _, f := range files {
		tf, err := rules.LoadTests(f)
		if err != nil {
			return err
		}
		n, err := rules.RunTests(ctx, tf, stdout)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		failed += n
	}
	if failed > 0 {
		return fmt.Errorf("%d rule tests failed", failed)
	}
	return nil
}
