package eval

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/valyala/fastjson"

	"github.com/freshet/freshet/sql"
)

// This file holds JSON_EXTRACT(doc, path), which is also what doc->'path'
// and doc->>'path' mean (there is no JSON type, so both give text). The
// path is MySQL's without wildcards: $, then .key, ."quoted key", [n],
// [last] or [last-n]. The result is the value as ->> gives it: a string
// unquoted, a number as written in the document, true or false, an object
// or array as JSON text in MySQL's layout ({"a": 1, "b": [1, 2]}, keys in
// document order). A missing value, a JSON null and a document that is not
// valid JSON give NULL. A constant path is parsed once; documents are
// parsed with github.com/valyala/fastjson.

// pathStep is one step of a JSON path: an object key, or an array index
// (counted from the end when fromEnd: [last-n] is n from the end).
type pathStep struct {
	key     string
	index   bool
	n       int
	fromEnd bool
}

// parseJSONPath parses a MySQL JSON path.
func parseJSONPath(p string) ([]pathStep, error) {
	s := strings.TrimSpace(p)
	if !strings.HasPrefix(s, "$") {
		return nil, fmt.Errorf("bad JSON path %q: it must start with $", p)
	}
	s = s[1:]
	var steps []pathStep
	for {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			return steps, nil
		}
		switch s[0] {
		case '.':
			s = strings.TrimLeft(s[1:], " ")
			if strings.HasPrefix(s, "\"") {
				key, rest, err := quotedKey(s)
				if err != nil {
					return nil, fmt.Errorf("bad JSON path %q: %v", p, err)
				}
				steps, s = append(steps, pathStep{key: key}), rest
				continue
			}
			end := strings.IndexAny(s, ".[ ")
			if end < 0 {
				end = len(s)
			}
			key := s[:end]
			if key == "" || strings.Contains(key, "*") {
				return nil, fmt.Errorf("bad JSON path %q: want a key after . (wildcards are not supported)", p)
			}
			steps, s = append(steps, pathStep{key: key}), s[end:]
		case '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, fmt.Errorf("bad JSON path %q: missing ]", p)
			}
			step, err := indexStep(strings.TrimSpace(s[1:end]))
			if err != nil {
				return nil, fmt.Errorf("bad JSON path %q: %v", p, err)
			}
			steps, s = append(steps, step), s[end+1:]
		default:
			return nil, fmt.Errorf("bad JSON path %q: unexpected %q (want .key or [n])", p, s[0])
		}
	}
}

// quotedKey reads a double-quoted key at the start of s.
func quotedKey(s string) (key, rest string, err error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:], nil
		default:
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf("unterminated quoted key")
}

// indexStep reads the inside of [n], [last] or [last-n].
func indexStep(s string) (pathStep, error) {
	if rest, ok := strings.CutPrefix(s, "last"); ok {
		rest = strings.TrimSpace(rest)
		if rest == "" {
			return pathStep{index: true, fromEnd: true}, nil
		}
		if rest, ok = strings.CutPrefix(rest, "-"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(rest))
			if err == nil && n >= 0 {
				return pathStep{index: true, n: n, fromEnd: true}, nil
			}
		}
		return pathStep{}, fmt.Errorf("bad index [%s]", s)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return pathStep{}, fmt.Errorf("bad index [%s] (wildcards and ranges are not supported)", s)
	}
	return pathStep{index: true, n: n}, nil
}

// jsonLookup follows steps from v; nil when the value is missing. As in
// MySQL, [0] and [last] of a value that is not an array is the value.
func jsonLookup(v *fastjson.Value, steps []pathStep) *fastjson.Value {
	for _, st := range steps {
		if !st.index {
			if v.Type() != fastjson.TypeObject {
				return nil
			}
			if v = v.GetObject().Get(st.key); v == nil {
				return nil
			}
			continue
		}
		if v.Type() != fastjson.TypeArray {
			if st.n != 0 {
				return nil
			}
			continue
		}
		arr := v.GetArray()
		i := st.n
		if st.fromEnd {
			i = len(arr) - 1 - st.n
		}
		if i < 0 || i >= len(arr) {
			return nil
		}
		v = arr[i]
	}
	return v
}

