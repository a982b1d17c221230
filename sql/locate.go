package sql

// The parser's syntax tree has no positions. The locator finds them again:
// the translator walks each parser node in source order and, for every
// leaf (column, literal, function name) and operator, searches the
// statement's tokens forward from a cursor for the matching token. Cursors
// are confined to the clause being translated (one select item, the WHERE
// clause, one GROUP BY key…), so a name used twice in a statement gets the
// position of the occurrence being translated. When a search fails the
// position falls back to the cursor, never to nothing.

// locator turns token indexes of a (rewritten) statement into positions in
// the script.
type locator struct {
	src  *source
	base int        // offset of the statement in the script
	rw   *rewritten // the text the tokens come from
	text string     // the statement as written
	toks []token
}

// pos returns the script position of a rewritten-text offset.
func (l *locator) pos(off int) Pos { return l.src.pos(l.base + l.rw.orig(off)) }

// tokPos returns the position of token i, or of the end of the statement.
func (l *locator) tokPos(i int) Pos {
	if i < 0 {
		i = 0
	}
	if i < len(l.toks) {
		return l.pos(l.toks[i].off)
	}
	return l.pos(len(l.rw.text))
}

// cursor searches tokens [i, end) forward.
type cursor struct {
	l      *locator
	i, end int
}

// span returns a cursor over tokens [from, to).
func (l *locator) span(from, to int) *cursor {
	if from < 0 {
		from = 0
	}
	if to > len(l.toks) {
		to = len(l.toks)
	}
	if to < from {
		to = from
	}
	return &cursor{l: l, i: from, end: to}
}

// find moves the cursor past the first token satisfying pred and returns
// its position; when there is none it returns the cursor's position and
// does not move.
func (c *cursor) find(pred func(token) bool) Pos {
	for j := c.i; j < c.end; j++ {
		if pred(c.l.toks[j]) {
			c.i = j + 1
			return c.l.tokPos(j)
		}
	}
	return c.here()
}

// here is the position of the cursor's next token.
func (c *cursor) here() Pos {
	if c.i < c.end {
		return c.l.tokPos(c.i)
	}
	if c.end > 0 && c.end <= len(c.l.toks) {
		return c.l.tokPos(c.end - 1)
	}
	return c.l.tokPos(0)
}

// word finds one of the bare words ws.
func (c *cursor) word(ws ...string) Pos {
	return c.find(func(t token) bool {
		for _, w := range ws {
			if t.is(w) {
				return true
			}
		}
		return false
	})
}

// op finds one of the operators ops.
func (c *cursor) op(ops ...string) Pos {
	return c.find(func(t token) bool {
		for _, o := range ops {
			if t.isOp(o) {
				return true
			}
		}
		return false
	})
}

// name finds an identifier (bare or quoted) equal to name, ignoring case.
func (c *cursor) name(name string) Pos {
	n := lower(name)
	return c.find(func(t token) bool { return t.isName() && t.val == n })
}

// call finds the name of a function call: the word followed by "(".
func (c *cursor) call(name string) Pos {
	n := lower(name)
	for j := c.i; j+1 < c.end; j++ {
		t := c.l.toks[j]
		if t.isName() && t.val == n && c.l.toks[j+1].isOp("(") {
			c.i = j + 2
			return c.l.tokPos(j)
		}
	}
	return c.here()
}

// number finds the number token text (without a sign). When a minus sign
// directly precedes it, the position is the sign's.
func (c *cursor) number(text string) Pos {
	for j := c.i; j < c.end; j++ {
		t := c.l.toks[j]
		if t.kind == tokNumber && t.val == text {
			c.i = j + 1
			if j > 0 && c.l.toks[j-1].isOp("-") {
				return c.l.tokPos(j - 1)
			}
			return c.l.tokPos(j)
		}
	}
	return c.here()
}

// str finds the string literal whose decoded value is s.
func (c *cursor) str(s string) Pos {
	return c.find(func(t token) bool { return t.kind == tokString && t.val == s })
}

// clauses holds the token ranges of a SELECT's clauses.
type clauses struct {
	sel, from, where, group, having, order, limit [2]int // [start, end) token indexes; start -1 if absent
	items, groupItems, orderItems                 [][2]int
}

// findClauses locates the clauses of the SELECT whose keyword is token
// start, by the top-level keywords after it.
func findClauses(toks []token, start int) clauses {
	var c clauses
	none := [2]int{-1, -1}
	c.sel, c.from, c.where, c.group, c.having, c.order, c.limit = none, none, none, none, none, none, none
	type mark struct {
		at  int
		dst *[2]int
	}
	var marks []mark
	depth := 0
	end := len(toks)
	for i := start; i < len(toks); i++ {
		t := toks[i]
		if t.isOp("(") {
			depth++
			continue
		}
		if t.isOp(")") {
			depth--
			if depth < 0 { // the SELECT was parenthesised: it ends here
				end = i
				break
			}
			continue
		}
		if depth != 0 || t.kind != tokIdent {
			continue
		}
		switch t.val {
		case "select":
			if i == start {
				marks = append(marks, mark{i, &c.sel})
			}
		case "from":
			marks = append(marks, mark{i, &c.from})
		case "where":
			marks = append(marks, mark{i, &c.where})
		case "group":
			marks = append(marks, mark{i, &c.group})
		case "having":
			marks = append(marks, mark{i, &c.having})
		case "order":
			marks = append(marks, mark{i, &c.order})
		case "limit":
			marks = append(marks, mark{i, &c.limit})
		}
	}
	for k, m := range marks {
		to := end
		if k+1 < len(marks) {
			to = marks[k+1].at
		}
		*m.dst = [2]int{m.at, to}
	}
	skip := func(r [2]int, words ...string) int { // first token after the clause keywords
		i := r[0] + 1
		for _, w := range words {
			if i < r[1] && toks[i].is(w) {
				i++
			}
		}
		return i
	}
	if c.sel[0] >= 0 {
		c.items = splitTop(toks, skip(c.sel, "distinct"), c.sel[1])
	}
	if c.group[0] >= 0 {
		c.groupItems = splitTop(toks, skip(c.group, "by"), c.group[1])
	}
	if c.order[0] >= 0 {
		c.orderItems = splitTop(toks, skip(c.order, "by"), c.order[1])
	}
	return c
}

// splitTop splits tokens [from, to) at top-level commas.
func splitTop(toks []token, from, to int) [][2]int {
	var out [][2]int
	depth, start := 0, from
	for i := from; i < to; i++ {
		switch {
		case toks[i].isOp("("):
			depth++
		case toks[i].isOp(")"):
			depth--
		case toks[i].isOp(",") && depth == 0:
			out = append(out, [2]int{start, i})
			start = i + 1
		}
	}
	return append(out, [2]int{start, to})
}
