package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

func postSQL(t *testing.T, url, stmt string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"sql": stmt})
	resp, err := http.Post(url+"/v1/sql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		t.Fatalf("%s: %s %s", stmt, resp.Status, b.String())
	}
}

// readStream reads every record of a stream through the Kinesis API.
func readStream(t *testing.T, c *kinesis.Client, stream string) [][]byte {
	t.Helper()
	ctx := context.Background()
	shards, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(stream)})
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, sh := range shards.Shards {
		it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(stream), ShardId: sh.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		for iter := it.ShardIterator; iter != nil; {
			r, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(5000)})
			if err != nil {
				t.Fatal(err)
			}
			for _, rec := range r.Records {
				out = append(out, rec.Data)
			}
			if len(r.Records) == 0 {
				break
			}
			iter = r.NextShardIterator
		}
	}
	return out
}

// TestCrashPersistentQueryExactlyOnce runs a windowed persistent query in a
// `freshet serve` process, SIGKILLs the process at random moments while
// input flows, restarts it, and finally checks that the output stream holds
// exactly the rows an uninterrupted run computes from the input stream:
// every window once, none missing, none twice.
func TestCrashPersistentQueryExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills server processes; skipped in -short mode")
	}
	dir := t.TempDir()
	args := []string{"serve", "--data-dir", dir, "--listen", "127.0.0.1:0", "--checkpoint-interval", "30ms"}
	rng := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var tick atomic.Int64 // event time, in seconds after base, shared by producers
	const rounds = 4
	for round := 0; round < rounds; round++ {
		srv := startChild(t, args...)
		c := kinesisClient(srv.url)
		if round == 0 {
			postSQL(t, srv.url, `CREATE STREAM clicks (user_id VARCHAR, ts TIMESTAMP) WITH (shards = 3, event_time = 'ts', watermark_delay = '2m', idle_timeout = '1h')`)
			postSQL(t, srv.url, `CREATE STREAM per_minute (user_id VARCHAR, n BIGINT, window_start TIMESTAMP) WITH (shards = 2)`)
			postSQL(t, srv.url, `INSERT INTO per_minute SELECT user_id, COUNT(*) AS n, TUMBLE_START(ts, INTERVAL 1 MINUTE) AS window_start FROM clicks GROUP BY user_id, TUMBLE(ts, INTERVAL 1 MINUTE)`)
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for p := 0; p < 2; p++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				prng := rand.New(rand.NewPCG(uint64(round), uint64(p)))
				for {
					select {
					case <-stop:
						return
					default:
					}
					var es []types.PutRecordsRequestEntry
					for i := 0; i < 20; i++ {
						ts := base.Add(time.Duration(tick.Add(1)) * time.Second)
						u := fmt.Sprintf("u%d", prng.IntN(4))
						es = append(es, types.PutRecordsRequestEntry{PartitionKey: aws.String(u),
							Data: []byte(fmt.Sprintf(`{"user_id":%q,"ts":%q}`, u, ts.Format(time.RFC3339)))})
					}
					if _, err := c.PutRecords(context.Background(), &kinesis.PutRecordsInput{StreamName: aws.String("clicks"), Records: es}); err != nil {
						return
					}
					time.Sleep(5 * time.Millisecond)
				}
			}()
		}
		time.Sleep(time.Duration(200+rng.IntN(400)) * time.Millisecond)
		srv.kill(t)
		close(stop)
		wg.Wait()
	}
	// A last, clean run: one record in every shard far in the future
	// closes every window, then the output must settle.
	srv := startChild(t, args...)
	c := kinesisClient(srv.url)
	var es []types.PutRecordsRequestEntry
	for i := 0; i < 30; i++ {
		es = append(es, types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("flush%d", i)),
			Data: []byte(fmt.Sprintf(`{"user_id":"flush","ts":%q}`, base.Add(48*time.Hour).Format(time.RFC3339)))})
	}
	if _, err := c.PutRecords(context.Background(), &kinesis.PutRecordsInput{StreamName: aws.String("clicks"), Records: es}); err != nil {
		t.Fatal(err)
	}
	// The expected rows, computed from the input stream itself.
	want := map[string]int{}
	for _, d := range readStream(t, c, "clicks") {
		var r struct{ User_id, Ts string }
		if err := json.Unmarshal(d, &r); err != nil {
			t.Fatal(err)
		}
		if r.User_id == "flush" {
			continue
		}
		ts, _ := time.Parse(time.RFC3339, r.Ts)
		want[r.User_id+"|"+ts.Truncate(time.Minute).Format(time.RFC3339)]++
	}
	if len(want) < 8 {
		t.Fatalf("only %d windows of input: the test did not load the server", len(want))
	}
	var got map[string]int
	deadline := time.Now().Add(20 * time.Second)
	for {
		got = map[string]int{}
		dups := 0
		for _, d := range readStream(t, c, "per_minute") {
			var r struct {
				User_id      string
				N            int
				Window_start string
			}
			if err := json.Unmarshal(d, &r); err != nil {
				t.Fatal(err)
			}
			ws, _ := time.Parse(time.RFC3339, r.Window_start)
			k := r.User_id + "|" + ws.Format(time.RFC3339)
			if _, ok := got[k]; ok {
				dups++
			}
			got[k] = r.N
		}
		if dups > 0 {
			t.Fatalf("%d windows delivered twice", dups)
		}
		if len(got) >= len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	var diffs []string
	for k, n := range want {
		if got[k] != n {
			diffs = append(diffs, fmt.Sprintf("%s: got %d want %d", k, got[k], n))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: unexpected", k))
		}
	}
	if len(diffs) > 0 {
		t.Fatalf("output differs from an uninterrupted run after %d SIGKILLs:\n%s", rounds, strings.Join(diffs, "\n"))
	}
	t.Logf("%d rounds killed; %d windows, each delivered exactly once", rounds, len(want))
}
