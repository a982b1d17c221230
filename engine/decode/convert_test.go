package decode

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
)

var (
	tBool   = arrow.FixedWidthTypes.Boolean
	tInt    = arrow.PrimitiveTypes.Int64
	tDouble = arrow.PrimitiveTypes.Float64
	tString = arrow.BinaryTypes.String
	tStamp  = arrow.FixedWidthTypes.Timestamp_ms
)

// typeCases are JSON values of a field "v" and what each column type makes
// of them: want (nil for null) or the error reason.
var typeCases = []struct {
	typ    arrow.DataType
	json   string
	want   any
	reason string
}{
	// BOOLEAN
	{tBool, `true`, true, ""},
	{tBool, `false`, false, ""},
	{tBool, `"true"`, true, ""},
	{tBool, `"FALSE"`, false, ""},
	{tBool, `null`, nil, ""},
	{tBool, `1`, nil, `field "v": 1 is not a BOOLEAN`},
	{tBool, `"yes"`, nil, `field "v": "yes" is not a BOOLEAN`},
	{tBool, `{"a":1}`, nil, `field "v": {"a":1} is not a BOOLEAN`},
	// BIGINT
	{tInt, `42`, int64(42), ""},
	{tInt, `-42`, int64(-42), ""},
	{tInt, `3.0`, int64(3), ""},
	{tInt, `1e3`, int64(1000), ""},
	{tInt, `"17"`, int64(17), ""},
	{tInt, `"-17.0"`, int64(-17), ""},
	{tInt, `9223372036854775807`, int64(math.MaxInt64), ""},
	{tInt, `-9223372036854775808`, int64(math.MinInt64), ""},
	{tInt, `null`, nil, ""},
	{tInt, `3.5`, nil, `field "v": 3.5 is not a BIGINT`},
	{tInt, `"3.5"`, nil, `field "v": "3.5" is not a BIGINT`},
	{tInt, `"abc"`, nil, `field "v": "abc" is not a BIGINT`},
	{tInt, `""`, nil, `field "v": "" is not a BIGINT`},
	{tInt, `true`, nil, `field "v": true is not a BIGINT`},
	{tInt, `[1]`, nil, `field "v": [1] is not a BIGINT`},
	{tInt, `9223372036854775808`, nil, `field "v": 9223372036854775808 is out of range for BIGINT`},
	{tInt, `1e30`, nil, `field "v": 1e30 is out of range for BIGINT`},
	{tInt, `1e400`, nil, `field "v": 1e400 is out of range for BIGINT`},
	{tInt, `"NaN"`, nil, `field "v": "NaN" is not a BIGINT`},
	{tInt, `01`, nil, `field "v": 01 is not a BIGINT`},
	{tInt, `1-2`, nil, `field "v": 1-2 is not a BIGINT`},
	// DOUBLE
	{tDouble, `12.5`, 12.5, ""},
	{tDouble, `-1e-3`, -0.001, ""},
	{tDouble, `7`, 7.0, ""},
	{tDouble, `"12.5"`, 12.5, ""},
	{tDouble, `null`, nil, ""},
	{tDouble, `"abc"`, nil, `field "v": "abc" is not a DOUBLE`},
	{tDouble, `false`, nil, `field "v": false is not a DOUBLE`},
	{tDouble, `1e400`, nil, `field "v": 1e400 is out of range for DOUBLE`},
	{tDouble, `.5`, nil, `invalid JSON: a value is not a string, number, object, array, true, false or null`},
	{tDouble, `1.`, nil, `field "v": 1. is not a DOUBLE`},
	// VARCHAR
	{tString, `"hello"`, "hello", ""},
	{tString, `""`, "", ""},
	{tString, `"a\"b\\c\n\u00e9\ud83d\ude00"`, "a\"b\\c\né😀", ""},
	{tString, `12.50`, "12.50", ""},
	{tString, `-1e5`, "-1e5", ""},
	{tString, `true`, "true", ""},
	{tString, `false`, "false", ""},
	{tString, `null`, nil, ""},
	{tString, `{"a": [1, {"b": null}]}`, `{"a": [1, {"b": null}]}`, ""},
	{tString, `[1,2,"x"]`, `[1,2,"x"]`, ""},
	{tString, "\"bad \xff utf8\"", "bad \uFFFD utf8", ""},
	{tString, `1-2`, nil, `field "v": 1-2 is not a VARCHAR`},
	{tString, `{"a":01}`, nil, `field "v": invalid JSON {"a":01}`},
	{tString, `"` + strings.Repeat("x", 70) + `\q"`, nil, `field "v": invalid escape in string`},
	// TIMESTAMP
	{tStamp, `"2026-11-22T10:00:00.123Z"`, ms("2026-11-22T10:00:00.123Z"), ""},
	{tStamp, `"2026-11-22T10:00:00+01:00"`, ms("2026-11-22T09:00:00Z"), ""},
	{tStamp, `"2026-11-22 10:00:00"`, ms("2026-11-22T10:00:00Z"), ""},
	{tStamp, `"2026-11-22"`, ms("2026-11-22T00:00:00Z"), ""},
	{tStamp, `1700000000`, int64(1700000000000), ""},
	{tStamp, `1700000000.5`, int64(1700000000500), ""},
	{tStamp, `1700000000123`, int64(1700000000123), ""},
	{tStamp, `"1700000000"`, int64(1700000000000), ""},
	{tStamp, `-86400`, int64(-86400000), ""},
	{tStamp, `null`, nil, ""},
	{tStamp, `"yesterday"`, nil, `field "v": "yesterday" is not a TIMESTAMP`},
	{tStamp, `"2026-02-30"`, nil, `field "v": "2026-02-30" is not a TIMESTAMP`},
	{tStamp, `true`, nil, `field "v": true is not a TIMESTAMP`},
	{tStamp, `{}`, nil, `field "v": {} is not a TIMESTAMP`},
	{tStamp, `1e300`, nil, `field "v": 1e300 is not a TIMESTAMP`},
}

