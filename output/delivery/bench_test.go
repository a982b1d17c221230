package delivery

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/freshet/freshet/engine/decode"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/streamstore"
	"github.com/freshet/freshet/output/miniotest"
	"github.com/freshet/freshet/output/s3store"
)

var benchColumns = []decode.Column{
	{Name: "user_id", Type: arrow.BinaryTypes.String},
	{Name: "session", Type: arrow.BinaryTypes.String},
	{Name: "url", Type: arrow.BinaryTypes.String},
	{Name: "referrer", Type: arrow.BinaryTypes.String},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64},
	{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
	{Name: "mobile", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_ms},
}

// BenchmarkDeliveryMinIO measures delivery of JSON records from the stream
// store to MinIO on loopback: decode, Parquet (snappy) and upload. The
// reported MB/s is of JSON input.
func BenchmarkDeliveryMinIO(b *testing.B) {
	srv := miniotest.Start(b)
	ctx := context.Background()
	src, err := streamstore.Open(streamstore.Options{RetentionCheck: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	if err := src.CreateStream(ctx, ingest.CreateStreamInput{Name: "clicks", ShardCount: 2}); err != nil {
		b.Fatal(err)
	}
	const total = 128 << 20
	var bytes int64
	var entries []ingest.PutEntry
	for i := 0; bytes < total; i++ {
		ts := t0.Add(time.Duration(i) * time.Millisecond)
		body := fmt.Sprintf(`{"user_id":"user-%d","session":"s-%08x","url":"/products/category-%d/item-%d?ref=campaign","referrer":"https://www.example.com/search?q=item+%d","price":%d.99,"qty":%d,"mobile":%v,"ts":%q}`,
			i%10000, i*2654435761%1000003, i%40, i, i%997, i%500, i%7, i%3 == 0, ts.Format(time.RFC3339Nano))
		bytes += int64(len(body))
		entries = append(entries, ingest.PutEntry{PartitionKey: fmt.Sprintf("user-%d", i%10000), Data: []byte(body)})
		if len(entries) == 500 {
			if _, err := src.PutRecords(ctx, "clicks", entries); err != nil {
				b.Fatal(err)
			}
			entries = entries[:0]
		}
	}
	if len(entries) > 0 {
		if _, err := src.PutRecords(ctx, "clicks", entries); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(bytes)
	b.ResetTimer()
	for i := range b.N {
		objs, err := s3store.Open(ctx, srv.Bucket, fmt.Sprintf("bench%d", i), srv.S3Config())
		if err != nil {
			b.Fatal(err)
		}
		r, err := New(Config{Source: src, Stream: "clicks", Objects: objs,
			Decode: decode.Options{Columns: benchColumns, EventTime: "ts"}, BufferBytes: 64 << 20})
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Step(ctx); err != nil {
				b.Fatal(err)
			}
			st := r.Stats()
			if st.LagRecords == 0 && st.BufferedRecords > 0 {
				r.cfg.BufferInterval = time.Nanosecond // flush the tail
			}
			if st.LagRecords == 0 && st.BufferedRecords == 0 && st.DeliveredRecords > 0 {
				break
			}
		}
		r.Close()
	}
}
