package eval

import (
	"bytes"
	"regexp"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/freshet/freshet/sql"
)

// This file holds LIKE and REGEXP (and REGEXP_LIKE). LIKE compares bytes,
// case-sensitively like every string comparison here: % matches any run of
// characters, _ exactly one character (a UTF-8 sequence), and a backslash
// makes the next character literal (a trailing backslash is itself). A
// constant pattern is compiled once, with fast paths for 'abc', 'abc%',
// '%abc', '%abc%' and '%'. REGEXP takes a Go regular expression and
// matches it anywhere in the string. A pattern that is a column is
// compiled per distinct value; a bad regular expression there is NULL.

func (c *compiler) like(e *sql.Like) (node, error) {
	x, err := c.compile(e.X)
	if err != nil {
		return nil, err
	}
	pat, err := c.compile(e.Pattern)
	if err != nil {
		return nil, err
	}
	if e.X.Type() != sql.String && e.X.Type() != sql.Null || e.Pattern.Type() != sql.String && e.Pattern.Type() != sql.Null {
		return nil, c.errorf(e, "needs VARCHAR operands, got %s and %s", e.X.Type(), e.Pattern.Type())
	}
	n, err := newLikeNode(x, pat, e.Regexp, e.Not)
	if err != nil {
		return nil, c.errorf(e.Pattern, "%v", err)
	}
	return n, nil
}

// newLikeNode builds x LIKE pat or x REGEXP pat, negated with not.
func newLikeNode(x, pat node, isRegexp, not bool) (node, error) {
	if isNullConst(x) || isNullConst(pat) {
		return newConst(sql.NullOf(sql.Boolean)), nil
	}
	n := &likeNode{x: x, pat: pat, isRegexp: isRegexp, not: not}
	if v, ok := asConst(pat); ok {
		m, err := compileMatcher(v.Str, isRegexp)
		if err != nil {
			return nil, err
		}
		n.m = m
	}
	return n, nil
}

// likeNode is x [NOT] LIKE pat or x [NOT] REGEXP pat; m is set when the
// pattern is a constant.
type likeNode struct {
	x, pat   node
	isRegexp bool
	not      bool
	m        *matcher
}

func (n *likeNode) typ() sql.Type { return sql.Boolean }

func (n *likeNode) eval(b *batch) (arrow.Array, error) {
	x, err := n.x.eval(b)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	buf, out := newBits(b.mem, b.n, false)
	offs, data := strData(x)
	if n.m != nil {
		n.m.matchAll(offs, data, out)
		if n.not {
			for i := range out {
				out[i] = ^out[i]
			}
		}
		validity, nulls := sharedValidity(b.mem, b.n, x)
		return makeArray(arrow.FixedWidthTypes.Boolean, b.n, nulls, validity, buf), nil
	}
	pat, err := n.pat.eval(b)
	if err != nil {
		buf.Release()
		return nil, err
	}
	defer pat.Release()
	poffs, pdata := strData(pat)
	vbuf, valid := ownValidity(b.mem, b.n, x, pat)
	var m *matcher
	var last []byte
	for i := 0; i < b.n; i++ {
		if valid[i>>3]>>(i&7)&1 == 0 {
			continue
		}
		p := pdata[poffs[i]:poffs[i+1]]
		if m == nil || !bytes.Equal(p, last) {
			last = p
			if m, err = compileMatcher(string(p), n.isRegexp); err != nil {
				m = nil
				valid[i>>3] &^= 1 << (i & 7) // a bad regular expression is NULL
				continue
			}
		}
		if m.match(data[offs[i]:offs[i+1]]) != n.not {
			out[i>>3] |= 1 << (i & 7)
		}
	}
	validity, nulls := finishValidity(vbuf, valid, b.n)
	return makeArray(arrow.FixedWidthTypes.Boolean, b.n, nulls, validity, buf), nil
}

// matchKind is how a compiled pattern matches.
type matchKind int

const (
	matchExact    matchKind = iota // 'abc'
	matchPrefix                    // 'abc%'
	matchSuffix                    // '%abc'
	matchContains                  // '%abc%'; also a regular expression that is a literal
	matchAny                       // '%'
	matchGeneral                   // anything else: the wildcard matcher
	matchRegexp                    // a regular expression
)

// matcher is a compiled LIKE pattern or regular expression.
type matcher struct {
	kind matchKind
	lit  []byte
	toks []likeTok
	re   *regexp.Regexp
}