// appendJSONResult writes what JSON_EXTRACT gives for v, and false for a
// JSON null.
func appendJSONResult(dst []byte, v *fastjson.Value) ([]byte, bool) {
	switch v.Type() {
	case fastjson.TypeNull:
		return dst, false
	case fastjson.TypeString:
		return append(dst, v.GetStringBytes()...), true
	}
	return appendJSON(dst, v), true
}

// appendJSON writes v as JSON text in MySQL's layout.
func appendJSON(dst []byte, v *fastjson.Value) []byte {
	switch v.Type() {
	case fastjson.TypeObject:
		dst = append(dst, '{')
		first := true
		v.GetObject().Visit(func(key []byte, x *fastjson.Value) {
			if !first {
				dst = append(dst, ", "...)
			}
			first = false
			dst = appendJSONString(dst, key)
			dst = append(dst, ": "...)
			dst = appendJSON(dst, x)
		})
		return append(dst, '}')
	case fastjson.TypeArray:
		dst = append(dst, '[')
		for i, x := range v.GetArray() {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendJSON(dst, x)
		}
		return append(dst, ']')
	case fastjson.TypeString:
		return appendJSONString(dst, v.GetStringBytes())
	}
	return v.MarshalTo(dst) // numbers as written, true, false, null
}

// appendJSONString writes s as a JSON string literal.
func appendJSONString(dst, s []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for len(s) > 0 {
		c := s[0]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		case c < utf8.RuneSelf:
			dst = append(dst, c)
		default:
			_, size := utf8.DecodeRune(s)
			dst = append(dst, s[:size]...)
			s = s[size:]
			continue
		}
		s = s[1:]
	}
	return append(dst, '"')
}

// jsonNode is JSON_EXTRACT(doc, path); steps is set for a constant path.
type jsonNode struct {
	doc, path node
	steps     []pathStep
	parsers   *fastjson.ParserPool
}

func compileJSONExtract(c *compiler, e *sql.Call, args []node) (node, error) {
	if err := c.checkArgs(e, 2, 2, sql.String); err != nil {
		return nil, err
	}
	if anyNullConst(args) {
		return newConst(sql.NullOf(sql.String)), nil
	}
	n := &jsonNode{doc: args[0], path: args[1], parsers: &fastjson.ParserPool{}}
	if v, ok := asConst(args[1]); ok {
		steps, err := parseJSONPath(v.Str)
		if err != nil {
			return nil, c.errorf(e.Args[1], "%v", err)
		}
		n.steps = steps
	}
	return n, nil
}

func (n *jsonNode) typ() sql.Type { return sql.String }

func (n *jsonNode) eval(b *batch) (arrow.Array, error) {
	args := []node{n.doc}
	if n.steps == nil {
		args = append(args, n.path)
	}
	p := n.parsers.Get()
	defer n.parsers.Put(p)
	var lastPath []byte
	var steps []pathStep
	var scratch []byte
	f := &funcNode{t: sql.String, args: args, str: func(a *rowArgs, i int, o *strOut) bool {
		st := n.steps
		if st == nil {
			path := a.str(1, i)
			if steps == nil || string(path) != string(lastPath) {
				var err error
				if steps, err = parseJSONPath(string(path)); err != nil {
					steps = nil
					return false
				}
				lastPath = path
			}
			st = steps
		}
		v, err := p.ParseBytes(a.str(0, i))
		if err != nil {
			return false
		}
		if v = jsonLookup(v, st); v == nil {
			return false
		}
		var ok bool
		scratch, ok = appendJSONResult(scratch[:0], v)
		o.add(scratch)
		return ok
	}}
	return f.eval(b)
}
