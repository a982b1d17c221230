package sql

import (
	"fmt"
	"strings"
)

// Parse parses a script: statements separated by semicolons (semicolons in
// strings, quoted identifiers and comments do not count). Errors carry the
// line and column in text; when several statements fail, the error is an
// ErrorList. On error no statements are returned.
func Parse(text string) ([]Statement, error) {
	src := newSource(text)
	toks, lerr := lex(text)
	if lerr != nil {
		return nil, errorf(src.pos(lerr.off), "%s", lerr.msg)
	}
	var out []Statement
	var errs ErrorList
	for _, st := range splitStatements(toks) {
		s, err := parseStatement(src, st)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, s)
	}
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	return out, nil
}

// ParseOne parses text holding exactly one statement (a trailing semicolon
// is allowed).
func ParseOne(text string) (Statement, error) {
	stmts, err := Parse(text)
	if err != nil {
		return nil, err
	}
	switch len(stmts) {
	case 0:
		return nil, errorf(newSource(text).pos(len(text)), "empty statement")
	case 1:
		return stmts[0], nil
	}
	return nil, errorf(stmts[1].Source().Start, "expected one statement, found %d", len(stmts))
}

// stmtParser parses one statement: its tokens carry offsets in the script.
type stmtParser struct {
	src  *source
	toks []token
	i    int
}

// parseStatement dispatches on the first word: our extensions are parsed
// here, SELECT and INSERT go to the parser.
func parseStatement(src *source, toks []token) (st Statement, err *Error) {
	defer func() {
		if r := recover(); r != nil {
			st, err = nil, errorf(src.pos(toks[0].off), "internal error: %v", r)
		}
	}()
	p := &stmtParser{src: src, toks: toks}
	first := toks[0]
	switch first.val {
	case "create":
		if first.kind == tokIdent {
			return p.createStream()
		}
	case "drop":
		if first.kind == tokIdent {
			return p.dropStream()
		}
	case "show":
		if first.kind == tokIdent {
			return p.show()
		}
	case "stop":
		if first.kind == tokIdent {
			return p.stopQuery()
		}
	case "describe", "desc":
		if first.kind == tokIdent {
			return p.describe()
		}
	case "explain":
		if first.kind == tokIdent {
			return p.explain()
		}
	case "select", "insert":
		if first.kind == tokIdent {
			return parseSQL(src, toks)
		}
	case "(":
		return parseSQL(src, toks)
	case "alter":
		if first.kind == tokIdent {
			return p.alterStream()
		}
	case "replace", "update", "delete", "truncate", "rename", "set", "use",
		"begin", "commit", "rollback", "start", "analyze", "optimize", "repair", "with", "call", "grant":
		if first.kind == tokIdent {
			return nil, p.errAt(first, "unsupported statement %s", strings.ToUpper(first.val))
		}
	}
	return nil, p.errAt(first, "unknown statement %s (expected SELECT, INSERT, CREATE STREAM, ALTER STREAM, DROP STREAM, SHOW STREAMS, SHOW QUERIES, SHOW ALERTS, DESCRIBE, EXPLAIN or STOP QUERY)", first.describe(src.text))
}

// span returns the Span of tokens [from, len).
func (p *stmtParser) span(from int) Span {
	if from >= len(p.toks) {
		from = len(p.toks) - 1
	}
	start, end := p.toks[from].off, p.toks[len(p.toks)-1].end
	return Span{Text: p.src.text[start:end], Start: p.src.pos(start)}
}

// peek returns the next token; at the end, ok is false.
func (p *stmtParser) peek() (token, bool) {
	if p.i < len(p.toks) {
		return p.toks[p.i], true
	}
	return token{}, false
}

// accept consumes the next token if it is the word w.
func (p *stmtParser) accept(w string) bool {
	if t, ok := p.peek(); ok && t.is(w) {
		p.i++
		return true
	}
	return false
}

// acceptOp consumes the next token if it is the operator op.
func (p *stmtParser) acceptOp(op string) bool {
	if t, ok := p.peek(); ok && t.isOp(op) {
		p.i++
		return true
	}
	return false
}

// errAt returns an error at token t.
func (p *stmtParser) errAt(t token, format string, args ...any) *Error {
	return errorf(p.src.pos(t.off), format, args...)
}

// errNext returns "expected what, found X" at the next token or at the end.
func (p *stmtParser) errNext(what string) *Error {
	if t, ok := p.peek(); ok {
		return p.errAt(t, "expected %s, found %s", what, t.describe(p.src.text))
	}
	last := p.toks[len(p.toks)-1]
	return errorf(p.src.pos(last.end), "expected %s at end of statement", what)
}

// expect consumes the word w or fails.
func (p *stmtParser) expect(w string) *Error {
	if !p.accept(w) {
		return p.errNext(strings.ToUpper(w))
	}
	return nil
}

// expectOp consumes the operator op or fails.
func (p *stmtParser) expectOp(op string) *Error {
	if !p.acceptOp(op) {
		return p.errNext(fmt.Sprintf("%q", op))
	}
	return nil
}

// end fails unless every token was consumed.
func (p *stmtParser) end() *Error {
	if t, ok := p.peek(); ok {
		return p.errAt(t, "unexpected %s at end of statement", t.describe(p.src.text))
	}
	return nil
}

// name consumes an identifier (bare or back-quoted) naming what.
func (p *stmtParser) name(what string) (string, token, *Error) {
	t, ok := p.peek()
	if !ok || !t.isName() {
		return "", t, p.errNext(what)
	}
	p.i++
	return t.val, t, nil
}

// streamName consumes and checks a stream name.
func (p *stmtParser) streamName() (string, token, *Error) {
	n, t, err := p.name("stream name")
	if err != nil {
		return "", t, err
	}
	if msg := checkStreamName(n); msg != "" {
		return "", t, p.errAt(t, "%s", msg)
	}
	return n, t, nil
}

// checkStreamName returns why name cannot name a stream, or "".
func checkStreamName(name string) string {
	if len(name) > 128 {
		return "stream name is longer than 128 characters"
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || isDigit(c) || c == '_' || c == '-') {
			return fmt.Sprintf("bad stream name %q (use letters, digits, _ and -)", name)
		}
	}
	return ""
}
