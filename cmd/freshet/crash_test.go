package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// child is a `freshet serve` process started from the test binary.
type child struct {
	cmd *exec.Cmd
	url string
}

func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	js, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(js))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, url: waitForAddress(t, stdout)}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return c
}

func (c *child) kill(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.cmd.Wait()
}

// acked is a record the server acknowledged.
type acked struct {
	shard, seq string
	key        string
	data       []byte
}

// TestCrashLosesNothingAcknowledged starts `freshet serve` as a child
// process, writes from several producers, SIGKILLs it at a random moment,
// restarts it, and repeats; then it checks that every acknowledged record is
// present exactly once, byte-identical, in order per shard and per key.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills server processes; skipped in -short mode")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	const rounds, producers = 5, 4
	var mu sync.Mutex
	var all []acked
	sent := map[string]int{} // record id → times sent (each id is sent once)

	for round := 0; round < rounds; round++ {
		srv := startChild(t, "serve", "--data-dir", dir, "--listen", "127.0.0.1:0")
		c := kinesisClient(srv.url)
		ctx := context.Background()
		if round == 0 {
			if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("crash"), ShardCount: aws.Int32(4)}); err != nil {
				t.Fatal(err)
			}
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for p := 0; p < producers; p++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				prng := rand.New(rand.NewPCG(uint64(round), uint64(p)))
				for n := 0; ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					var es []types.PutRecordsRequestEntry
					var ids []string
					for i := 0; i < 50; i++ {
						id := fmt.Sprintf("r%d-p%d-b%d-i%d", round, p, n, i)
						data := make([]byte, 20+prng.IntN(200))
						for j := range data {
							data[j] = byte(prng.Uint32())
						}
						copy(data, id+"|")
						es = append(es, types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("p%d-k%d", p, i%8)), Data: data})
						ids = append(ids, id)
					}
					mu.Lock()
					for _, id := range ids {
						sent[id]++
					}
					mu.Unlock()
					out, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("crash"), Records: es})
					if err != nil {
						return // the server is gone: nothing of this batch was acknowledged
					}
					mu.Lock()
					for i, r := range out.Records {
						if r.ErrorCode == nil {
							all = append(all, acked{shard: aws.ToString(r.ShardId), seq: aws.ToString(r.SequenceNumber), key: aws.ToString(es[i].PartitionKey), data: es[i].Data})
						}
					}
					mu.Unlock()
				}
			}()
		}
		time.Sleep(time.Duration(150+rng.IntN(600)) * time.Millisecond)
		if round == 2 {
			// Reshard under load, then crash soon after.
			if _, err := c.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String("crash"), TargetShardCount: aws.Int32(6), ScalingType: types.ScalingTypeUniformScaling}); err != nil {
				t.Fatalf("update shard count: %v", err)
			}
			time.Sleep(time.Duration(50+rng.IntN(200)) * time.Millisecond)
		}
		srv.kill(t)
		close(stop)
		wg.Wait()
	}

	// Read everything back from a fresh server.
	srv := startChild(t, "serve", "--data-dir", dir, "--listen", "127.0.0.1:0")
	c := kinesisClient(srv.url)
	ctx := context.Background()
	shards, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("crash")})
	if err != nil {
		t.Fatal(err)
	}
	if len(shards.Shards) < 10 {
		t.Fatalf("after resharding 4 to 6 there are %d shards", len(shards.Shards))
	}
	type stored struct {
		data []byte
		pos  int
	}
	got := map[string]stored{}
	perShardSeqs := map[string][]string{}
	count := map[string]int{} // record id → times stored
	for _, sh := range shards.Shards {
		id := aws.ToString(sh.ShardId)
		it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("crash"), ShardId: sh.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		iter := it.ShardIterator
		var prev *big.Int
		for iter != nil {
			out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(5000)})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range out.Records {
				seq := aws.ToString(r.SequenceNumber)
				n, _ := new(big.Int).SetString(seq, 10)
				if prev != nil && n.Cmp(prev) <= 0 {
					t.Fatalf("shard %s: sequence %s after %s", id, seq, prev)
				}
				prev = n
				if _, dup := got[seq]; dup {
					t.Fatalf("sequence number %s stored twice", seq)
				}
				got[seq] = stored{data: r.Data, pos: len(perShardSeqs[id])}
				perShardSeqs[id] = append(perShardSeqs[id], seq)
				count[string(bytes.SplitN(r.Data, []byte("|"), 2)[0])]++
			}
			if len(out.Records) == 0 && out.NextShardIterator != nil && aws.ToInt64(out.MillisBehindLatest) == 0 {
				break // an open shard, read to its end
			}
			iter = out.NextShardIterator
		}
	}
	if len(all) < 1000 {
		t.Fatalf("only %d records acknowledged in %d rounds: the test did not load the server", len(all), rounds)
	}
	for _, a := range all {
		g, ok := got[a.seq]
		if !ok {
			t.Fatalf("acknowledged record %s in %s is missing after crashes", a.seq, a.shard)
		}
		if !bytes.Equal(g.data, a.data) {
			t.Fatalf("record %s differs after crashes", a.seq)
		}
	}
	for id, n := range count {
		if n != 1 || sent[id] != 1 {
			t.Fatalf("record %s stored %d times, sent %d times", id, n, sent[id])
		}
	}
	// Per key, acknowledged records keep their put order.
	lastByKey := map[string]string{}
	for _, a := range all {
		if prev := lastByKey[a.key]; prev != "" && a.seq <= prev {
			t.Fatalf("key %s: %s acknowledged after %s", a.key, a.seq, prev)
		}
		lastByKey[a.key] = a.seq
	}
	t.Logf("%d rounds, %d records acknowledged, %d stored (the rest were in flight at a kill)", rounds, len(all), len(got))
}
