package encode

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/freshet/freshet/sql"
)

// TimeLayout is how timestamps are written: RFC 3339, UTC, milliseconds.
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// ValueAt reads row i of arr as a sql.Value.
func ValueAt(arr arrow.Array, i int) (sql.Value, error) {
	switch a := arr.(type) {
	case *array.Boolean:
		if a.IsNull(i) {
			return sql.NullOf(sql.Boolean), nil
		}
		return sql.BoolValue(a.Value(i)), nil
	case *array.Int64:
		if a.IsNull(i) {
			return sql.NullOf(sql.Int64), nil
		}
		return sql.IntValue(a.Value(i)), nil
	case *array.Float64:
		if a.IsNull(i) {
			return sql.NullOf(sql.Float64), nil
		}
		return sql.FloatValue(a.Value(i)), nil
	case *array.String:
		if a.IsNull(i) {
			return sql.NullOf(sql.String), nil
		}
		return sql.StringValue(a.Value(i)), nil
	case *array.Timestamp:
		if a.IsNull(i) {
			return sql.NullOf(sql.Timestamp), nil
		}
		return sql.Value{Type: sql.Timestamp, Int: int64(a.Value(i))}, nil
	case *array.Null:
		return sql.NullOf(sql.Null), nil
	}
	return sql.Value{}, fmt.Errorf("read value: unsupported Arrow type %s", arr.DataType())
}

// Row reads row i of rec.
func Row(rec arrow.Record, i int) ([]sql.Value, error) {
	out := make([]sql.Value, rec.NumCols())
	for c := range out {
		v, err := ValueAt(rec.Column(c), i)
		if err != nil {
			return nil, err
		}
		out[c] = v
	}
	return out, nil
}

// AppendJSON appends a JSON object of names[i]: vals[i].
func AppendJSON(dst []byte, names []string, vals []sql.Value) []byte {
	dst = append(dst, '{')
	for i, v := range vals {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, names[i])
		dst = append(dst, ':')
		dst = AppendJSONValue(dst, v)
	}
	return append(dst, '}')
}

// AppendJSONValue appends one value as JSON.
func AppendJSONValue(dst []byte, v sql.Value) []byte {
	if v.IsNull() {
		return append(dst, "null"...)
	}
	switch v.Type {
	case sql.Boolean:
		return strconv.AppendBool(dst, v.Bool)
	case sql.Int64:
		return strconv.AppendInt(dst, v.Int, 10)
	case sql.Float64:
		if math.IsNaN(v.Float) || math.IsInf(v.Float, 0) {
			return append(dst, "null"...)
		}
		return strconv.AppendFloat(dst, v.Float, 'g', -1, 64)
	case sql.String:
		return appendJSONString(dst, v.Str)
	case sql.Timestamp:
		dst = append(dst, '"')
		dst = time.UnixMilli(v.Int).UTC().AppendFormat(dst, TimeLayout)
		return append(dst, '"')
	case sql.Interval:
		return strconv.AppendInt(dst, v.Int, 10)
	}
	return append(dst, "null"...)
}

// Text formats a value as plain text (CSV fields, tables): "" for NULL.
func Text(v sql.Value) string {
	if v.IsNull() {
		return ""
	}
	switch v.Type {
	case sql.Boolean:
		return strconv.FormatBool(v.Bool)
	case sql.Int64, sql.Interval:
		return strconv.FormatInt(v.Int, 10)
	case sql.Float64:
		return strconv.FormatFloat(v.Float, 'g', -1, 64)
	case sql.String:
		return v.Str
	case sql.Timestamp:
		return time.UnixMilli(v.Int).UTC().Format(TimeLayout)
	}
	return ""
}

// AppendCSV appends one CSV line (RFC 4180 quoting, no line end).
func AppendCSV(dst []byte, vals []sql.Value) []byte {
	for i, v := range vals {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendCSVField(dst, Text(v))
	}
	return dst
}

// AppendCSVField appends one field, quoted when it must be.
func AppendCSVField(dst []byte, s string) []byte {
	if s == "" || !strings.ContainsAny(s, ",\"\r\n") && s[0] != ' ' && s[len(s)-1] != ' ' {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	dst = append(dst, strings.ReplaceAll(s, `"`, `""`)...)
	return append(dst, '"')
}

// Record encodes a row as a stream record in format ("json" or "csv").
func Record(format string, names []string, vals []sql.Value) ([]byte, error) {
	switch format {
	case "", "json":
		return AppendJSON(nil, names, vals), nil
	case "csv":
		return AppendCSV(nil, vals), nil
	}
	return nil, fmt.Errorf("encode record: unknown format %q", format)
}

func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
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
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
