package lakescan

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/output"
)

// TestScanCorruptFiles: a file whose bytes are damaged anywhere makes the
// scan fail with an error naming the file, or read (when the damage is in
// bytes a reader does not check); it never crashes the process.
func TestScanCorruptFiles(t *testing.T) {
	store := newStore(t)
	putDataset(t, store)
	key := "logs/host=c/part-1.parquet"
	rc, err := store.GetRange(context.Background(), key, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	good, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "level", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "code", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "ratio", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	// Every byte would take a minute; a stride still damages every part
	// of the file (run with stride 1 once: no crash).
	failed := 0
	stride := max(1, len(good)/400)
	for off := 4; off < len(good)-8; off += stride {
		bad := bytes.Clone(good)
		bad[off] ^= 0xA5
		bad[off+1] ^= 0x5A
		if err := store.Put(context.Background(), key, bytes.NewReader(bad), int64(len(bad)), output.PutOptions{}); err != nil {
			t.Fatal(err)
		}
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		var dict []string
		if off/stride%2 == 0 {
			dict = []string{"level"} // Freshet's own decoder of dictionary indices
		}
		s, err := Open(context.Background(), Options{Store: store, Stream: "logs", Dataset: true, TimeColumn: "at", Schema: schema, Mem: mem, Dictionary: dict,
			From: base, To: base.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		for s.Next() {
		}
		if err := s.Err(); err != nil {
			failed++
			if !strings.Contains(err.Error(), key) {
				t.Fatalf("error does not name the file: %v", err)
			}
		}
		s.Close()
		mem.AssertSize(t, 0)
		// Discovery reads the footer of the first file, the damaged one here.
		only := newStore(t)
		if err := only.Put(context.Background(), "x.parquet", bytes.NewReader(bad), int64(len(bad)), output.PutOptions{}); err != nil {
			t.Fatal(err)
		}
		Discover(context.Background(), only) // an error or a schema, not a crash
	}
	if failed == 0 {
		t.Fatal("no damaged file made the scan fail")
	}
}
