package encode

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/sql"
)

func TestJSONAndCSV(t *testing.T) {
	names := []string{"b", "i", "f", "s", "ts", "n", "nan"}
	vals := []sql.Value{
		sql.BoolValue(true), sql.IntValue(-42), sql.FloatValue(12.5),
		sql.StringValue("a \"quoted\", line\nbreak é \x01"), {Type: sql.Timestamp, Int: 1795341600123},
		sql.NullOf(sql.String), sql.FloatValue(math.NaN()),
	}
	js := AppendJSON(nil, names, vals)
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	if m["b"] != true || m["i"] != -42.0 || m["f"] != 12.5 || m["s"] != vals[3].Str || m["ts"] != "2026-11-22T10:00:00.123Z" || m["n"] != nil || m["nan"] != nil {
		t.Fatalf("decoded %v from %s", m, js)
	}
	line := AppendCSV(nil, vals)
	rec, err := csv.NewReader(strings.NewReader(string(line))).Read()
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	want := []string{"true", "-42", "12.5", vals[3].Str, "2026-11-22T10:00:00.123Z", "", "NaN"}
	for i := range want {
		if rec[i] != want[i] {
			t.Fatalf("field %d = %q, want %q (line %s)", i, rec[i], want[i], line)
		}
	}
}

func TestValueAt(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := array.NewRecordBuilder(mem, arrow.NewSchema([]arrow.Field{
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
	}, nil))
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{1, 0}, []bool{true, false})
	b.Field(1).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{5, 6}, nil)
	rec := b.NewRecord()
	defer rec.Release()
	row, err := Row(rec, 1)
	if err != nil || !row[0].IsNull() || row[1].Int != 6 || row[1].Type != sql.Timestamp {
		t.Fatalf("row 1 = %v, %v", row, err)
	}
	if _, err := Record("xml", nil, nil); err == nil {
		t.Fatal("unknown format accepted")
	}
}
