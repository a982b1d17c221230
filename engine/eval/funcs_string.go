package eval

import (
	"bytes"
	"encoding/binary"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/freshet/freshet/sql"
)

// This file holds the string functions. Lengths and positions count
// characters (UTF-8 sequences), with a fast path for ASCII text.

// isASCII reports whether b holds only ASCII bytes.
func isASCII(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// caseMapNode is LOWER(x) or UPPER(x). ASCII batches are mapped in one pass
// over the whole data buffer.
type caseMapNode struct {
	x     node
	upper bool
}

func compileCaseMap(c *compiler, e *sql.Call, args []node) (node, error) {
	if err := c.checkArgs(e, 1, 1, sql.String); err != nil {
		return nil, err
	}
	if anyNullConst(args) {
		return newConst(sql.NullOf(sql.String)), nil
	}
	return &caseMapNode{x: args[0], upper: e.Name == "upper"}, nil
}

func (n *caseMapNode) typ() sql.Type { return sql.String }

func (n *caseMapNode) eval(b *batch) (arrow.Array, error) {
	x, err := n.x.eval(b)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	offs, data := strData(x)
	src := data[offs[0]:offs[b.n]]
	o := newStrOut(b.mem, b.n, len(src))
	if isASCII(src) {
		o.grow(len(src))
		dst := o.data[:len(src)]
		lo := byte('A')
		if n.upper {
			lo = 'a'
		}
		dst = dst[:len(src)]
		for i, c := range src {
			dst[i] = c ^ b2u(c-lo < 26)<<5 // flip the case of letters only
		}
		o.size = len(src)
		base := offs[0]
		for i := 1; i <= b.n; i++ {
			o.offs[i] = offs[i] - base
		}
	} else {
		mapRune := unicode.ToLower
		if n.upper {
			mapRune = unicode.ToUpper
		}
		for i := 0; i < b.n; i++ {
			s := data[offs[i]:offs[i+1]]
			for len(s) > 0 {
				r, size := utf8.DecodeRune(s)
				if r == utf8.RuneError && size == 1 {
					o.addByte(s[0]) // keep invalid bytes as they are
				} else {
					o.grow(utf8.UTFMax)
					o.size += utf8.EncodeRune(o.data[o.size:], mapRune(r))
				}
				s = s[size:]
			}
			o.end(i)
		}
	}
	validity, nulls := sharedValidity(b.mem, b.n, x)
	return o.finish(b.n, validity, nulls)
}

// compileLength compiles LENGTH(s), the number of characters (the sql
// registry's LENGTH is CHAR_LENGTH).
func compileLength(c *compiler, e *sql.Call, args []node) (node, error) {
	if err := c.checkArgs(e, 1, 1, sql.String); err != nil {
		return nil, err
	}
	if anyNullConst(args) {
		return newConst(sql.NullOf(sql.Int64)), nil
	}
	return &funcNode{t: sql.Int64, args: args, i64: func(a *rowArgs, i int) (int64, bool) {
		s := a.str(0, i)
		if isASCII(s) {
			return int64(len(s)), true
		}
		return int64(utf8.RuneCount(s)), true
	}}, nil
}

// compileTrim compiles TRIM, LTRIM and RTRIM, which remove spaces (only
// ' ', as MySQL's).
func compileTrim(c *compiler, e *sql.Call, args []node) (node, error) {
	if err := c.checkArgs(e, 1, 1, sql.String); err != nil {
		return nil, err
	}
	if anyNullConst(args) {
		return newConst(sql.NullOf(sql.String)), nil
	}
	left, right := e.Name != "rtrim", e.Name != "ltrim"
	return &funcNode{t: sql.String, args: args, str: func(a *rowArgs, i int, o *strOut) bool {
		s := a.str(0, i)
		if left {
			s = bytes.TrimLeft(s, " ")
		}
		if right {
			s = bytes.TrimRight(s, " ")
		}
		o.add(s)
		return true
	}}, nil
}

// compileConcat compiles CONCAT(x, …): the arguments as text, joined; NULL
// when any argument is NULL, as in MySQL.
func compileConcat(c *compiler, e *sql.Call, args []node) (node, error) {
	if len(args) == 0 {
		return nil, c.errorf(e, "CONCAT needs an argument")
	}
	if anyNullConst(args) {
		return newConst(sql.NullOf(sql.String)), nil
	}
	for i, a := range e.Args {
		if !canCast(a.Type(), sql.String) {
			return nil, c.errorf(a, "CONCAT cannot convert %s to text", a.Type())
		}
		args[i] = newCastNode(args[i], a.Type(), sql.String)
	}
	if len(args) == 1 {
		return args[0], nil
	}
	return &funcNode{t: sql.String, args: args, str: func(a *rowArgs, i int, o *strOut) bool {
		for j := range a.offs {
			o.add(a.str(j, i))
		}
		return true
	}}, nil
}

// compileSubstring compiles SUBSTRING(s, pos [, len]) with MySQL's rules:
// pos counts characters from 1, or from the end when negative; pos 0, a
// position past either end, and a length below 1 give ”.
func compileSubstring(c *compiler, e *sql.Call, args []node) (node, error) {
	if err := c.checkArgs(e, 2, 3, sql.String, sql.Int64); err != nil {
		return nil, err
	}
	if anyNullConst(args) {
		return newConst(sql.NullOf(sql.String)), nil
	}
	withLen := len(args) == 3
	return &funcNode{t: sql.String, args: args, str: func(a *rowArgs, i int, o *strOut) bool {
		length := int64(-1)
		if withLen {
			if length = a.int(2, i); length < 1 {
				return true
			}
		}
		o.add(substring(a.str(0, i), a.int(1, i), length))
		return true
	}}, nil
}

// substring returns the part of s from character pos (1-based, negative
// from the end) of at most length characters (-1: to the end).
func substring(s []byte, pos, length int64) []byte {
	ascii := isASCII(s)
	var chars int64
	if ascii {
		chars = int64(len(s))
	} else {
		chars = int64(utf8.RuneCount(s))
	}
	var start int64
	switch {
	case pos > 0 && pos <= chars:
		start = pos - 1
	case pos < 0 && -pos <= chars:
		start = chars + pos
	default:
		return nil
	}
	end := chars
	if length >= 0 && length < chars-start {
		end = start + length
	}
	if ascii {
		return s[start:end]
	}
	return s[runeOffset(s, start):runeOffset(s, end)]
}

// runeOffset returns the byte offset of character k of s.
func runeOffset(s []byte, k int64) int {
	off := 0
	for ; k > 0 && off < len(s); k-- {
		_, size := utf8.DecodeRune(s[off:])
		off += size
	}
	return off
}

// compileReplace compiles REPLACE(s, from, to): every occurrence of from
// replaced by to; an empty from leaves s as it is.
func compileReplace(c *compiler, e *sql.Call, args []node) (node, error) {
	if err := c.checkArgs(e, 3, 3, sql.String); err != nil {
		return nil, err
	}
	if anyNullConst(args) {
		return newConst(sql.NullOf(sql.String)), nil
	}
	return &funcNode{t: sql.String, args: args, str: func(a *rowArgs, i int, o *strOut) bool {
		s, from, to := a.str(0, i), a.str(1, i), a.str(2, i)
		if len(from) == 0 {
			o.add(s)
			return true
		}
		for {
			k := bytes.Index(s, from)
			if k < 0 {
				break
			}
			o.add(s[:k])
			o.add(to)
			s = s[k+len(from):]
		}
		o.add(s)
		return true
	}}, nil
}

// compileRegexpLike compiles REGEXP_LIKE(s, pattern), which is s REGEXP
// pattern.
func compileRegexpLike(c *compiler, e *sql.Call, args []node) (node, error) {
	if err := c.checkArgs(e, 2, 2, sql.String); err != nil {
		return nil, err
	}
	n, err := newLikeNode(args[0], args[1], true, false)
	if err != nil {
		return nil, c.errorf(e.Args[1], "%v", err)
	}
	return n, nil
}
