package decode

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// convert turns the field's token into a value of its declared kind,
// returning "" or the reason it cannot. Absent and null fields are null.
//
// The rules, for JSON and CSV alike (a CSV field is a string token):
//   - BOOLEAN: true or false, as JSON literals or strings (any case).
//   - BIGINT: integral numbers or numeric strings; 3.0 and 1e3 are fine,
//     3.5 is not.
//   - DOUBLE: numbers or numeric strings.
//   - VARCHAR: strings; numbers and booleans as written; objects and
//     arrays as their JSON text. Invalid UTF-8 becomes U+FFFD.
//   - TIMESTAMP: text as parseTimeText reads it, or epoch numbers (numbers
//     or numeric strings) as epochMillis reads them.
func (f *field) convert() string {
	if f.tok == tokAbsent || f.tok == tokNull {
		return ""
	}
	switch f.kind {
	case kindBool:
		if f.tok != tokBool && f.tok != tokString {
			return f.notA(kindBool)
		}
		switch {
		case equalFoldASCII(f.text, "true"):
			f.b = true
		case equalFoldASCII(f.text, "false"):
			f.b = false
		default:
			return f.notA(kindBool)
		}
	case kindInt64:
		if !f.numeric() {
			return f.notA(kindInt64)
		}
		if n, ok := parseInt(f.text); ok {
			f.i = n
			return ""
		}
		v, err := strconv.ParseFloat(string(f.text), 64)
		if err != nil && !isRange(err) {
			return f.notA(kindInt64)
		}
		if v != math.Trunc(v) {
			return f.notA(kindInt64)
		}
		// float64(math.MaxInt64) rounds up to 2^63, which does not fit.
		if err != nil || v < math.MinInt64 || v >= math.MaxInt64 {
			return f.outOfRange(kindInt64)
		}
		f.i = int64(v)
	case kindFloat64:
		if !f.numeric() {
			return f.notA(kindFloat64)
		}
		v, err := strconv.ParseFloat(string(f.text), 64)
		if err != nil {
			if isRange(err) {
				return f.outOfRange(kindFloat64)
			}
			return f.notA(kindFloat64)
		}
		f.f = v
	case kindString:
		switch f.tok {
		case tokNumber:
			if !validNumber(f.text) {
				return f.notA(kindString)
			}
		case tokRaw:
			if !json.Valid(f.text) {
				return fmt.Sprintf("field %q: invalid JSON %s", f.name, f.shown())
			}
		}
		if !utf8.Valid(f.text) {
			f.fix = appendValidUTF8(f.fix[:0], f.text)
			f.text = f.fix
		}
	case kindTimestamp:
		ms, ok := f.timestamp()
		if !ok {
			return f.notA(kindTimestamp)
		}
		f.i = ms
	}
	return ""
}

// numeric reports whether the token may hold a number: a valid JSON number
// or a string (whose text the caller parses).
func (f *field) numeric() bool {
	switch f.tok {
	case tokNumber:
		return validNumber(f.text)
	case tokString:
		return true
	}
	return false
}

// timestamp reads the field as a TIMESTAMP in Unix milliseconds.
func (f *field) timestamp() (int64, bool) {
	switch f.tok {
	case tokString:
		if ms, ok := parseTimeText(f.text); ok {
			return ms, true
		}
		return epochMillis(f.text)
	case tokNumber:
		if !validNumber(f.text) {
			return 0, false
		}
		return epochMillis(f.text)
	}
	return 0, false
}

// notA is the reason for a value that does not fit kind k.
func (f *field) notA(k kind) string {
	return fmt.Sprintf("field %q: %s is not a %s", f.name, f.shown(), k.sqlName())
}

func (f *field) outOfRange(k kind) string {
	return fmt.Sprintf("field %q: %s is out of range for %s", f.name, f.shown(), k.sqlName())
}

// shown is the field's value as error reasons quote it: strings in Go
// quotes, other tokens as written; long values are cut.
func (f *field) shown() string {
	const limit = 64
	text, cut := f.text, ""
	if len(text) > limit {
		text, cut = text[:limit], "…"
	}
	if f.tok == tokString {
		return strconv.Quote(string(text)) + cut
	}
	return string(text) + cut
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// validNumber checks b against JSON's number grammar.
func validNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i == len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i == len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	return i == len(b)
}

// equalFoldASCII compares b with the lower-case ASCII word s, ignoring case.
func equalFoldASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// appendValidUTF8 appends src to dst with each invalid UTF-8 sequence
// replaced by U+FFFD.
func appendValidUTF8(dst, src []byte) []byte {
	for len(src) > 0 {
		r, n := utf8.DecodeRune(src)
		if r == utf8.RuneError && n == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, src[:n]...)
		}
		src = src[n:]
	}
	return dst
}
