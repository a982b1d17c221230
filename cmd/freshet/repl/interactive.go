package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/chzyer/readline"
)

// Prompts: the first line of a statement, and the lines that continue it.
const (
	prompt     = "freshet> "
	contPrompt = "      -> "
)

// interactive is the terminal loop: readline edits each line (history,
// Ctrl-R search, Tab completion); Ctrl-C at the prompt drops the
// statement being typed and Ctrl-D on an empty line ends the session.
func (r *REPL) interactive(ctx context.Context) error {
	if r.cfg.HistoryFile != "" {
		if err := os.MkdirAll(filepath.Dir(r.cfg.HistoryFile), 0o755); err != nil {
			fmt.Fprintf(r.cfg.Stderr, "warning: no history: %v\n", err)
			r.cfg.HistoryFile = ""
		}
	}
	rl, err := readline.NewEx(&readline.Config{
		Prompt:                 prompt,
		HistoryFile:            r.cfg.HistoryFile,
		HistoryLimit:           5000,
		DisableAutoSaveHistory: true,
		HistorySearchFold:      true,
		AutoComplete:           &completer{r: r, ctx: ctx},
		Stdin:                  readline.NewCancelableStdin(r.cfg.Stdin),
		Stdout:                 r.cfg.Stdout,
		Stderr:                 r.cfg.Stderr,
		EOFPrompt:              "\n",
	})
	if err != nil {
		return fmt.Errorf("terminal: %w", err)
	}
	var closeOnce sync.Once
	closeRL := func() { closeOnce.Do(func() { rl.Close() }) }
	defer closeRL()
	stop := context.AfterFunc(ctx, closeRL) // SIGTERM ends a waiting Readline
	defer stop()

	r.banner(ctx)
	if r.cfg.Demo {
		if err := r.startDemo(ctx); err != nil {
			reportPlain(r.cfg.Stderr, err)
		}
	}
	var typed []string // lines of the statements being typed, for history
	for ctx.Err() == nil {
		switch {
		case !r.in.empty() && r.in.open != 0 && r.in.open != '*':
			rl.SetPrompt(fmt.Sprintf("      %c> ", r.in.open))
		case !r.in.empty():
			rl.SetPrompt(contPrompt)
		default:
			rl.SetPrompt(prompt)
		}
		line, err := rl.Readline()
		if ctx.Err() != nil {
			return nil
		}
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			r.in.reset()
			typed = nil
			continue
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return fmt.Errorf("read terminal: %w", err)
		}
		if r.in.empty() && isMeta(line) {
			r.in.skip()
			rl.SaveHistory(strings.TrimSpace(line))
			err := r.meta(ctx, line, 0, "")
			if errors.Is(err, errQuit) {
				return nil
			}
			continue
		}
		if r.in.empty() {
			if w := strings.ToLower(strings.TrimSpace(line)); w == "quit" || w == "exit" {
				return nil
			}
		}
		typed = append(typed, line)
		stmts := r.in.add(line)
		if r.in.empty() {
			if h := flatten(strings.Join(typed, "\n")); h != "" {
				rl.SaveHistory(h)
			}
			typed = nil
		}
		for _, st := range stmts {
			if err := r.statement(ctx, st, "", false); errors.Is(err, errInterrupted) || ctx.Err() != nil {
				break
			}
		}
	}
	return nil
}

// banner says what the REPL talks to and where to start.
func (r *REPL) banner(ctx context.Context) {
	w := r.cfg.Stdout
	fmt.Fprintf(w, "Freshet %s: stream SQL. Connected to the %s.\n", r.cfg.Version, r.cfg.Backend)
	fmt.Fprintln(w, `Statements end with ";" and may span lines. \help lists the commands, \demo starts sample data, Ctrl-D exits.`)
	if _, err := r.streams(ctx); err != nil {
		var ue *UnreachableError
		if errors.As(err, &ue) {
			fmt.Fprintf(r.cfg.Stderr, "warning: %v; each statement tries again.\n", ue)
		}
	}
}

// reportPlain writes an error that has no statement to point into.
func reportPlain(w io.Writer, err error) {
	var rep *reported
	if errors.As(err, &rep) {
		return
	}
	fmt.Fprintf(w, "error: %v\n", err)
}
