package sql

import (
	"sort"
	"strings"
)

// The front end hands the parser a lightly rewritten copy of a statement:
// our extensions are blanked out (EMIT CHANGES) and the few standard forms
// the parser cannot read are spelled as plain function calls:
//
//	CAST(x AS DOUBLE)          → __freshet_cast(x, 'DOUBLE')
//	EXTRACT(HOUR FROM ts)      → extract('HOUR', ts)
//	SUBSTRING(s FROM 2 FOR 3)  → __freshet_substr(s, 2, 3)
//
// Each rewrite is a list of edits of the original text; rewritten.orig maps
// an offset of the rewritten text back to the original, so that parser
// errors and the positions our locator finds point at what the user wrote.

// Internal function names produced by the rewrites.
const (
	castFunc   = "__freshet_cast"
	substrFunc = "__freshet_substr"
)

// edit replaces text[off:end] with repl.
type edit struct {
	off, end int
	repl     string
}

// rewritten is a text after edits, with the edits kept for mapping offsets.
type rewritten struct {
	text  string
	edits []edit // sorted, non-overlapping; offsets in the original
}

// applyEdits returns text with the edits applied.
func applyEdits(text string, edits []edit) *rewritten {
	sort.Slice(edits, func(i, j int) bool { return edits[i].off < edits[j].off })
	var b strings.Builder
	last := 0
	var kept []edit
	for _, e := range edits {
		if e.off < last || e.end < e.off || e.end > len(text) {
			continue // overlapping or bad edit: skip rather than corrupt
		}
		b.WriteString(text[last:e.off])
		b.WriteString(e.repl)
		last = e.end
		kept = append(kept, e)
	}
	b.WriteString(text[last:])
	return &rewritten{text: b.String(), edits: kept}
}

// orig maps an offset of the rewritten text to the original text. Offsets
// inside a replacement map to the start of the text it replaced.
func (r *rewritten) orig(n int) int {
	delta := 0 // original offset minus rewritten offset, so far
	for _, e := range r.edits {
		newOff := e.off - delta
		if n < newOff {
			break
		}
		if n < newOff+len(e.repl) {
			return e.off
		}
		delta += (e.end - e.off) - len(e.repl)
	}
	return n + delta
}

// blank replaces a token range with spaces, keeping every offset.
func blank(toks []token, from, to int) edit {
	off, end := toks[from].off, toks[to].end
	return edit{off, end, strings.Repeat(" ", end-off)}
}

// matchParen returns the index of the token closing the parenthesis opened
// at toks[open], or -1.
func matchParen(toks []token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch {
		case toks[i].isOp("("):
			depth++
		case toks[i].isOp(")"):
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// functionRewrites returns the edits for CAST, EXTRACT and SUBSTRING calls
// in toks (offsets relative to text, as the tokens are).
func functionRewrites(text string, toks []token) []edit {
	var edits []edit
	for i := 0; i+1 < len(toks); i++ {
		t := toks[i]
		if t.kind != tokIdent || !toks[i+1].isOp("(") {
			continue
		}
		closing := matchParen(toks, i+1)
		if closing < 0 {
			continue
		}
		// top lists the tokens directly inside the call's parentheses.
		var top []int
		depth := 0
		for j := i + 2; j < closing; j++ {
			if depth == 0 {
				top = append(top, j)
			}
			if toks[j].isOp("(") {
				depth++
			} else if toks[j].isOp(")") {
				depth--
			}
		}
		switch t.val {
		case "cast":
			as := -1
			for _, j := range top {
				if toks[j].is("as") {
					as = j
				}
			}
			if as < 0 || as+1 >= closing {
				continue
			}
			typeText := text[toks[as+1].off:toks[closing-1].end]
			edits = append(edits,
				edit{t.off, t.end, castFunc},
				edit{toks[as].off, toks[as].end, ","},
				edit{toks[as+1].off, toks[closing-1].end, quoteString(typeText)})
		case "extract":
			if len(top) >= 3 && toks[top[0]].isName() && toks[top[1]].is("from") && top[1] == top[0]+1 {
				u := toks[top[0]]
				edits = append(edits,
					edit{u.off, u.end, quoteString(strings.ToUpper(u.val))},
					edit{toks[top[1]].off, toks[top[1]].end, ","})
			}
		case "substring", "substr":
			edits = append(edits, edit{t.off, t.end, substrFunc})
			for _, j := range top {
				if toks[j].is("from") || toks[j].is("for") {
					edits = append(edits, edit{toks[j].off, toks[j].end, ","})
				}
			}
		}
	}
	return edits
}
