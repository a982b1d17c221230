package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/ingest/streamstore"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/storeurl"
)

// TestArchiveDelivery: a stream created with archive = 'file://…' is
// delivered to Hive-partitioned Parquet, DESCRIBE shows the delivery, and
// delivery resumes after the engine is reopened on the same directory
// without writing anything twice.
func TestArchiveDelivery(t *testing.T) {
	lakeDir := t.TempDir()
	dir := t.TempDir()
	store, err := streamstore.Open(streamstore.Options{RetentionCheck: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	open := func() *engine.Engine {
		eng, err := engine.Open(engine.Options{Store: store, Dir: dir, Mem: memory.NewGoAllocator(),
			OpenArchive: func(ctx context.Context, url string) (output.ObjectStore, error) {
				return storeurl.Open(ctx, url, output.S3Config{})
			}})
		if err != nil {
			t.Fatal(err)
		}
		return eng
	}
	eng := open()
	res, err := eng.Execute(context.Background(), `CREATE STREAM clicks (user_id VARCHAR, ts TIMESTAMP)
		WITH (shards = 2, event_time = 'ts', archive = 'file://`+lakeDir+`/raw', archive_buffer_interval = '1s', archive_compression = 'zstd')`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Message, "Archived to file://") {
		t.Fatalf("create: %q", res.Message)
	}
	res.Close()
	put(t, store, "clicks", []string{
		`{"user_id":"u1","ts":"2026-11-22T10:00:00Z"}`, `{"user_id":"u2","ts":"2026-11-22T11:30:00Z"}`, `not json`,
	})
	parquet := func() []string {
		var files []string
		filepath.Walk(lakeDir, func(p string, info os.FileInfo, err error) error {
			if err == nil && strings.HasSuffix(p, ".parquet") {
				files = append(files, strings.TrimPrefix(p, lakeDir+"/"))
			}
			return nil
		})
		return files
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(parquet()) < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	files := parquet()
	if len(files) != 2 || !strings.Contains(strings.Join(files, " "), "raw/clicks/dt=2026-11-22/hr=10/part-shardId-") || !strings.Contains(strings.Join(files, " "), "hr=11/") {
		t.Fatalf("lake files: %v", files)
	}
	// The counters follow the checkpoint, which comes right after the upload.
	var desc string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if desc = strings.Join(collect(t, eng, "DESCRIBE clicks"), "\n"); strings.Contains(desc, "(archive delivered),3 records in") {
			break
		}
	}
	if !strings.Contains(desc, "(archive delivered),3 records in") {
		t.Fatalf("DESCRIBE:\n%s", desc)
	}
	eng.Close()
	eng = open()
	defer eng.Close()
	time.Sleep(1500 * time.Millisecond) // a buffer interval: nothing new may appear
	if got := parquet(); len(got) != 2 {
		t.Fatalf("after reopening: %v", got)
	}
}

// TestAlterStreamAddsArchive: ALTER STREAM … SET (archive = …) adds a lake
// to an existing stream, which then receives the records already retained.
func TestAlterStreamAddsArchive(t *testing.T) {
	lakeDir := t.TempDir()
	store, err := streamstore.Open(streamstore.Options{RetentionCheck: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	eng, err := engine.Open(engine.Options{Store: store, Dir: t.TempDir(), Mem: memory.NewGoAllocator(),
		OpenArchive: func(ctx context.Context, url string) (output.ObjectStore, error) {
			return storeurl.Open(ctx, url, output.S3Config{})
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	res, err := eng.Execute(ctx, `CREATE STREAM s (id BIGINT)`)
	if err != nil {
		t.Fatal(err)
	}
	res.Close()
	put(t, store, "s", []string{`{"id":1}`, `{"id":2}`})
	if _, err := eng.Execute(ctx, `ALTER STREAM s SET (archive_partition_by = 'nope')`); err == nil || !strings.Contains(err.Error(), "unknown column") {
		t.Fatalf("bad alter: %v", err)
	}
	res, err = eng.Execute(ctx, `ALTER STREAM s SET (archive = 'file://`+lakeDir+`', archive_buffer_interval = '1s')`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Message, "altered: archive, archive_buffer_interval") {
		t.Fatalf("alter: %q", res.Message)
	}
	res.Close()
	deadline := time.Now().Add(15 * time.Second)
	for {
		desc := strings.Join(collect(t, eng, "DESCRIBE s"), "\n")
		if strings.Contains(desc, "(archive delivered),2 records in 1 files") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not delivered:\n%s", desc)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
