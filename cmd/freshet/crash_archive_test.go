package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// TestCrashArchiveExactlyOnce SIGKILLs `freshet serve` repeatedly while it
// delivers a stream to a file:// lake, then checks with Arrow's own Parquet
// reader that the lake holds every record of the stream exactly once.
func TestCrashArchiveExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills server processes; skipped in -short mode")
	}
	dir, lakeDir := t.TempDir(), t.TempDir()
	args := []string{"serve", "--data-dir", dir, "--listen", "127.0.0.1:0"}
	rng := rand.New(rand.NewPCG(5, 6))
	base := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	next := 0
	for round := 0; round < 4; round++ {
		srv := startChild(t, args...)
		c := kinesisClient(srv.url)
		if round == 0 {
			postSQL(t, srv.url, `CREATE STREAM ev (id BIGINT, ts TIMESTAMP) WITH (shards = 2, event_time = 'ts', archive = 'file://`+lakeDir+`', archive_buffer_interval = '1s')`)
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				var es []types.PutRecordsRequestEntry
				mu.Lock()
				for i := 0; i < 50; i++ {
					es = append(es, types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprint(next % 7)),
						Data: []byte(fmt.Sprintf(`{"id":%d,"ts":%q}`, next, base.Add(time.Duration(next)*time.Second).Format(time.RFC3339)))})
					next++
				}
				mu.Unlock()
				if _, err := c.PutRecords(context.Background(), &kinesis.PutRecordsInput{StreamName: aws.String("ev"), Records: es}); err != nil {
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
		time.Sleep(time.Duration(1200+rng.IntN(1500)) * time.Millisecond) // across a buffer interval or two
		srv.kill(t)
		close(stop)
		wg.Wait()
	}
	// A last clean run delivers the rest.
	srv := startChild(t, args...)
	c := kinesisClient(srv.url)
	inStream := map[int64]bool{}
	for _, d := range readStream(t, c, "ev") {
		var id int64
		fmt.Sscanf(string(d), `{"id":%d`, &id)
		inStream[id] = true
	}
	deadline := time.Now().Add(30 * time.Second)
	var seen map[int64]int
	for {
		seen = readLake(t, lakeDir)
		if len(seen) >= len(inStream) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("record %d is in the lake %d times", id, n)
		}
		if !inStream[id] {
			t.Fatalf("record %d is in the lake but not in the stream", id)
		}
	}
	if len(seen) != len(inStream) || len(inStream) < 200 {
		t.Fatalf("lake holds %d records, the stream %d", len(seen), len(inStream))
	}
	t.Logf("4 SIGKILLs during delivery; %d records in the lake, each once", len(seen))
}

// readLake reads the id column of every Parquet file under dir with
// Arrow's Parquet reader, counting each id.
func readLake(t *testing.T, dir string) map[int64]int {
	t.Helper()
	seen := map[int64]int{}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || !strings.HasSuffix(p, ".parquet") || strings.Contains(filepath.Base(p), ".tmp") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		pf, err := file.NewParquetReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.NewGoAllocator())
		if err != nil {
			t.Fatal(err)
		}
		tbl, err := fr.ReadTable(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		col := tbl.Column(int(tbl.Schema().FieldIndices("id")[0]))
		for _, chunk := range col.Data().Chunks() {
			ids := chunk.(*array.Int64)
			for i := 0; i < ids.Len(); i++ {
				seen[ids.Value(i)]++
			}
		}
		tbl.Release()
		pf.Close()
		return nil
	})
	return seen
}
