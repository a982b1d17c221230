package sql

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// parseSQL parses a SELECT or INSERT statement (tokens toks of the script):
// it takes out EMIT CHANGES, applies the function rewrites, runs the parser
// and translates its tree into ours.
func parseSQL(src *source, toks []token) (Statement, *Error) {
	base := toks[0].off
	text := src.text[base:toks[len(toks)-1].end]
	rel := make([]token, len(toks))
	for i, t := range toks {
		t.off -= base
		t.end -= base
		rel[i] = t
	}
	emitAt, edits, err := emitClause(src, base, rel)
	if err != nil {
		return nil, err
	}
	edits = append(edits, functionRewrites(text, rel)...)
	rw := applyEdits(text, edits)
	loc := &locator{src: src, base: base, rw: rw, text: text}
	ptoks, lerr := lex(rw.text)
	if lerr != nil {
		return nil, errorf(loc.pos(lerr.off), "%s", lerr.msg)
	}
	loc.toks = ptoks
	tree, perr := runParser(rw.text)
	if perr != nil {
		return nil, syntaxError(loc, perr)
	}
	tr := &translator{loc: loc}
	switch tree := tree.(type) {
	case *sqlparser.Select:
		s, err := tr.selectStmt(tree, 0)
		if err != nil {
			return nil, err
		}
		if emitAt >= 0 {
			s.Emit, s.EmitPos = true, src.pos(base+rel[emitAt].off)
		}
		return s, nil
	case *sqlparser.ParenSelect:
		return nil, errorf(src.pos(base), "a parenthesised SELECT is not supported")
	case *sqlparser.Union:
		return nil, errorf(loc.tokPos(tr.findWord(0, "union")), "UNION is not supported")
	case *sqlparser.Insert:
		return tr.insert(tree)
	}
	return nil, errorf(src.pos(base), "unsupported statement %s", strings.ToUpper(rel[0].val))
}

// emitClause finds EMIT CHANGES at the top level of a statement. It must
// end the query, before or after LIMIT: "… EMIT CHANGES", "… EMIT CHANGES
// LIMIT 10", "… LIMIT 10 EMIT CHANGES". It returns the index of EMIT (-1 if
// absent) and the edit that blanks the two words out.
func emitClause(src *source, base int, toks []token) (int, []edit, *Error) {
	at := -1
	var edits []edit
	depth := 0
	for i := 0; i+1 < len(toks); i++ {
		t := toks[i]
		switch {
		case t.isOp("("):
			depth++
		case t.isOp(")"):
			depth--
		}
		if depth != 0 || !t.is("emit") || i == 0 {
			continue
		}
		next := toks[i+1]
		rest := i + 2
		atEnd := rest == len(toks) || toks[rest].is("limit")
		switch {
		case next.is("changes") && atEnd:
			if at >= 0 {
				return -1, nil, errorf(src.pos(base+t.off), "EMIT CHANGES given twice")
			}
			at = i
			edits = append(edits, blank(toks, i, i+1))
		case next.is("changes") && rest < len(toks) && toks[rest].kind == tokIdent && contains([]string{"where", "group", "having", "order", "from", "emit"}, toks[rest].val):
			return -1, nil, errorf(src.pos(base+t.off), "EMIT CHANGES must end the query (it may be followed by LIMIT)")
		case next.is("final") && atEnd:
			return -1, nil, errorf(src.pos(base+t.off), "EMIT FINAL is not supported: windowed results are emitted once, final, when the watermark passes the window end")
		}
	}
	return at, edits, nil
}

// runParser runs the parser, turning a panic into an error. It uses the
// strict DDL mode: the lenient one logs and returns half-parsed DDL.
func runParser(text string) (tree sqlparser.Statement, err error) {
	defer func() {
		if r := recover(); r != nil {
			tree, err = nil, fmt.Errorf("parser failed: %v", r)
		}
	}()
	return sqlparser.ParseStrictDDL(text)
}

// parserErrorRE matches the parser's errors: "syntax error at position 25
// near 'from'".
var parserErrorRE = regexp.MustCompile(`^(.*?) at position (\d+)(?: near '(.*)')?$`)

// syntaxError converts a parser error into an *Error at the offending token
// of the original text.
func syntaxError(loc *locator, err error) *Error {
	m := parserErrorRE.FindStringSubmatch(err.Error())
	if m == nil {
		return errorf(loc.pos(0), "syntax error (%v)", err)
	}
	msg := m[1]
	if msg == "max nesting level reached" {
		msg = "expressions nested too deeply"
	}
	n, _ := strconv.Atoi(m[2])
	target := n - 1 // the parser has read one character past the token
	if target > len(loc.rw.text) {
		target = len(loc.rw.text)
	}
	// The offending token is the one that ends where the parser stopped.
	for i := len(loc.toks) - 1; i >= 0; i-- {
		t := loc.toks[i]
		if t.end > target {
			continue
		}
		if t.end == target && (m[3] != "" || t.kind == tokOp) {
			return errorf(loc.pos(t.off), "%s near %s", msg, tokenText(loc, t))
		}
		break
	}
	if target >= len(loc.rw.text) {
		return errorf(loc.pos(len(loc.rw.text)), "%s at end of input", msg)
	}
	return errorf(loc.pos(target), "%s", msg)
}

// tokenText quotes a token as the user wrote it.
func tokenText(loc *locator, t token) string {
	s := loc.rw.text[t.off:t.end]
	switch s {
	case castFunc:
		s = "CAST"
	case substrFunc:
		s = "SUBSTRING"
	}
	return fmt.Sprintf("%q", s)
}
