package decode

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/freshet/freshet/ingest"
)

var clickCols = []Column{
	{Name: "user_id", Type: tString},
	{Name: "url", Type: tString},
	{Name: "price", Type: tDouble},
	{Name: "ts", Type: tStamp},
	{Name: "n", Type: tInt},
}

func TestMetadataColumns(t *testing.T) {
	mem := checkedMem(t)
	for _, eventTime := range []string{"", "ts"} {
		t.Run("event_time="+eventTime, func(t *testing.T) {
			d := newDecoder(t, mem, Options{
				Columns:   clickCols,
				Output:    []string{"_partition_key", "_SHARD", "_sequence", "_arrival", "_event_time", "n"},
				EventTime: eventTime,
			})
			in := recs(`{"n":1,"ts":"2026-11-22T09:00:00Z"}`, `{"n":2,"ts":1700000000}`)
			in[1].Seq = ingest.SequenceNumber{Shard: 1<<32 - 1, Offset: math.MaxUint64}
			b, err := d.Decode("shardId-000000000003", in)
			if err != nil || len(b.Errors) != 0 {
				t.Fatalf("Decode: %v %+v", err, b.Errors)
			}
			defer b.Record.Release()
			names := []string{"_partition_key", "_shard", "_sequence", "_arrival", "_event_time", "n"}
			for i, f := range b.Record.Schema().Fields() {
				if f.Name != names[i] || !f.Nullable {
					t.Errorf("field %d = %v, want %s", i, f, names[i])
				}
			}
			if !arrow.TypeEqual(b.Record.Schema().Field(3).Type, arrow.FixedWidthTypes.Timestamp_ms) {
				t.Errorf("_arrival type %s", b.Record.Schema().Field(3).Type)
			}
			events := []int64{in[0].Arrival.UnixMilli(), in[1].Arrival.UnixMilli()}
			if eventTime != "" {
				events = []int64{ms("2026-11-22T09:00:00Z"), 1700000000000}
			}
			want := [][]any{
				{"pka", "shardId-000000000003", in[0].SequenceNumber(), in[0].Arrival.UnixMilli(), events[0], int64(1)},
				{"pkb", "shardId-000000000003", in[1].SequenceNumber(), in[1].Arrival.UnixMilli(), events[1], int64(2)},
			}
			if got := rows(t, b.Record); !reflect.DeepEqual(got, want) {
				t.Fatalf("rows = %v\nwant %v", got, want)
			}
			if !reflect.DeepEqual(b.EventTimes, events) {
				t.Fatalf("EventTimes = %v, want %v", b.EventTimes, events)
			}
		})
	}
}

func TestEventTimeErrors(t *testing.T) {
	mem := checkedMem(t)
	cases := []struct {
		col    Column
		output []string
		json   string
		want   int64
		reason string
	}{
		{Column{"ts", tStamp}, []string{"n"}, `{"ts":"2026-11-22T10:00:00Z"}`, ms("2026-11-22T10:00:00Z"), ""},
		{Column{"ts", tStamp}, []string{"ts"}, `{"ts":"2026-11-22T10:00:00Z"}`, ms("2026-11-22T10:00:00Z"), ""},
		{Column{"ts", tInt}, []string{"ts"}, `{"ts":1700000000}`, 1700000000000, ""},
		{Column{"ts", tDouble}, nil, `{"ts":1700000000.25}`, 1700000000250, ""},
		{Column{"ts", tString}, []string{"ts"}, `{"ts":"2026-11-22"}`, ms("2026-11-22T00:00:00Z"), ""},
		{Column{"ts", tStamp}, []string{"n"}, `{"n":1}`, 0, `event time field "ts" is missing`},
		{Column{"ts", tStamp}, []string{"ts"}, `{"ts":null}`, 0, `event time field "ts" is null`},
		{Column{"ts", tStamp}, []string{"n"}, `{"ts":"later"}`, 0, `field "ts": "later" is not a TIMESTAMP`},
		{Column{"ts", tString}, []string{"ts"}, `{"ts":"later"}`, 0, `field "ts": "later" is not a TIMESTAMP`},
		{Column{"ts", tStamp}, []string{"n"}, `{"ts":[1]}`, 0, `field "ts": [1] is not a TIMESTAMP`},
	}
	for _, tc := range cases {
		t.Run(tc.json, func(t *testing.T) {
			d := newDecoder(t, mem, Options{Columns: []Column{tc.col, {Name: "n", Type: tInt}}, Output: tc.output, EventTime: "TS"})
			b, err := d.Decode("s", recs(tc.json))
			if err != nil {
				t.Fatal(err)
			}
			if b.Record != nil {
				defer b.Record.Release()
			}
			if tc.reason != "" {
				if len(b.Errors) != 1 || b.Errors[0].Reason != tc.reason || b.Record != nil {
					t.Fatalf("errors = %+v, want %q", b.Errors, tc.reason)
				}
				return
			}
			if len(b.Errors) != 0 || len(b.EventTimes) != 1 || b.EventTimes[0] != tc.want {
				t.Fatalf("event times %v errors %+v, want %d", b.EventTimes, b.Errors, tc.want)
			}
		})
	}
}