// likeTok is one element of a LIKE pattern: a literal byte, _ or %.
type likeTok struct {
	kind byte // 'c' literal, '_' one character, '%' any run
	c    byte
}

// compileMatcher compiles a LIKE pattern or, with isRegexp, a regular
// expression.
func compileMatcher(p string, isRegexp bool) (*matcher, error) {
	if isRegexp {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, err
		}
		if lit, complete := re.LiteralPrefix(); complete {
			return &matcher{kind: matchContains, lit: []byte(lit)}, nil
		}
		return &matcher{kind: matchRegexp, re: re}, nil
	}
	var toks []likeTok
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\' && i+1 < len(p):
			i++
			toks = append(toks, likeTok{kind: 'c', c: p[i]})
		case c == '%':
			if len(toks) == 0 || toks[len(toks)-1].kind != '%' {
				toks = append(toks, likeTok{kind: '%'})
			}
		case c == '_':
			toks = append(toks, likeTok{kind: '_'})
		default:
			toks = append(toks, likeTok{kind: 'c', c: c})
		}
	}
	m := &matcher{kind: matchGeneral, toks: toks}
	// Recognise the shapes with a fast path: literals with a % at either end.
	inner := toks
	lead := len(inner) > 0 && inner[0].kind == '%'
	if lead {
		inner = inner[1:]
	}
	trail := len(inner) > 0 && inner[len(inner)-1].kind == '%'
	if trail {
		inner = inner[:len(inner)-1]
	}
	lit := make([]byte, 0, len(inner))
	for _, t := range inner {
		if t.kind != 'c' {
			return m, nil
		}
		lit = append(lit, t.c)
	}
	m.lit = lit
	switch {
	case (lead || trail) && len(lit) == 0:
		m.kind = matchAny
	case lead && trail:
		m.kind = matchContains
	case lead:
		m.kind = matchSuffix
	case trail:
		m.kind = matchPrefix
	default:
		m.kind = matchExact
	}
	return m, nil
}

// match reports whether s matches.
func (m *matcher) match(s []byte) bool {
	switch m.kind {
	case matchExact:
		return bytes.Equal(s, m.lit)
	case matchPrefix:
		return bytes.HasPrefix(s, m.lit)
	case matchSuffix:
		return bytes.HasSuffix(s, m.lit)
	case matchContains:
		return bytes.Contains(s, m.lit)
	case matchAny:
		return true
	case matchRegexp:
		return m.re.Match(s)
	}
	return likeMatch(s, m.toks)
}

// matchAll sets bit i of out when string i matches, with the pattern's
// kind decided once for the whole batch.
func (m *matcher) matchAll(offs []int32, data []byte, out []byte) {
	n := len(offs) - 1
	switch m.kind {
	case matchPrefix:
		lit := m.lit
		for i := 0; i < n; i++ {
			s := data[offs[i]:offs[i+1]]
			if len(s) >= len(lit) && bytes.Equal(s[:len(lit)], lit) {
				out[i>>3] |= 1 << (i & 7)
			}
		}
	case matchExact:
		lit := m.lit
		for i := 0; i < n; i++ {
			s := data[offs[i]:offs[i+1]]
			if len(s) == len(lit) && bytes.Equal(s, lit) {
				out[i>>3] |= 1 << (i & 7)
			}
		}
	case matchAny:
		for i := range out {
			out[i] = 0xff
		}
	default:
		for i := 0; i < n; i++ {
			if m.match(data[offs[i]:offs[i+1]]) {
				out[i>>3] |= 1 << (i & 7)
			}
		}
	}
}

// likeMatch matches s against a general LIKE pattern: a greedy scan that
// backtracks to the last % seen, linear for most patterns.
func likeMatch(s []byte, p []likeTok) bool {
	si, pi := 0, 0
	star, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch t := p[pi]; t.kind {
			case '%':
				star, starS = pi, si
				pi++
				continue
			case '_':
				_, size := utf8.DecodeRune(s[si:])
				si += size
				pi++
				continue
			default:
				if s[si] == t.c {
					si++
					pi++
					continue
				}
			}
		}
		if star < 0 {
			return false
		}
		// Let the last % swallow one more character and retry.
		_, size := utf8.DecodeRune(s[starS:])
		starS += size
		si, pi = starS, star+1
	}
	for pi < len(p) && p[pi].kind == '%' {
		pi++
	}
	return pi == len(p)
}
