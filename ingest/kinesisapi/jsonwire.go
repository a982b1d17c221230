package kinesisapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"
)

// decode reads a control-plane request body into v with encoding/json.
// Control-plane operations are rare and small, so the standard decoder is
// fast enough; PutRecords, the hot path, has its own decoder (putdecode.go).
func decode(body []byte, v any) error {
	if len(bytesTrimSpace(body)) == 0 {
		return clientErr(typeSerialization, "The request body is empty; send a JSON object.")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return serializationError(err)
	}
	return nil
}

// serializationError turns an encoding/json error into a
// SerializationException that names the member and the types involved.
func serializationError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "the request"
		}
		return clientErr(typeSerialization, "Cannot convert a JSON %s at offset %d (%s) to %s.", te.Value, te.Offset, field, wireTypeName(te.Type))
	case errors.As(err, &se):
		return clientErr(typeSerialization, "Malformed JSON at offset %d: %s.", se.Offset, se.Error())
	}
	return clientErr(typeSerialization, "Malformed request: %s.", err.Error())
}

func wireTypeName(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeFor[epochTime]():
		return "a timestamp (epoch seconds)"
	case t.Kind() == reflect.String:
		return "a string"
	case t.Kind() == reflect.Bool:
		return "a boolean"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "an integer"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return "a blob (base64 string)"
	case t.Kind() == reflect.Slice:
		return "a list"
	case t.Kind() == reflect.Map, t.Kind() == reflect.Struct:
		return "a structure"
	}
	return t.String()
}

func bytesTrimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// encode appends v as JSON to out.
func encode(out []byte, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return out, fmt.Errorf("encode response: %w", err)
	}
	return append(out, b...), nil
}

// epochTime is a timestamp on the wire: epoch seconds as a JSON number,
// with millisecond precision (e.g. 1732269600.123), as the awsJson protocol
// writes timestamps.
type epochTime time.Time

func (t epochTime) MarshalJSON() ([]byte, error) { return appendEpoch(nil, time.Time(t)), nil }

func (t *epochTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 1e14 {
		return &json.UnmarshalTypeError{Value: "value " + string(b), Type: reflect.TypeFor[epochTime]()}
	}
	*t = epochTime(time.UnixMilli(int64(math.Round(f * 1000))).UTC())
	return nil
}

func epochPtr(t time.Time) *epochTime { e := epochTime(t); return &e }

// appendEpoch appends t as epoch seconds with millisecond precision.
func appendEpoch(out []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	if ms < 0 {
		return strconv.AppendFloat(out, float64(ms)/1000, 'f', 3, 64)
	}
	out = strconv.AppendInt(out, ms/1000, 10)
	out = append(out, '.')
	frac := ms % 1000
	out = append(out, byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
	return out
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD,
// as encoding/json does.
func appendString(out []byte, s string) []byte {
	out = append(out, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			out = append(out, s[start:i]...)
			switch c {
			case '"', '\\':
				out = append(out, '\\', c)
			case '\n':
				out = append(out, '\\', 'n')
			case '\r':
				out = append(out, '\\', 'r')
			case '\t':
				out = append(out, '\\', 't')
			default:
				out = append(out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			out = append(out, s[start:i]...)
			out = append(out, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			out = append(out, s[start:i]...)
			out = append(out, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	out = append(out, s[start:]...)
	return append(out, '"')
}
