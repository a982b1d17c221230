package repl

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/freshet/freshet/sql"
)

func TestReportError(t *testing.T) {
	st := statement{Text: "SELECT a,\n\tnope FROM s", Line: 3, Col: 5}
	sqlErr := &sql.Error{Pos: sql.Pos{Line: 2, Col: 2}, Msg: `unknown column "nope"`}
	for _, c := range []struct {
		name     string
		err      error
		inScript bool
		want     string
	}{
		{"engine, terminal", sqlErr, false, "error: line 2:2: unknown column \"nope\"\n  \tnope FROM s\n  \t^\n"},
		{"engine, script", fmt.Errorf("plan: %w", sqlErr), true, "error: line 4:2: unknown column \"nope\"\n  \tnope FROM s\n  \t^\n"},
		{"server", &ServerError{Msg: `line 2:2: unknown column "nope"`, Line: 2, Column: 2}, false, "error: line 2:2: unknown column \"nope\"\n  \tnope FROM s\n  \t^\n"},
		{"no position", errors.New("stream s not found"), true, "error: stream s not found\n"},
		{"unreachable", &UnreachableError{URL: "http://x", Err: errors.New("connection refused")}, false, "error: server http://x is not reachable: connection refused\n       (the next statement tries again)\n"},
	} {
		var b strings.Builder
		reportError(&b, st, c.err, "", c.inScript)
		if b.String() != c.want {
			t.Errorf("%s:\n%q\nwant\n%q", c.name, b.String(), c.want)
		}
	}
	// On the first line of a statement that starts mid-line, the column
	// in the script counts from the line's start.
	var b strings.Builder
	reportError(&b, statement{Text: "SELEC 1", Line: 2, Col: 11}, &sql.Error{Pos: sql.Pos{Line: 1, Col: 1}, Msg: "bad"}, "x.sql", true)
	if want := "error: x.sql line 2:11: bad\n  SELEC 1\n  ^\n"; b.String() != want {
		t.Errorf("mid-line: %q, want %q", b.String(), want)
	}
}

func TestStripPosition(t *testing.T) {
	for in, want := range map[string]string{
		"line 1:8: unknown column": "unknown column",
		"line one: x":              "line one: x",
		"no position":              "no position",
	} {
		if got := stripPosition(in); got != want {
			t.Errorf("%q: %q", in, got)
		}
	}
}
