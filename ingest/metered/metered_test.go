package metered_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/metered"
	"github.com/freshet/freshet/ingest/storetest"
	"github.com/freshet/freshet/ingest/streamstore"
)

// TestConformance: the wrapper behaves as the store it wraps.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, cfg storetest.Config) storetest.Harness {
		s, err := streamstore.Open(streamstore.Options{Limits: cfg.Limits, Now: cfg.Now, RetentionCheck: -1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return storetest.Harness{Store: metered.New(s), EnforceRetention: s.EnforceRetention}
	})
}

func TestCounts(t *testing.T) {
	// A stopped clock: the shard's write limit refills nothing during the test.
	clock := storetest.NewClock(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	s, err := streamstore.Open(streamstore.Options{RetentionCheck: -1, Limits: ingest.Limits{ShardWriteLimits: true}, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m := metered.New(s)
	ctx := context.Background()
	if err := m.CreateStream(ctx, ingest.CreateStreamInput{Name: "s", ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	es := make([]ingest.PutEntry, 500)
	for i := range es {
		es[i] = ingest.PutEntry{PartitionKey: "k", Data: []byte("abcd")}
	}
	for i := 0; i < 3; i++ { // 1,500 records: 500 over the shard's 1,000/s
		m.PutRecords(ctx, "s", es)
	}
	it, _ := m.ShardIterator(ctx, "s", ingest.ShardID(0), ingest.IteratorSpec{Type: ingest.TrimHorizon})
	m.GetRecords(ctx, it, 10)
	m.ReadShard(ctx, "s", ingest.ShardID(0), 1, 5)
	var b bytes.Buffer
	if err := m.WriteMetrics(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`freshet_stream_records_in_total{stream="s"} 1000`, `freshet_stream_bytes_in_total{stream="s"} 4000`,
		`freshet_stream_records_out_total{stream="s"} 15`, `freshet_stream_bytes_out_total{stream="s"} 60`,
		`freshet_stream_throttled_total{stream="s"} 500`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Fatalf("metrics lack %q:\n%s", want, b.String())
		}
	}
}
