package decode

import (
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/ingest"
)

// checkedMem returns a checked allocator that fails the test if any Arrow
// memory is still allocated when the test ends.
func checkedMem(t testing.TB) *memory.CheckedAllocator {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

func newDecoder(t testing.TB, mem memory.Allocator, o Options) *Decoder {
	t.Helper()
	d, err := New(mem, o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(d.Release)
	return d
}

var testArrival = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// recs makes records with the given data, sequence offsets from 1.
func recs(data ...string) []ingest.Record {
	out := make([]ingest.Record, len(data))
	for i, s := range data {
		out[i] = ingest.Record{
			Seq:          ingest.SequenceNumber{Shard: 3, Offset: uint64(i + 1)},
			PartitionKey: "pk" + string(rune('a'+i%26)),
			Data:         []byte(s),
			Arrival:      testArrival.Add(time.Duration(i) * time.Second),
		}
	}
	return out
}

// rows reads a record's values: nil for null, bool, int64, float64, string,
// or int64 milliseconds for timestamps.
func rows(t testing.TB, rec arrow.Record) [][]any {
	t.Helper()
	if rec == nil {
		return nil
	}
	out := make([][]any, rec.NumRows())
	for r := range out {
		row := make([]any, rec.NumCols())
		for c := range row {
			col := rec.Column(c)
			if col.IsNull(r) {
				continue
			}
			switch a := col.(type) {
			case *array.Boolean:
				row[c] = a.Value(r)
			case *array.Int64:
				row[c] = a.Value(r)
			case *array.Float64:
				row[c] = a.Value(r)
			case *array.String:
				row[c] = a.Value(r)
			case *array.Timestamp:
				row[c] = int64(a.Value(r))
			default:
				t.Fatalf("unexpected array %T", col)
			}
		}
		out[r] = row
	}
	return out
}

// decodeOne decodes a single record and returns its row or its reason.
func decodeOne(t testing.TB, d *Decoder, data string) ([]any, string) {
	t.Helper()
	b, err := d.Decode("shardId-000000000003", recs(data))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if b.Record != nil {
		defer b.Record.Release()
	}
	if n := len(b.Errors); n > 0 {
		if b.Record != nil || n != 1 {
			t.Fatalf("record both decoded and failed: %+v", b.Errors)
		}
		return nil, b.Errors[0].Reason
	}
	if b.Record == nil || b.Record.NumRows() != 1 || len(b.EventTimes) != 1 {
		t.Fatalf("want one row, got %v (event times %v)", b.Record, b.EventTimes)
	}
	return rows(t, b.Record)[0], ""
}

func ms(s string) int64 {
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return tm.UnixMilli()
}