func TestJSONTypes(t *testing.T) {
	mem := checkedMem(t)
	for _, tc := range typeCases {
		t.Run(fmt.Sprintf("%s/%s", tc.typ, tc.json), func(t *testing.T) {
			d := newDecoder(t, mem, Options{Columns: []Column{{Name: "v", Type: tc.typ}}, Output: []string{"v"}})
			row, reason := decodeOne(t, d, `{"v":`+tc.json+`}`)
			if reason != tc.reason {
				t.Fatalf("reason = %q, want %q", reason, tc.reason)
			}
			if reason == "" && row[0] != tc.want {
				t.Fatalf("value = %#v, want %#v", row[0], tc.want)
			}
		})
	}
}

// TestCSVTypes runs the string cases of typeCases through CSV, where every
// field is text.
func TestCSVTypes(t *testing.T) {
	mem := checkedMem(t)
	cases := []struct {
		typ    arrow.DataType
		field  string
		want   any
		reason string
	}{
		{tBool, `true`, true, ""},
		{tBool, `False`, false, ""},
		{tBool, `1`, nil, `field "v": "1" is not a BOOLEAN`},
		{tInt, `42`, int64(42), ""},
		{tInt, `3.0`, int64(3), ""},
		{tInt, `3.5`, nil, `field "v": "3.5" is not a BIGINT`},
		{tInt, `""`, nil, `field "v": "" is not a BIGINT`},
		{tInt, ``, nil, ""},
		{tDouble, `12.5`, 12.5, ""},
		{tDouble, `abc`, nil, `field "v": "abc" is not a DOUBLE`},
		{tString, `hello`, "hello", ""},
		{tString, `""`, "", ""},
		{tString, ``, nil, ""},
		{tString, `"a,""b"""`, `a,"b"`, ""},
		{tStamp, `2026-11-22T10:00:00Z`, ms("2026-11-22T10:00:00Z"), ""},
		{tStamp, `1700000000`, int64(1700000000000), ""},
		{tStamp, `soon`, nil, `field "v": "soon" is not a TIMESTAMP`},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/%s", tc.typ, tc.field), func(t *testing.T) {
			d := newDecoder(t, mem, Options{Format: CSV, Columns: []Column{{Name: "v", Type: tc.typ}}, Output: []string{"v"}})
			row, reason := decodeOne(t, d, tc.field)
			if reason != tc.reason {
				t.Fatalf("reason = %q, want %q", reason, tc.reason)
			}
			if reason == "" && row[0] != tc.want {
				t.Fatalf("value = %#v, want %#v", row[0], tc.want)
			}
		})
	}
}

func TestValidNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"0": true, "-0": true, "12": true, "1.5": true, "1e5": true, "1E+5": true, "-1.5e-5": true,
		"": false, "-": false, "01": false, "1.": false, ".5": false, "1e": false, "1e+": false,
		"+1": false, "NaN": false, "1x": false, "0x10": false,
	} {
		if got := validNumber([]byte(s)); got != want {
			t.Errorf("validNumber(%q) = %v, want %v", s, got, want)
		}
	}
}
