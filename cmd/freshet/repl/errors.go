package repl

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/freshet/freshet/sql"
)

// stripPosition drops the position an error message starts with
// ("line 1:8: ").
func stripPosition(msg string) string {
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return msg
	}
	pos, text, ok := strings.Cut(rest, ": ")
	if !ok || strings.Trim(pos, "0123456789:") != "" || strings.Count(pos, ":") != 1 {
		return msg
	}
	return text
}

// errorAt returns an error's message without its position, and the
// position (1-based, within the statement) when it has one: SQL errors of
// the embedded engine carry it, the server sends it beside the message.
func errorAt(err error) (msg string, line, col int, ok bool) {
	var se *ServerError
	if errors.As(err, &se) {
		return stripPosition(se.Msg), se.Line, se.Column, se.Line > 0 && se.Column > 0
	}
	var list sql.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		e := list[0]
		return e.Msg, e.Pos.Line, e.Pos.Col, e.Pos.IsValid()
	}
	var e *sql.Error
	if errors.As(err, &e) && e.Pos.IsValid() {
		return e.Msg, e.Pos.Line, e.Pos.Col, true
	}
	if p, ok := sql.ErrorPos(err); ok {
		return stripPosition(err.Error()), p.Line, p.Col, true
	}
	return err.Error(), 0, 0, false
}

// reportError writes a failed statement's error: the message with its
// position, then the offending line of the statement with a caret under
// the position. where names the script ("" for the terminal or standard
// input); inScript gives the position in the script rather than in the
// statement.
func reportError(w io.Writer, st statement, err error, where string, inScript bool) {
	var ue *UnreachableError
	if errors.As(err, &ue) {
		fmt.Fprintf(w, "error: %v\n       (the next statement tries again)\n", ue)
		return
	}
	msg, line, col, ok := errorAt(err)
	if where != "" {
		where += " "
	}
	if !ok {
		fmt.Fprintf(w, "error: %s%s\n", where, msg)
		return
	}
	sl, sc := line, col
	if inScript {
		sl = st.Line + line - 1
		if line == 1 {
			sc = st.Col + col - 1
		}
	}
	fmt.Fprintf(w, "error: %sline %d:%d: %s\n", where, sl, sc, msg)
	lines := strings.Split(st.Text, "\n")
	if line > len(lines) {
		return
	}
	fmt.Fprintf(w, "  %s\n  %s^\n", strings.TrimRight(lines[line-1], "\r"), caretPad(lines[line-1], col))
}

// caretPad returns the blanks that put a caret under column col (1-based,
// in characters) of text, keeping its tabs so that the caret lines up.
func caretPad(text string, col int) string {
	var b strings.Builder
	n := 0
	for _, r := range text {
		if n >= col-1 {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		n++
	}
	for ; n < col-1; n++ {
		b.WriteByte(' ')
	}
	return b.String()
}
