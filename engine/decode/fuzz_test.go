package decode

import (
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow/array"
)

// fuzzCols has a column of every type, so fuzzed input meets every
// conversion.
var fuzzCols = []Column{
	{Name: "b", Type: tBool},
	{Name: "i", Type: tInt},
	{Name: "f", Type: tDouble},
	{Name: "s", Type: tString},
	{Name: "t", Type: tStamp},
}

// fuzzOne decodes data as one record and checks that it became exactly a
// row or an error, and that all memory comes back.
func fuzzOne(t *testing.T, format Format, data []byte) {
	mem := checkedMem(t)
	for _, eventTime := range []string{"", "t"} {
		d, err := New(mem, Options{Format: format, Columns: fuzzCols, EventTime: eventTime})
		if err != nil {
			t.Fatal(err)
		}
		in := recs("")
		in[0].Data = data
		b, err := d.Decode("s", in)
		if err != nil {
			t.Fatal(err)
		}
		rowsN := 0
		if b.Record != nil {
			rowsN = int(b.Record.NumRows())
			if s := b.Record.Column(3).(*array.String); !s.IsNull(0) && !utf8.ValidString(s.Value(0)) {
				t.Fatalf("VARCHAR value %q is not UTF-8", s.Value(0))
			}
			b.Record.Release()
		}
		if rowsN+len(b.Errors) != 1 || len(b.EventTimes) != rowsN {
			t.Fatalf("rows %d, errors %d, event times %d", rowsN, len(b.Errors), len(b.EventTimes))
		}
		if len(b.Errors) == 1 && b.Errors[0].Reason == "" {
			t.Fatal("error without a reason")
		}
		d.Release()
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"b":true,"i":42,"f":12.5,"s":"x","t":"2026-11-22T10:00:00.123Z"}`,
		`{"B":"false","I":"3.0","F":"1e3","S":{"a":[1,"\u00e9"]},"T":1700000000.5}`,
		`{"s":"a\"b\\c\ud83d\ude00","i":9223372036854775807,"t":"2026-11-22"}`,
		`{"i":1e400,"f":-0,"t":null}`,
		`{"s":[1,2,{"x":null}],"s":"dup"}`,
		`[1,2]`, `{"a":1,}`, `{} x`, `{"s":"\x"}`, ``, `{`, `{"t":"2026-02-30 25:61"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzOne(t, JSON, data) })
}

func FuzzDecodeCSV(f *testing.F) {
	for _, s := range []string{
		`true,42,12.5,x,2026-11-22T10:00:00Z`,
		`,,,,`, `"a","b""c",",","d` + "\n" + `e",1700000000`, `x"y,1,2,3,4`, "1,2,3,4,5\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzOne(t, CSV, data) })
}
