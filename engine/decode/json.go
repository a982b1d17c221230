package decode

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/buger/jsonparser"
)

// errStop ends a jsonparser walk early; the reason is in Decoder.jsonErr.
var errStop = errors.New("stop")

// scanJSON reads one JSON object. Fields are matched to the decoder's
// columns by name, an exact match beating a case-insensitive one; among
// equal matches the last field wins. Fields of no interest are skipped
// without being converted.
func (d *Decoder) scanJSON(data []byte) string {
	start := skipSpace(data, 0)
	if start == len(data) {
		return "empty record: not a JSON object"
	}
	if data[start] != '{' {
		return fmt.Sprintf("not a JSON object (starts with %s)", quoteByte(data[start]))
	}
	d.jsonEnd = -1
	d.jsonErr = ""
	if err := jsonparser.ObjectEach(data, d.onField); err != nil {
		if d.jsonErr != "" {
			return d.jsonErr
		}
		return "invalid JSON: " + describe(err)
	}
	// ObjectEach stops at the object's closing brace: insist that nothing
	// but white space follows.
	pos := start + 1
	if d.jsonEnd >= 0 {
		pos = d.jsonEnd
	}
	pos = skipSpace(data, pos)
	if pos == len(data) || data[pos] != '}' {
		return "invalid JSON: want '}' after the last field"
	}
	if skipSpace(data, pos+1) != len(data) {
		return "invalid JSON: data after the object"
	}
	return ""
}

// jsonField is the jsonparser callback for one field of the object.
func (d *Decoder) jsonField(key, value []byte, typ jsonparser.ValueType, offset int) error {
	d.jsonEnd = offset
	fi, exact := d.match(key)
	if fi < 0 {
		return nil
	}
	f := &d.fields[fi]
	if !exact && f.exact {
		return nil
	}
	f.exact = exact
	switch typ {
	case jsonparser.String:
		if bytes.IndexByte(value, '\\') >= 0 {
			u, err := jsonparser.Unescape(value, f.buf[:cap(f.buf)])
			if err != nil {
				d.jsonErr = fmt.Sprintf("field %q: invalid escape in string", f.name)
				return errStop
			}
			f.buf = u
			value = u
		}
		f.tok = tokString
	case jsonparser.Number:
		f.tok = tokNumber
	case jsonparser.Boolean:
		f.tok = tokBool
	case jsonparser.Null:
		f.tok = tokNull
	case jsonparser.Object, jsonparser.Array:
		f.tok = tokRaw
	default:
		d.jsonErr = fmt.Sprintf("field %q: invalid JSON value", f.name)
		return errStop
	}
	f.text = value
	return nil
}

// match finds the field a JSON key names: exactly, else ignoring case.
func (d *Decoder) match(key []byte) (int, bool) {
	for i := range d.fields {
		if string(key) == d.fields[i].name {
			return i, true
		}
	}
	for i := range d.fields {
		f := &d.fields[i]
		// Names that differ in length can only fold together through
		// non-ASCII letters.
		if (len(key) == len(f.nameB) || !f.ascii) && bytes.EqualFold(key, f.nameB) {
			return i, false
		}
	}
	return -1, false
}

// describe rewords jsonparser's errors for error reasons.
func describe(err error) string {
	switch err {
	case jsonparser.MalformedStringError:
		return "unterminated string"
	case jsonparser.MalformedStringEscapeError:
		return "invalid escape in string"
	case jsonparser.UnknownValueTypeError:
		return "a value is not a string, number, object, array, true, false or null"
	case jsonparser.MalformedArrayError:
		return "unexpected end of input"
	case jsonparser.MalformedObjectError:
		return "malformed object"
	case jsonparser.MalformedJsonError:
		return "malformed object member"
	}
	return err.Error()
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("%q", rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}
