package repl

import (
	"strings"
	"unicode/utf8"
)

// A statement is one complete statement cut from the input.
type statement struct {
	// Text is the statement without its semicolon, from its first
	// character that is not blank or a comment.
	Text string
	// Line and Col locate Text's start in the input (1-based; Col counts
	// characters).
	Line, Col int
}

// cut is the byte range of one statement's text.
type cut struct{ start, end int }

// split cuts the complete statements (those ended by a semicolon) out of
// text, following the lexical rules of Freshet's SQL (MySQL's): semicolons
// inside 'strings', "strings", `identifiers` and comments (-- …, # …,
// // …, /* … */) do not count, and statements that hold only comments are
// dropped. rest is where the unfinished remainder starts; open is the
// quote character of an unterminated string or identifier, '*' inside an
// unterminated block comment, and 0 otherwise. blank reports that the
// remainder holds nothing but blanks and comments.
func split(text string) (cuts []cut, rest int, open byte, blank bool) {
	start := -1 // first character of the current statement
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
			end := strings.Index(text[i+2:], "*/")
			if end < 0 {
				return cuts, rest, '*', start < 0
			}
			i += end + 4
		case c == '\'' || c == '"' || c == '`':
			if start < 0 {
				start = i
			}
			end, ok := skipQuoted(text, i)
			if !ok {
				return cuts, rest, c, false
			}
			i = end
		case c == ';':
			if start >= 0 {
				cuts = append(cuts, cut{start, trimEnd(text, start, i)})
			}
			start = -1
			i++
			rest = i
		default:
			if start < 0 {
				start = i
			}
			i++
		}
	}
	return cuts, rest, 0, start < 0
}

// skipQuoted returns the end of the quoted string or identifier starting
// at i. Strings know backslash escapes and doubled quotes; identifiers
// only doubled backquotes.
func skipQuoted(text string, i int) (int, bool) {
	q := text[i]
	for j := i + 1; j < len(text); j++ {
		switch text[j] {
		case '\\':
			if q != '`' {
				j++
			}
		case q:
			if j+1 < len(text) && text[j+1] == q {
				j++
				continue
			}
			return j + 1, true
		}
	}
	return 0, false
}

// trimEnd returns end moved back over trailing blanks.
func trimEnd(text string, start, end int) int {
	for end > start && strings.IndexByte(" \t\r\n", text[end-1]) >= 0 {
		end--
	}
	return end
}

// position returns the 1-based line and column of byte offset off in
// text, where text itself starts at line firstLine, column 1.
func position(text string, off, firstLine int) (line, col int) {
	before := text[:off]
	line = firstLine + strings.Count(before, "\n")
	if nl := strings.LastIndexByte(before, '\n'); nl >= 0 {
		before = before[nl+1:]
	}
	return line, utf8.RuneCountInString(before) + 1
}

// statements returns the statements of cuts in text.
func statements(text string, cuts []cut, firstLine int) []statement {
	if len(cuts) == 0 {
		return nil
	}
	out := make([]statement, len(cuts))
	for i, c := range cuts {
		line, col := position(text, c.start, firstLine)
		out[i] = statement{Text: text[c.start:c.end], Line: line, Col: col}
	}
	return out
}

// flatten returns text on one line, for the history file: comments are
// dropped, line breaks become blanks, and a line break inside a string is
// written as the escape \n (which the lexer reads back as a line break).
func flatten(text string) string {
	var b strings.Builder
	i := 0
	space := func() {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), " ") {
			b.WriteByte(' ')
		}
	}
	for i < len(text) {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			space()
			i++
		case c == '#' || strings.HasPrefix(text[i:], "--") || strings.HasPrefix(text[i:], "//"):
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case strings.HasPrefix(text[i:], "/*"):
			end := strings.Index(text[i+2:], "*/")
			if end < 0 {
				i = len(text)
				break
			}
			space()
			i += end + 4
		case c == '\'' || c == '"' || c == '`':
			end, ok := skipQuoted(text, i)
			if !ok {
				end = len(text)
			}
			q := text[i:end]
			if c == '`' {
				q = strings.NewReplacer("\r", " ", "\n", " ").Replace(q)
			} else {
				q = strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(q)
			}
			b.WriteString(q)
			i = end
		default:
			b.WriteByte(c)
			i++
		}
	}
	return strings.TrimSpace(b.String())
}
