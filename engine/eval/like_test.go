package eval

import (
	"regexp"
	"strings"
	"testing"
)

func TestLike(t *testing.T) { runCases(t, likeCases()) }

// likeCases are the cases of TestLike.
func likeCases() []exprCase {
	T, F := true, false
	return []exprCase{
		{"s LIKE 'He%'", []any{T, F, nil, F, F}},
		{"s LIKE '%lo'", []any{T, F, nil, F, F}},
		{"s LIKE '%rl%'", []any{F, T, nil, F, F}},
		{"s LIKE 'Hello'", []any{T, F, nil, F, F}},
		{"s LIKE 'hello'", []any{F, F, nil, F, F}},
		{"s LIKE '%'", []any{T, T, nil, T, T}},
		{"s LIKE '%%'", []any{T, T, nil, T, T}},
		{"s LIKE ''", []any{F, F, nil, T, F}},
		{"s LIKE 'w_rld'", []any{F, T, nil, F, F}},
		{"s LIKE '_'", []any{F, F, nil, F, F}},
		{"s LIKE '_____'", []any{T, T, nil, F, F}},
		{"s LIKE '%a\\\\_b\\\\%c%'", []any{F, F, nil, F, T}},
		{"s LIKE '%a\\\\%'", []any{F, F, nil, F, F}},
		{"s LIKE 'H%l_o'", []any{T, F, nil, F, F}},
		{"s LIKE '%l%o'", []any{T, F, nil, F, F}},
		{"s LIKE '%_%_%'", []any{T, T, nil, F, T}},
		{"s NOT LIKE 'He%'", []any{F, T, nil, T, T}},
		{"s LIKE s2", []any{F, T, nil, T, F}},
		{"s NOT LIKE s2", []any{T, F, nil, F, T}},
		{"TRIM(s) LIKE s2", []any{F, T, nil, T, T}},
		{"s LIKE NULL", []any{nil, nil, nil, nil, nil}},
		{"s REGEXP '^[A-Z]'", []any{T, F, nil, F, F}},
		{"s REGEXP 'l+'", []any{T, T, nil, F, F}},
		{"s REGEXP 'rl'", []any{F, T, nil, F, F}},
		{"s NOT REGEXP 'o'", []any{F, T, nil, T, T}},
		{"s RLIKE 'ö'", []any{F, T, nil, F, F}},
		{"REGEXP_LIKE(s, 'ö')", []any{F, T, nil, F, F}},
		{"REGEXP_LIKE(s, s2)", []any{T, F, nil, T, T}},
		{"REGEXP_LIKE(s, CONCAT(s2, '('))", []any{nil, nil, nil, nil, nil}}, // bad regular expressions
		{"s REGEXP s2", []any{T, F, nil, T, T}},
		{"'abc' LIKE 'a%'", []any{T, T, T, T, T}},
	}
}

// likeToRegexp translates a LIKE pattern into an anchored regular
// expression, the reference the fuzz test compares likeMatch with.
func likeToRegexp(p string) string {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\' && i+1 < len(p):
			i++
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		case c == '%':
			b.WriteString(`.*`)
		case c == '_':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
	}
	b.WriteString(`$`)
	return b.String()
}

func TestLikeShapes(t *testing.T) {
	for _, c := range []struct {
		pattern string
		kind    matchKind
	}{
		{"abc", matchExact}, {"abc%", matchPrefix}, {"%abc", matchSuffix}, {"%abc%", matchContains},
		{"%", matchAny}, {"%%", matchAny}, {"a%c", matchGeneral}, {"a_c", matchGeneral},
		{`\%abc`, matchExact}, {`abc\%`, matchExact}, {`50\%%`, matchPrefix}, {"", matchExact},
	} {
		m, err := compileMatcher(c.pattern, false)
		if err != nil {
			t.Fatal(err)
		}
		if m.kind != c.kind {
			t.Errorf("LIKE %q: kind %d, want %d", c.pattern, m.kind, c.kind)
		}
	}
}

func FuzzLike(f *testing.F) {
	for _, seed := range [][2]string{
		{"hello", "h%o"}, {"hello", "%l_o"}, {"wörld", "w_rld"}, {"a%b", `a\%b`}, {"aaa", "%a%a%a%"},
		{"abcabc", "%abc"}, {"x", "_%_"}, {`a\`, `a\`}, {"", "%"}, {"mississippi", "m%ss%pi"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, s, p string) {
		if !utf8Valid(s) || !utf8Valid(p) {
			return
		}
		m, err := compileMatcher(p, false)
		if err != nil {
			t.Fatal(err)
		}
		// A trailing lone backslash is a literal backslash.
		ref := p
		if strings.HasSuffix(ref, `\`) && (len(ref)-len(strings.TrimRight(ref, `\`)))%2 == 1 {
			ref += `\`
		}
		want := regexp.MustCompile(likeToRegexp(ref)).MatchString(s)
		if got := m.match([]byte(s)); got != want {
			t.Fatalf("%q LIKE %q: got %v, want %v", s, p, got, want)
		}
		if got := likeMatch([]byte(s), m.toks); got != want {
			t.Fatalf("%q LIKE %q (general matcher): got %v, want %v", s, p, got, want)
		}
	})
}