func TestOutputColumns(t *testing.T) {
	mem := checkedMem(t)
	data := `{"user_id":"u1","url":"/a","price":2.5,"ts":"2026-11-22T10:00:00Z","n":7}`
	cases := []struct {
		output []string
		names  []string
		want   []any
	}{
		{[]string{"n"}, []string{"n"}, []any{int64(7)}},
		{[]string{"N", "USER_ID"}, []string{"n", "user_id"}, []any{int64(7), "u1"}},
		{[]string{"price", "_partition_key", "url"}, []string{"price", "_partition_key", "url"}, []any{2.5, "pka", "/a"}},
		{[]string{}, []string{}, []any{}},
		{nil,
			[]string{"user_id", "url", "price", "ts", "n", "_partition_key", "_shard", "_sequence", "_arrival", "_event_time"},
			[]any{"u1", "/a", 2.5, ms("2026-11-22T10:00:00Z"), int64(7), "pka", "s1", recs("")[0].SequenceNumber(), testArrival.UnixMilli(), ms("2026-11-22T10:00:00Z")}},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.output, ","), func(t *testing.T) {
			d := newDecoder(t, mem, Options{Columns: clickCols, Output: tc.output, EventTime: "ts"})
			var names []string
			for _, f := range d.Schema().Fields() {
				names = append(names, f.Name)
			}
			if len(names) != len(tc.names) || (len(names) > 0 && !reflect.DeepEqual(names, tc.names)) {
				t.Fatalf("schema %v, want %v", names, tc.names)
			}
			b, err := d.Decode("s1", recs(data))
			if err != nil || len(b.Errors) != 0 || b.Record == nil {
				t.Fatalf("Decode: %v %+v", err, b.Errors)
			}
			defer b.Record.Release()
			if got := rows(t, b.Record)[0]; !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("row = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestUnreadColumnsUnchecked: a bad value in a column that is neither
// output nor event time does not fail the record.
func TestUnreadColumnsUnchecked(t *testing.T) {
	mem := checkedMem(t)
	d := newDecoder(t, mem, Options{Columns: clickCols, Output: []string{"user_id"}})
	row, reason := decodeOne(t, d, `{"user_id":"u","price":"abc","n":3.5}`)
	if reason != "" || row[0] != "u" {
		t.Fatalf("row %v reason %q", row, reason)
	}
}

func TestNewErrors(t *testing.T) {
	mem := checkedMem(t)
	cases := []struct {
		name string
		o    Options
		want string
	}{
		{"format", Options{Format: 7, Columns: clickCols}, "new decoder: unknown format Format(7)"},
		{"no name", Options{Columns: []Column{{Type: tInt}}}, "new decoder: column 1 has no name"},
		{"no type", Options{Columns: []Column{{Name: "a"}}}, `new decoder: column "a": no type`},
		{"bad type", Options{Columns: []Column{{Name: "a", Type: arrow.PrimitiveTypes.Int32}}}, `new decoder: column "a": type int32 is not supported`},
		{"bad unit", Options{Columns: []Column{{Name: "a", Type: arrow.FixedWidthTypes.Timestamp_us}}}, `new decoder: column "a": type timestamp[us, tz=UTC] is not supported (timestamps are milliseconds, UTC)`},
		{"reserved", Options{Columns: []Column{{Name: "_Shard", Type: tString}}}, `new decoder: column name "_Shard" is reserved for record metadata`},
		{"twice", Options{Columns: []Column{{Name: "a", Type: tInt}, {Name: "A", Type: tInt}}}, `new decoder: column "A" is declared twice`},
		{"unknown output", Options{Columns: clickCols, Output: []string{"nope"}}, `new decoder: output column "nope" is not a column of the stream`},
		{"output twice", Options{Columns: clickCols, Output: []string{"n", "N"}}, `new decoder: output column "N" is listed twice`},
		{"unknown event time", Options{Columns: clickCols, EventTime: "when"}, `new decoder: event-time column "when" is not a column of the stream`},
		{"bool event time", Options{Columns: []Column{{Name: "b", Type: tBool}}, EventTime: "b"}, `new decoder: event-time column "b" is a BOOLEAN`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := New(mem, tc.o)
			if err == nil {
				d.Release()
				t.Fatalf("New succeeded; want %q", tc.want)
			}
			if err.Error() != tc.want {
				t.Fatalf("error = %q, want %q", err, tc.want)
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"json": JSON, "JSON": JSON, " csv ": CSV, "Csv": CSV} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("avro"); err == nil || err.Error() != `parse format: "avro" is not a record format (want json or csv)` {
		t.Errorf("ParseFormat(avro) error = %v", err)
	}
	if JSON.String() != "json" || CSV.String() != "csv" {
		t.Errorf("String: %s %s", JSON, CSV)
	}
}

// TestMixedBatch: error records are left out, the others keep their order,
// and every record is accounted for.
func TestMixedBatch(t *testing.T) {
	mem := checkedMem(t)
	d := newDecoder(t, mem, Options{Columns: clickCols, Output: []string{"n"}, EventTime: "ts"})
	in := recs(
		`{"n":1,"ts":1}`,
		`{"n":"x","ts":2}`,
		`not json`,
		`{"n":4,"ts":4}`,
		`{"n":5}`,
	)
	b, err := d.Decode("shardId-000000000003", in)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Record.Release()
	if got := rows(t, b.Record); !reflect.DeepEqual(got, [][]any{{int64(1)}, {int64(4)}}) {
		t.Fatalf("rows = %v", got)
	}
	if !reflect.DeepEqual(b.EventTimes, []int64{1000, 4000}) {
		t.Fatalf("event times = %v", b.EventTimes)
	}
	wantErr := []RecordError{
		{Seq: in[1].Seq, Shard: "shardId-000000000003", PartitionKey: "pkb", Data: []byte(`{"n":"x","ts":2}`), Reason: `field "n": "x" is not a BIGINT`},
		{Seq: in[2].Seq, Shard: "shardId-000000000003", PartitionKey: "pkc", Data: []byte(`not json`), Reason: `not a JSON object (starts with 'n')`},
		{Seq: in[4].Seq, Shard: "shardId-000000000003", PartitionKey: "pke", Data: []byte(`{"n":5}`), Reason: `event time field "ts" is missing`},
	}
	if !reflect.DeepEqual(b.Errors, wantErr) {
		t.Fatalf("errors = %+v\nwant %+v", b.Errors, wantErr)
	}
	in[1].Data[1] = 'X'
	if string(b.Errors[0].Data) != `{"n":"x","ts":2}` {
		t.Fatal("RecordError.Data aliases the input")
	}
	want := "decode record " + in[1].SequenceNumber() + ` in shardId-000000000003: field "n": "x" is not a BIGINT`
	if msg := b.Errors[0].Error(); msg != want {
		t.Fatalf("Error() = %q, want %q", msg, want)
	}
}

// TestReuse decodes several batches with one decoder: builders are reset
// between calls, a batch with no good record has no Record and leaks
// nothing, and records do not alias the input.
func TestReuse(t *testing.T) {
	mem := checkedMem(t)
	d := newDecoder(t, mem, Options{Columns: clickCols, Output: []string{"user_id", "n"}})
	in := recs(`{"user_id":"a","n":1}`, `{"user_id":"b","n":2}`)
	b1, err := d.Decode("s", in)
	if err != nil {
		t.Fatal(err)
	}
	defer b1.Record.Release()
	bad, err := d.Decode("s", recs(`x`, `{"n":"y"}`))
	if err != nil || bad.Record != nil || bad.EventTimes != nil || len(bad.Errors) != 2 {
		t.Fatalf("bad batch: %v %+v", err, bad)
	}
	empty, err := d.Decode("s", nil)
	if err != nil || empty.Record != nil || empty.Errors != nil {
		t.Fatalf("empty batch: %v %+v", err, empty)
	}
	b2, err := d.Decode("s", recs(`{"user_id":"c","n":3}`))
	if err != nil {
		t.Fatal(err)
	}
	defer b2.Record.Release()
	// Overwrite the input: the first batch must not change.
	for i := range in {
		for j := range in[i].Data {
			in[i].Data[j] = 'Z'
		}
	}
	if got := rows(t, b1.Record); !reflect.DeepEqual(got, [][]any{{"a", int64(1)}, {"b", int64(2)}}) {
		t.Fatalf("first batch = %v", got)
	}
	if got := rows(t, b2.Record); !reflect.DeepEqual(got, [][]any{{"c", int64(3)}}) {
		t.Fatalf("second batch = %v", got)
	}
}

func TestReleased(t *testing.T) {
	mem := checkedMem(t)
	d, err := New(mem, Options{Columns: clickCols})
	if err != nil {
		t.Fatal(err)
	}
	d.Release()
	d.Release() // idempotent
	if _, err := d.Decode("s", recs(`{}`)); err == nil || err.Error() != "decode: decoder is released" {
		t.Fatalf("Decode after Release: %v", err)
	}
}

// TestNoPerRecordAllocs: decoding allocates per batch (the record, its
// arrays and buffers, the event-time slice), not per record: a batch four
// times as large takes no more allocations.
func TestNoPerRecordAllocs(t *testing.T) {
	mem := checkedMem(t)
	d := newDecoder(t, mem, Options{Columns: clickCols, EventTime: "ts"}) // every column, metadata too
	odd := recs(`{"user_id":"esc\u00e9aped","url":{"nested":[1,2]},"price":"1.5","ts":1700000000,"n":3.0}`)[0]
	perBatch := func(n int) float64 {
		in := append(benchRecords(n), odd)
		release := func(b Batch) { b.Record.Release() }
		release(must(d.Decode("s", in))) // warm up scratch buffers and size estimates
		return testing.AllocsPerRun(20, func() { release(must(d.Decode("s", in))) })
	}
	small, large := perBatch(500), perBatch(2000)
	if large > small+10 { // a per-record allocation would add 1,500
		t.Fatalf("%.0f allocations for 500 records, %.0f for 2000", small, large)
	}
}

func must(b Batch, err error) Batch {
	if err != nil {
		panic(err)
	}
	return b
}

func TestAppendSeq(t *testing.T) {
	for _, s := range []ingest.SequenceNumber{
		{}, {Shard: 0, Offset: 1}, {Shard: 7, Offset: 123456789}, {Shard: 1<<32 - 1, Offset: math.MaxUint64},
		{Shard: 1, Offset: 1e19}, {Shard: 1, Offset: 1e19 - 1},
	} {
		if got, want := string(s.AppendText(nil)), s.String(); got != want {
			t.Errorf("AppendText(%+v) = %s, want %s", s, got, want)
		}
	}
}
