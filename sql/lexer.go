package sql

import (
	"fmt"
	"strings"
)

// tokKind classifies the tokens of the front-end lexer.
type tokKind uint8

const (
	tokIdent  tokKind = iota + 1 // a word: keyword or identifier; val is lower case
	tokQuoted                    // a `quoted` identifier; val is unquoted, lower case
	tokString                    // 'text' or "text"; val is decoded
	tokNumber                    // 12, 1.5, .5, 1e3, 0x1f; val is the text
	tokOp                        // punctuation and operators; val is the text
)

// token is one lexeme of a statement with its byte range [off, end).
type token struct {
	kind     tokKind
	val      string
	off, end int
}

// is reports whether t is the bare word w (w in lower case).
func (t token) is(w string) bool { return t.kind == tokIdent && t.val == w }

// isOp reports whether t is the operator or punctuation op.
func (t token) isOp(op string) bool { return t.kind == tokOp && t.val == op }

// isName reports whether t can name a stream or column: a word or a quoted
// identifier.
func (t token) isName() bool { return t.kind == tokIdent || t.kind == tokQuoted }

// describe names the token for "near …" in error messages.
func (t token) describe(text string) string {
	return fmt.Sprintf("%q", text[t.off:t.end])
}

// lexError is a lexical error at a byte offset.
type lexError struct {
	off int
	msg string
}

// escapes decodes backslash escapes in string literals as MySQL (and the
// parser) do; any other escaped character stands for itself.
var escapes = map[byte]byte{'0': 0, '\'': '\'', '"': '"', 'b': '\b', 'n': '\n', 'r': '\r', 't': '\t', 'Z': 26, '\\': '\\'}

// multiOps are the operators of more than one character, longest first.
var multiOps = []string{"->>", "<=>", "->", "<=", ">=", "<>", "!=", "<<", ">>", "&&", "||", ":="}

func isLetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '@'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// lex splits text into tokens, dropping blanks and comments. It follows the
// lexical rules of the parser (MySQL's): comments are "-- …", "# …", "// …"
// and "/* … */"; strings use ' or " with doubled quotes or backslash escapes;
// identifiers may be `back-quoted`.
func lex(text string) ([]token, *lexError) {
	var toks []token
	i := 0
	for i < len(text) {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '#' || strings.HasPrefix(text[i:], "--") || strings.HasPrefix(text[i:], "//"):
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case strings.HasPrefix(text[i:], "/*"):
			if strings.HasPrefix(text[i:], "/*!") {
				return toks, &lexError{i, "MySQL-specific comments /*! … */ are not supported"}
			}
			end := strings.Index(text[i+2:], "*/")
			if end < 0 {
				return toks, &lexError{i, "unterminated comment"}
			}
			i += end + 4
		case isLetter(c):
			j := i + 1
			for j < len(text) && (isLetter(text[j]) || isDigit(text[j])) {
				j++
			}
			toks = append(toks, token{tokIdent, strings.ToLower(text[i:j]), i, j})
			i = j
		case isDigit(c) || c == '.' && i+1 < len(text) && isDigit(text[i+1]):
			j := scanNumber(text, i)
			if j < len(text) && isLetter(text[j]) {
				return toks, &lexError{i, fmt.Sprintf("bad number %q", text[i:j+1])}
			}
			toks = append(toks, token{tokNumber, text[i:j], i, j})
			i = j
		case c == '\'' || c == '"':
			val, j, ok := scanString(text, i)
			if !ok {
				return toks, &lexError{i, "unterminated string literal"}
			}
			toks = append(toks, token{tokString, val, i, j})
			i = j
		case c == '`':
			val, j, ok := scanQuotedIdent(text, i)
			if !ok {
				return toks, &lexError{i, "unterminated quoted identifier"}
			}
			toks = append(toks, token{tokQuoted, strings.ToLower(val), i, j})
			i = j
		default:
			op := ""
			for _, m := range multiOps {
				if strings.HasPrefix(text[i:], m) {
					op = m
					break
				}
			}
			if op == "" {
				if !strings.ContainsRune("=,;()+-*/%^~&|<>!.?:", rune(c)) {
					return toks, &lexError{i, fmt.Sprintf("unexpected character %q", firstRune(text[i:]))}
				}
				op = text[i : i+1]
			}
			toks = append(toks, token{tokOp, op, i, i + len(op)})
			i += len(op)
		}
	}
	return toks, nil
}

// firstRune returns the first character of s.
func firstRune(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}

// scanNumber returns the end of the number starting at i.
func scanNumber(text string, i int) int {
	digits := func(j int, hex bool) int {
		for j < len(text) && (isDigit(text[j]) || hex && strings.IndexByte("abcdefABCDEF", text[j]) >= 0) {
			j++
		}
		return j
	}
	if strings.HasPrefix(text[i:], "0x") || strings.HasPrefix(text[i:], "0X") {
		return digits(i+2, true)
	}
	j := digits(i, false)
	if j < len(text) && text[j] == '.' {
		j = digits(j+1, false)
	}
	if j < len(text) && (text[j] == 'e' || text[j] == 'E') {
		j++
		if j < len(text) && (text[j] == '+' || text[j] == '-') {
			j++
		}
		j = digits(j, false)
	}
	return j
}

// scanString decodes the string literal starting at i (at its quote) and
// returns its value and end.
func scanString(text string, i int) (string, int, bool) {
	q := text[i]
	var b strings.Builder
	for j := i + 1; j < len(text); j++ {
		c := text[j]
		switch {
		case c == '\\':
			if j+1 >= len(text) {
				return "", 0, false
			}
			j++
			if d, ok := escapes[text[j]]; ok {
				b.WriteByte(d)
			} else {
				b.WriteByte(text[j])
			}
		case c == q:
			if j+1 < len(text) && text[j+1] == q {
				b.WriteByte(q)
				j++
				continue
			}
			return b.String(), j + 1, true
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, false
}

// scanQuotedIdent decodes the `identifier` starting at i.
func scanQuotedIdent(text string, i int) (string, int, bool) {
	var b strings.Builder
	for j := i + 1; j < len(text); j++ {
		if text[j] == '`' {
			if j+1 < len(text) && text[j+1] == '`' {
				b.WriteByte('`')
				j++
				continue
			}
			if b.Len() == 0 {
				return "", 0, false
			}
			return b.String(), j + 1, true
		}
		b.WriteByte(text[j])
	}
	return "", 0, false
}

// splitStatements cuts a script into the token ranges of its statements at
// top-level semicolons; empty statements are dropped.
func splitStatements(toks []token) [][]token {
	var out [][]token
	start := 0
	for i, t := range toks {
		if t.isOp(";") {
			if i > start {
				out = append(out, toks[start:i])
			}
			start = i + 1
		}
	}
	if start < len(toks) {
		out = append(out, toks[start:])
	}
	return out
}
