package repl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// metaCommand is one backslash command.
type metaCommand struct {
	name    string
	aliases []string
	args    string
	help    string
	run     func(r *REPL, ctx context.Context, m metaCall) error
}

// metaCall is one use of a meta-command.
type metaCall struct {
	args  []string
	line  int    // input line, for messages (0 on the terminal)
	where string // script name
}

// stmt returns a statement for SQL that a meta-command runs.
func (m metaCall) stmt(text string) statement {
	return statement{Text: text, Line: max(m.line, 1), Col: 1}
}

// maxSourceDepth bounds \source nesting, so a script that sources itself
// ends.
const maxSourceDepth = 16

func metaCommands() []metaCommand {
	return []metaCommand{
		{"help", []string{"h", "?"}, "", "show this help", (*REPL).metaHelp},
		{"quit", []string{"q", "exit"}, "", "leave (Ctrl-D on an empty line does too)", func(*REPL, context.Context, metaCall) error { return errQuit }},
		{"streams", nil, "", "list the streams (SHOW STREAMS)", sqlMeta("SHOW STREAMS")},
		{"queries", nil, "", "list the persistent queries (SHOW QUERIES)", sqlMeta("SHOW QUERIES")},
		{"alerts", nil, "", "list the alert instances of the server's rules (SHOW ALERTS)", sqlMeta("SHOW ALERTS")},
		{"describe", []string{"d"}, "NAME|URL", "a stream's columns, options and counters (DESCRIBE NAME), or a Parquet dataset's schema (s3://bucket/prefix, file:///path)", (*REPL).metaDescribe},
		{"stop", nil, "ID", "stop a persistent query (STOP QUERY ID)", (*REPL).metaStop},
		{"tail", nil, "STREAM [N]", "the newest N raw records of a stream (default 10)", (*REPL).metaTail},
		{"source", []string{"i"}, "FILE", "run the statements of a script", (*REPL).metaSource},
		{"format", nil, "[table|csv|json|vertical]", "how results are shown", (*REPL).metaFormat},
		{"timing", nil, "[on|off]", "show how long each statement takes", (*REPL).metaTiming},
		{"output", []string{"o"}, "[FILE]", "send results to FILE; alone, back to the screen", (*REPL).metaOutput},
		{"earliest", nil, "[on|off]", "start push queries at the oldest record instead of new ones", (*REPL).metaEarliest},
		{"demo", nil, "[stop]", "create demo_clicks and write sample clicks into it", (*REPL).metaDemo},
	}
}

