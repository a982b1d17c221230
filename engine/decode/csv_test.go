package decode

import (
	"reflect"
	"testing"
)

func TestCSV(t *testing.T) {
	mem := checkedMem(t)
	cols := []Column{{Name: "a", Type: tString}, {Name: "b", Type: tString}, {Name: "n", Type: tInt}}
	cases := []struct {
		name, line string
		want       []any
		reason     string
	}{
		{"plain", `x,y,1`, []any{"x", "y", int64(1)}, ""},
		{"nulls", `,,`, []any{nil, nil, nil}, ""},
		{"quoted empty is not null", `"","",`, []any{"", "", nil}, ""},
		{"quoted comma", `"x,1","y",2`, []any{"x,1", "y", int64(2)}, ""},
		{"doubled quotes", `"say ""hi""","""",3`, []any{`say "hi"`, `"`, int64(3)}, ""},
		{"line break in quotes", "\"l1\nl2\",\"r\r\n\",4", []any{"l1\nl2", "r\r\n", int64(4)}, ""},
		{"trailing newline", "x,y,5\n", []any{"x", "y", int64(5)}, ""},
		{"trailing CRLF", "x,y,6\r\n", []any{"x", "y", int64(6)}, ""},
		{"spaces kept", ` x , y ,7`, []any{" x ", " y ", int64(7)}, ""},
		{"quoted number", `x,y,"8"`, []any{"x", "y", int64(8)}, ""},
		{"utf8", "é,\xff,9", []any{"é", "\uFFFD", int64(9)}, ""},
		{"too few", `x,y`, nil, "CSV record has 2 fields, want 3"},
		{"too many", `x,y,1,2`, nil, "CSV record has 4 fields, want 3"},
		{"trailing comma", `x,y,1,`, nil, "CSV record has 4 fields, want 3"},
		{"empty line", ``, nil, "CSV record has 1 fields, want 3"},
		{"bare quote", `x"y,b,1`, nil, "CSV field 1: bare quote in unquoted field"},
		{"unterminated", `"x,y,1`, nil, "CSV field 1: unterminated quoted field"},
		{"after closing quote", `"x"y,b,1`, nil, `CSV field 1: 'y' after closing quote`},
		{"line break", "x\ny,b,1", nil, "CSV field 1: line break in unquoted field"},
		{"bad value", `x,y,z`, nil, `field "n": "z" is not a BIGINT`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := newDecoder(t, mem, Options{Format: CSV, Columns: cols, Output: []string{"a", "b", "n"}})
			row, reason := decodeOne(t, d, tc.line)
			if reason != tc.reason {
				t.Fatalf("reason = %q, want %q", reason, tc.reason)
			}
			if reason == "" && !reflect.DeepEqual(row, tc.want) {
				t.Fatalf("row = %#v, want %#v", row, tc.want)
			}
		})
	}
}

// TestCSVSubset: only the output columns are converted, but the field
// count is always checked; output order need not follow field order.
func TestCSVSubset(t *testing.T) {
	mem := checkedMem(t)
	d := newDecoder(t, mem, Options{Format: CSV, Columns: clickCols, Output: []string{"n", "_sequence", "user_id"}, EventTime: "ts"})
	in := recs(`u1,/a,not-a-number,2026-11-22T10:00:00Z,5`, `u2,/b,1.5,2026-11-22T10:00:01Z`)
	b, err := d.Decode("s", in)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Record.Release()
	if got := rows(t, b.Record); !reflect.DeepEqual(got, [][]any{{int64(5), in[0].SequenceNumber(), "u1"}}) {
		t.Fatalf("rows = %v", got)
	}
	if !reflect.DeepEqual(b.EventTimes, []int64{ms("2026-11-22T10:00:00Z")}) {
		t.Fatalf("event times = %v", b.EventTimes)
	}
	if len(b.Errors) != 1 || b.Errors[0].Reason != "CSV record has 4 fields, want 5" {
		t.Fatalf("errors = %+v", b.Errors)
	}
}
