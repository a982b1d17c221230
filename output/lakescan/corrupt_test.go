package lakescan

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

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

// TestScanDamagedFooter: footers whose column chunks point outside the
// file (here a negative size, which makes arrow-go panic in a goroutine
// of its own, where no recover reaches) fail the scan with an error.
func TestScanDamagedFooter(t *testing.T) {
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
	n := int(binary.LittleEndian.Uint32(good[len(good)-8:]))
	footer := good[len(good)-8-n : len(good)-8]
	schema := arrow.NewSchema([]arrow.Field{{Name: "code", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	for name, damage := range map[string]func(*format.ColumnMetaData){
		"negative size":   func(c *format.ColumnMetaData) { c.TotalCompressedSize = -5 },
		"past the end":    func(c *format.ColumnMetaData) { c.DataPageOffset, c.DictionaryPageOffset = int64(len(good)), 0 },
		"negative offset": func(c *format.ColumnMetaData) { c.DataPageOffset = -100 },
	} {
		var md format.FileMetaData
		if err := thrift.Unmarshal(new(thrift.CompactProtocol), footer, &md); err != nil {
			t.Fatal(err)
		}
		damage(&md.RowGroups[0].Columns[1].MetaData) // the column "code"
		nf, err := thrift.Marshal(new(thrift.CompactProtocol), &md)
		if err != nil {
			t.Fatal(err)
		}
		bad := append(append(bytes.Clone(good[:len(good)-8-n]), nf...), binary.LittleEndian.AppendUint32(nil, uint32(len(nf)))...)
		bad = append(bad, "PAR1"...)
		if err := store.Put(context.Background(), key, bytes.NewReader(bad), int64(len(bad)), output.PutOptions{}); err != nil {
			t.Fatal(err)
		}
		s, err := Open(context.Background(), Options{Store: store, Stream: "logs", Dataset: true, Schema: schema})
		if err != nil {
			t.Fatal(err)
		}
		for s.Next() {
		}
		if err := s.Err(); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s: scan error %v", name, err)
		}
		s.Close()
	}
}
