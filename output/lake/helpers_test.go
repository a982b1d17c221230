package lake

import (
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine/decode"
	"github.com/freshet/freshet/ingest"
)

var testColumns = []decode.Column{
	{Name: "user_id", Type: arrow.BinaryTypes.String},
	{Name: "url", Type: arrow.BinaryTypes.String},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64},
	{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
	{Name: "ok", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_ms},
}

// rec makes a JSON record of shard ordinal sh at offset off with event
// time ts.
func rec(sh uint32, off uint64, ts time.Time, body string) ingest.Record {
	return ingest.Record{
		Seq:          ingest.SequenceNumber{Shard: sh, Offset: off},
		PartitionKey: fmt.Sprintf("pk%d", off%3),
		Data:         []byte(body),
		Arrival:      ts.Add(time.Second),
	}
}

func jsonRec(sh uint32, off uint64, ts time.Time) ingest.Record {
	body := fmt.Sprintf(`{"user_id":"u%d","url":"/p/%d","price":%d.5,"qty":%d,"ok":%v,"ts":%q}`,
		off%5, off, off, off*10, off%2 == 0, ts.UTC().Format(time.RFC3339Nano))
	if off%7 == 3 {
		body = fmt.Sprintf(`{"user_id":null,"url":"/p/%d","ts":%q}`, off, ts.UTC().Format(time.RFC3339Nano))
	}
	return rec(sh, off, ts, body)
}

func newDecoder(t testing.TB, mem memory.Allocator) *decode.Decoder {
	t.Helper()
	d, err := decode.New(mem, decode.Options{Columns: testColumns, EventTime: "ts"})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// decodeBatch decodes recs of one shard into a lake Batch.
func decodeBatch(t testing.TB, d *decode.Decoder, shard string, recs []ingest.Record) Batch {
	t.Helper()
	b, err := d.Decode(shard, recs)
	if err != nil {
		t.Fatal(err)
	}
	out := Batch{Shard: shard, Batch: b}
	arrivals := map[ingest.SequenceNumber]int64{}
	for _, r := range recs {
		arrivals[r.Seq] = r.Arrival.UnixMilli()
	}
	for _, e := range b.Errors {
		out.ErrorArrivals = append(out.ErrorArrivals, arrivals[e.Seq])
	}
	return out
}

func release(bs []Batch) {
	for _, b := range bs {
		if b.Record != nil {
			b.Record.Release()
		}
	}
}
