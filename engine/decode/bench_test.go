package decode

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/ingest"
)

// benchRecords makes n click records of the benchmark's shape:
// {"user_id":"u123","url":"/checkout/cart","price":12.5,"ts":"2026-11-22T10:00:00.123Z","n":42}
func benchRecords(n int) []ingest.Record {
	out := make([]ingest.Record, n)
	for i := range out {
		out[i] = ingest.Record{
			Seq:          ingest.SequenceNumber{Shard: 1, Offset: uint64(i + 1)},
			PartitionKey: fmt.Sprintf("u%d", i%1000),
			Data: fmt.Appendf(nil, `{"user_id":"u%d","url":"/checkout/cart","price":%d.5,"ts":"2026-11-22T10:%02d:%02d.123Z","n":%d}`,
				i%1000, i%100, i/60%60, i%60, i),
			Arrival: testArrival,
		}
	}
	return out
}

// BenchmarkDecodeJSON decodes batches of 10,000 five-column records into
// Arrow, with the event time taken from ts. "jsonparser" is the Decoder as
// shipped; "encoding_json" runs the same conversions and builders behind an
// encoding/json scan (a map of raw messages per record) for comparison.
//
// Other libraries were measured while choosing, each with the same
// conversions and builders but no event time, on a quiet 2-core AMD EPYC
// with -cpu 1 (records/s): jsonparser 4.6M, fastjson 3.4–3.7M (reused
// Parser, Object.Visit), sonic 2.5–2.7M (ast.Preorder visitor; it needs a
// string copy of each record), goccy/go-json 1.0–1.1M and encoding/json
// 0.41M (both a map of raw messages per record). The shipped Decoder, event
// time included: 3.5–3.6M (encoding_json here: 0.36M).
func BenchmarkDecodeJSON(b *testing.B) {
	in := benchRecords(10000)
	opts := Options{Columns: clickCols, Output: []string{"user_id", "url", "price", "ts", "n"}, EventTime: "ts"}
	decoders := []struct {
		name   string
		decode func(d *Decoder, shard string, recs []ingest.Record) (Batch, error)
	}{
		{"jsonparser", (*Decoder).Decode},
		{"encoding_json", newStdlibDecode()},
	}
	for _, dec := range decoders {
		b.Run(dec.name, func(b *testing.B) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(b, 0)
			d, err := New(mem, opts)
			if err != nil {
				b.Fatal(err)
			}
			defer d.Release()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				batch, err := dec.decode(d, "shardId-000000000001", in)
				if err != nil || len(batch.Errors) > 0 {
					b.Fatalf("decode: %v %+v", err, batch.Errors)
				}
				batch.Record.Release()
			}
			b.ReportMetric(float64(b.N)*float64(len(in))/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// newStdlibDecode is Decode with encoding/json as the scanner.
func newStdlibDecode() func(d *Decoder, shard string, recs []ingest.Record) (Batch, error) {
	m := map[string]json.RawMessage{}
	var str string
	return func(d *Decoder, shard string, recs []ingest.Record) (Batch, error) {
		var out Batch
		d.reserve(len(recs))
		times := make([]int64, 0, len(recs))
		for i := range recs {
			r := &recs[i]
			clear(m)
			for j := range d.fields {
				d.fields[j].tok = tokAbsent
			}
			reason := ""
			if err := json.Unmarshal(r.Data, &m); err != nil {
				reason = err.Error()
			}
			for k, raw := range m {
				fi, _ := d.match([]byte(k))
				if fi < 0 || reason != "" {
					continue
				}
				f := &d.fields[fi]
				switch raw[0] {
				case '"':
					if err := json.Unmarshal(raw, &str); err != nil {
						reason = err.Error()
					}
					f.tok, f.text = tokString, []byte(str)
				case 'n':
					f.tok = tokNull
				case 't', 'f':
					f.tok, f.text = tokBool, raw
				case '{', '[':
					f.tok, f.text = tokRaw, raw
				default:
					f.tok, f.text = tokNumber, raw
				}
			}
			if reason == "" {
				reason = d.finish(r)
			}
			if reason != "" {
				out.Errors = append(out.Errors, RecordError{Seq: r.Seq, Reason: reason})
				continue
			}
			d.appendRow(shard, r)
			times = append(times, d.event)
		}
		out.Record = d.rb.NewRecord()
		out.EventTimes = times
		return out, nil
	}
}

// BenchmarkDecodeCSV is the same records as CSV lines.
func BenchmarkDecodeCSV(b *testing.B) {
	in := benchRecords(10000)
	for i := range in {
		in[i].Data = fmt.Appendf(nil, `u%d,/checkout/cart,%d.5,2026-11-22T10:%02d:%02d.123Z,%d`, i%1000, i%100, i/60%60, i%60, i)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	d, err := New(mem, Options{Format: CSV, Columns: clickCols, Output: []string{"user_id", "url", "price", "ts", "n"}, EventTime: "ts"})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Release()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		batch, err := d.Decode("shardId-000000000001", in)
		if err != nil || len(batch.Errors) > 0 {
			b.Fatalf("decode: %v %+v", err, batch.Errors)
		}
		batch.Record.Release()
	}
	b.ReportMetric(float64(b.N)*float64(len(in))/b.Elapsed().Seconds(), "records/s")
}