// isMeta reports whether line is a meta-command.
func isMeta(line string) bool { return strings.HasPrefix(strings.TrimSpace(line), `\`) }

// findMeta returns the command called name (without the backslash).
func findMeta(name string) (metaCommand, bool) {
	name = strings.ToLower(name)
	for _, c := range metaCommands() {
		if c.name == name {
			return c, true
		}
		for _, a := range c.aliases {
			if a == name {
				return c, true
			}
		}
	}
	return metaCommand{}, false
}

// meta runs a meta-command line. line is its input line (0 on the
// terminal) and where the script's name, for messages. The error returned
// has been shown.
func (r *REPL) meta(ctx context.Context, text string, line int, where string) error {
	fields := strings.Fields(strings.TrimSuffix(strings.TrimSpace(text), ";"))
	name := strings.TrimPrefix(fields[0], `\`)
	c, ok := findMeta(name)
	if !ok {
		err := fmt.Errorf(`unknown command \%s (\help lists them)`, name)
		r.metaError(err, line, where)
		return &reported{err}
	}
	err := c.run(r, ctx, metaCall{args: fields[1:], line: line, where: where})
	if err != nil && !errors.Is(err, errQuit) && !errors.Is(err, errInterrupted) {
		var rep *reported
		if !errors.As(err, &rep) {
			r.metaError(err, line, where)
			err = &reported{err}
		}
	}
	return err
}

func (r *REPL) metaError(err error, line int, where string) {
	switch {
	case where != "":
		fmt.Fprintf(r.cfg.Stderr, "error: %s line %d: %v\n", where, line, err)
	case !r.cfg.Interactive && line > 0:
		fmt.Fprintf(r.cfg.Stderr, "error: line %d: %v\n", line, err)
	default:
		fmt.Fprintf(r.cfg.Stderr, "error: %v\n", err)
	}
}

// sqlMeta is a meta-command that runs a fixed statement.
func sqlMeta(text string) func(*REPL, context.Context, metaCall) error {
	return func(r *REPL, ctx context.Context, m metaCall) error {
		return r.statement(ctx, m.stmt(text), m.where, false)
	}
}

func (r *REPL) metaHelp(ctx context.Context, m metaCall) error {
	var b strings.Builder
	b.WriteString(`SQL statements end with ";" and may span lines; several may share a line.
  CREATE STREAM s (col TYPE, …) WITH (shards = 2, event_time = 'ts', watermark_delay = '5s');
  INSERT INTO s VALUES (…), (…);          SELECT … FROM s [WHERE …] [GROUP BY …];
  SELECT … FROM s … EMIT CHANGES;          (push query: rows as they arrive; Ctrl-C stops it)
  INSERT INTO t SELECT … FROM s …;         (persistent query, runs in the background)
  SHOW STREAMS; DESCRIBE s; SHOW QUERIES; STOP QUERY q1; DROP STREAM s; EXPLAIN SELECT …;

Commands:
`)
	for _, c := range metaCommands() {
		name := `\` + c.name
		if c.args != "" {
			name += " " + c.args
		}
		aliases := ""
		for _, a := range c.aliases {
			aliases += ` \` + a
		}
		if aliases != "" {
			aliases = " (also" + aliases + ")"
		}
		fmt.Fprintf(&b, "  %-34s %s%s\n", name, c.help, aliases)
	}
	b.WriteString(`
Keys: Tab completes keywords, streams, columns, functions and commands;
Up/Down and Ctrl-R search the history; Ctrl-C cancels the line or stops
the running query; Ctrl-D on an empty line exits.
`)
	_, err := fmt.Fprint(r.cfg.Stdout, b.String())
	return err
}

func (r *REPL) metaDescribe(ctx context.Context, m metaCall) error {
	if len(m.args) == 0 {
		return r.statement(ctx, m.stmt("SHOW STREAMS"), m.where, false)
	}
	return r.statement(ctx, m.stmt("DESCRIBE "+quoteIdent(m.args[0])), m.where, false)
}

func (r *REPL) metaStop(ctx context.Context, m metaCall) error {
	if len(m.args) != 1 {
		return errors.New(`usage: \stop ID (\queries lists the ids)`)
	}
	return r.statement(ctx, m.stmt("STOP QUERY "+m.args[0]), m.where, false)
}

func (r *REPL) metaSource(ctx context.Context, m metaCall) error {
	if len(m.args) != 1 {
		return errors.New(`usage: \source FILE`)
	}
	if r.depth >= maxSourceDepth {
		return fmt.Errorf("source %s: scripts nested more than %d deep", m.args[0], maxSourceDepth)
	}
	f, err := os.Open(m.args[0])
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	defer f.Close()
	r.depth++
	failed, _, err := r.script(ctx, f, m.args[0])
	r.depth--
	if err != nil && !errors.Is(err, errQuit) {
		return err
	}
	if failed > 0 {
		return &reported{fmt.Errorf("%s: %d statements failed", m.args[0], failed)}
	}
	return nil
}

func (r *REPL) metaFormat(ctx context.Context, m metaCall) error {
	if len(m.args) == 0 {
		fmt.Fprintf(r.cfg.Stdout, "Format is %s.\n", r.printer.Format())
		return nil
	}
	f, err := ParseFormat(m.args[0])
	if err != nil {
		return err
	}
	r.printer.SetFormat(f)
	if r.cfg.Interactive {
		fmt.Fprintf(r.cfg.Stdout, "Format is %s.\n", f)
	}
	return nil
}

// onOff reads an optional on/off argument; none toggles cur.
func onOff(args []string, cur bool, what string) (bool, error) {
	if len(args) == 0 {
		return !cur, nil
	}
	switch strings.ToLower(args[0]) {
	case "on", "true", "1":
		return true, nil
	case "off", "false", "0":
		return false, nil
	}
	return cur, fmt.Errorf(`usage: \%s [on|off]`, what)
}

func (r *REPL) metaTiming(ctx context.Context, m metaCall) error {
	v, err := onOff(m.args, r.timing, "timing")
	if err != nil {
		return err
	}
	r.timing = v
	fmt.Fprintf(r.cfg.Stdout, "Timing is %s.\n", map[bool]string{true: "on", false: "off"}[v])
	return nil
}

func (r *REPL) metaEarliest(ctx context.Context, m metaCall) error {
	v, err := onOff(m.args, r.earliest, "earliest")
	if err != nil {
		return err
	}
	r.earliest = v
	if v {
		fmt.Fprintln(r.cfg.Stdout, "Push queries start at the oldest record.")
	} else {
		fmt.Fprintln(r.cfg.Stdout, "Push queries start with the next record.")
	}
	return nil
}

func (r *REPL) metaOutput(ctx context.Context, m metaCall) error {
	path := strings.Join(m.args, " ")
	if err := r.setOutput(path); err != nil {
		return err
	}
	if r.cfg.Interactive {
		if path == "" {
			fmt.Fprintln(r.cfg.Stdout, "Results go to the screen.")
		} else {
			fmt.Fprintf(r.cfg.Stdout, "Results go to %s.\n", path)
		}
	}
	return nil
}

func (r *REPL) metaTail(ctx context.Context, m metaCall) error {
	if len(m.args) < 1 || len(m.args) > 2 {
		return errors.New(`usage: \tail STREAM [N]`)
	}
	stream := strings.ToLower(strings.Trim(m.args[0], "`"))
	n := 10
	if len(m.args) == 2 {
		v, err := strconv.Atoi(m.args[1])
		if err != nil || v < 1 || v > 10000 {
			return fmt.Errorf("tail: N must be a number from 1 to 10000, not %q", m.args[1])
		}
		n = v
	}
	if t, ok := r.cfg.Backend.(Tailer); ok {
		return r.run(ctx, m.stmt(`\tail`), m.where, false, func(ctx context.Context, out ResultWriter) error {
			return t.Tail(ctx, stream, n, out)
		})
	}
	// Through SQL: the newest rows by arrival, shown oldest first.
	q := fmt.Sprintf("SELECT _arrival, _shard, _sequence, _partition_key, * FROM %s ORDER BY _arrival DESC, _sequence DESC LIMIT %d", quoteIdent(stream), n)
	return r.run(ctx, m.stmt(q), m.where, false, func(ctx context.Context, out ResultWriter) error {
		var c collector
		if err := r.cfg.Backend.Exec(ctx, q, ExecOptions{}, &c); err != nil {
			return err
		}
		if err := out.Columns(c.cols, false); err != nil {
			return err
		}
		for i := len(c.rows) - 1; i >= 0; i-- {
			if err := out.Row(c.rows[i]); err != nil {
				return err
			}
		}
		return out.Flush()
	})
}

// quoteIdent quotes a name for SQL when it is not a plain identifier.
func quoteIdent(name string) string {
	plain := name != ""
	for i, c := range name {
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			plain = false
		}
	}
	if plain {
		return name
	}
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

func (r *REPL) metaDemo(ctx context.Context, m metaCall) error {
	if len(m.args) > 0 {
		if strings.ToLower(m.args[0]) != "stop" {
			return errors.New(`usage: \demo [stop]`)
		}
		if r.demo == nil {
			fmt.Fprintln(r.cfg.Stdout, "The demo generator is not running.")
			return nil
		}
		n := r.stopDemo()
		fmt.Fprintf(r.cfg.Stdout, "Demo generator stopped after %d records.\n", n)
		return nil
	}
	return r.startDemo(ctx)
}
