package eval

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// This file converts values to and from text: CAST to and from VARCHAR and
// CONCAT's arguments.

// bstr views b as a string without copying; the string must not outlive b
// or be kept.
func bstr(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// appendBool writes a BOOLEAN as text: true or false.
func appendBool(dst []byte, v bool) []byte {
	if v {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

// appendFloat writes a DOUBLE as text the way MySQL prints one: plain
// decimal notation from 1e-5 up to 1e15 with the fewest digits that read
// back exactly (100, 0.1, 1.5), exponent notation outside (1e20, 1.5e-7),
// and NaN, Infinity and -Infinity for the values MySQL has no text for.
func appendFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	if a := math.Abs(f); a == 0 || a >= 1e-5 && a < 1e15 {
		return strconv.AppendFloat(dst, f, 'f', -1, 64)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'e', -1, 64)
	// Go writes e+20 and e-07; MySQL writes e20 and e-7.
	e := start + strings.LastIndexByte(string(dst[start:]), 'e')
	mant, exp := dst[:e+1], dst[e+1:]
	sign := ""
	if exp[0] == '-' {
		sign = "-"
	}
	digits := strings.TrimLeft(string(exp[1:]), "0")
	return append(append(mant, sign...), digits...)
}

// appendTimestamp writes a TIMESTAMP as text, MySQL's DATETIME(3) form in
// UTC: 2026-11-22 10:00:00.123 (which CAST back to TIMESTAMP reads).
func appendTimestamp(dst []byte, ms int64) []byte {
	t := time.UnixMilli(ms).UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	if y < 0 {
		dst = append(dst, '-')
		y = -y
	}
	dst = appendPadded(dst, y, 4)
	dst = append(dst, '-')
	dst = appendPadded(dst, int(mo), 2)
	dst = append(dst, '-')
	dst = appendPadded(dst, d, 2)
	dst = append(dst, ' ')
	dst = appendPadded(dst, h, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, mi, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, s, 2)
	dst = append(dst, '.')
	return appendPadded(dst, t.Nanosecond()/1e6, 3)
}

// appendPadded writes the non-negative v with at least width digits.
func appendPadded(dst []byte, v, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for v >= 10 || width > 1 {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
		width--
	}
	i--
	buf[i] = byte('0' + v)
	return append(dst, buf[i:]...)
}

// trimSpace trims ASCII white space from both ends of b.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// parseInt reads a BIGINT from text: an optional sign and decimal digits,
// or a decimal number, rounded half away from zero. Surrounding white
// space is ignored. It fails on anything else and on overflow.
func parseInt(b []byte) (int64, bool) {
	b = trimSpace(b)
	if len(b) == 0 || len(b) > 18 {
		return parseIntSlow(b)
	}
	neg := false
	i := 0
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		i = 1
		if len(b) == 1 {
			return 0, false
		}
	}
	var v int64
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return parseIntSlow(b)
		}
		v = v*10 + int64(c-'0') // at most 18 digits: no overflow
	}
	if neg {
		v = -v
	}
	return v, true
}

// parseIntSlow handles what parseInt's fast path does not: long numbers
// and decimals.
func parseIntSlow(b []byte) (int64, bool) {
	if v, err := strconv.ParseInt(bstr(b), 10, 64); err == nil {
		return v, true
	}
	f, ok := parseFloat(b)
	if !ok {
		return 0, false
	}
	return floatToInt(f)
}

// parseFloat reads a DOUBLE from text (Go's syntax for decimal numbers),
// ignoring surrounding white space. NaN, infinities and out-of-range
// numbers fail.
func parseFloat(b []byte) (float64, bool) {
	b = trimSpace(b)
	f, err := strconv.ParseFloat(bstr(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// floatToInt rounds f half away from zero to a BIGINT; NaN and values out
// of range fail.
func floatToInt(f float64) (int64, bool) {
	r := math.Round(f)
	if math.IsNaN(r) || r < -9.223372036854775808e18 || r >= 9.223372036854775808e18 {
		return 0, false
	}
	return int64(r), true
}

// parseBool reads a BOOLEAN from text: true or 1, false or 0, ignoring case
// and surrounding white space.
func parseBool(b []byte) (v, ok bool) {
	b = trimSpace(b)
	switch {
	case len(b) == 1 && b[0] == '1', strings.EqualFold(bstr(b), "true"):
		return true, true
	case len(b) == 1 && b[0] == '0', strings.EqualFold(bstr(b), "false"):
		return false, true
	}
	return false, false
}
