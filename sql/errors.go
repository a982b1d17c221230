package sql

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Pos is a position in the text given to Parse. Offset is a 0-based byte
// offset; Line and Col are 1-based, and Col counts characters (runes), not
// bytes. The zero Pos means "no position".
type Pos struct {
	Offset int
	Line   int
	Col    int
}

// IsValid reports whether p names a place in the text.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String formats p as "line L:C".
func (p Pos) String() string {
	if !p.IsValid() {
		return "line ?:?"
	}
	return fmt.Sprintf("line %d:%d", p.Line, p.Col)
}

// Error is a SQL error at a position: a syntax error, an unsupported
// construct, an unknown stream, column or function, a type mismatch or a bad
// literal. Pos points at the offending token of the original text.
type Error struct {
	Pos Pos
	Msg string
}

// Error formats the error as "line L:C: msg".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// errorf builds an *Error at pos.
func errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// ErrorList is several SQL errors, in the order of their positions. Parse
// returns one when more than one statement of a script fails.
type ErrorList []*Error

// Error joins the errors, one per line.
func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Err returns nil for an empty list, the only error of a list of one, and
// the list itself otherwise.
func (l ErrorList) Err() error {
	switch len(l) {
	case 0:
		return nil
	case 1:
		return l[0]
	}
	return l
}

// Unwrap gives errors.Is and errors.As access to each error of the list.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// ErrorPos returns the position carried by err (the first one of an
// ErrorList) and whether it had one.
func ErrorPos(err error) (Pos, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Pos, true
	}
	return Pos{}, false
}

// source is a text with its line starts, turning byte offsets into Pos.
type source struct {
	text  string
	lines []int // byte offset of the start of each line
}

func newSource(text string) *source {
	s := &source{text: text, lines: []int{0}}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// pos converts a byte offset (clamped to the text) into a Pos.
func (s *source) pos(off int) Pos {
	if off < 0 {
		off = 0
	}
	if off > len(s.text) {
		off = len(s.text)
	}
	lo, hi := 0, len(s.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if s.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	col := utf8.RuneCountInString(s.text[s.lines[lo]:off]) + 1
	return Pos{Offset: off, Line: lo + 1, Col: col}
}
