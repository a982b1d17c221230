package lake

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/output"
)

// hasDictionary reports, for each named column of a lake file, whether its
// first row group is dictionary-encoded.
func hasDictionary(t *testing.T, store output.ObjectStore, key string, names ...string) []bool {
	t.Helper()
	raw, err := output.ReadAll(context.Background(), store, key)
	if err != nil {
		t.Fatal(err)
	}
	pf, err := file.NewParquetReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	var out []bool
	for _, n := range names {
		cc, err := pf.MetaData().RowGroup(0).ColumnChunk(pf.MetaData().Schema.ColumnIndexByName(n))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, cc.HasDictionaryPage())
	}
	return out
}

// String columns with few distinct values are dictionary-encoded, the
// others not; a file too small for a dictionary to pay is not; files of
// both kinds merge, and every value reads back.
func TestDictionaryEncoding(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	d := newDecoder(t, mem)
	defer d.Release()
	store := newStore(t)
	w, err := NewWriter(store, Config{Stream: "s", Columns: testColumns})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	hour := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var keys []string
	for _, n := range []int{300, 1} { // a large flush, then a one-record one
		var recs []ingest.Record
		for range n {
			off := uint64(len(keys)*1000 + len(recs) + 1)
			recs = append(recs, jsonRec(0, off, hour.Add(time.Duration(off)*time.Second)))
		}
		b := []Batch{decodeBatch(t, d, ingest.ShardID(0), recs)}
		res, err := w.Write(ctx, b)
		release(b)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, res.Files[0].Key)
	}
	cols := []string{"user_id", "url", "_partition_key", "_shard", "_sequence"}
	if got := hasDictionary(t, store, keys[0], cols...); !slices.Equal(got, []bool{true, false, true, true, false}) {
		t.Errorf("dictionary columns of %v: %v", cols, got)
	}
	if got := hasDictionary(t, store, keys[1], cols...); !slices.Equal(got, []bool{false, false, false, false, false}) {
		t.Errorf("one-row file: dictionary columns of %v: %v", cols, got)
	}
	if err := w.MarkComplete(ctx, "s/dt=2026-11-22/hr=10"); err != nil {
		t.Fatal(err)
	}
	res, err := Compact(ctx, store, "s", CompactOptions{})
	if err != nil || res.Merged != 1 || res.Removed != 2 {
		t.Fatalf("compact: %+v %v", res, err)
	}
	objs, err := output.ListAll(ctx, store, "s/dt=2026-11-22/hr=10/part-")
	if err != nil || len(objs) != 1 {
		t.Fatalf("after compaction: %v %v", objs, err)
	}
	tbl := readArrow(t, store, objs[0].Key)
	defer tbl.Release()
	if tbl.NumRows() != 301 {
		t.Fatalf("%d rows", tbl.NumRows())
	}
	user := tbl.Column(tbl.Schema().FieldIndices("user_id")[0]).Data().Chunk(0).(*array.String)
	url := tbl.Column(tbl.Schema().FieldIndices("url")[0]).Data().Chunk(0).(*array.String)
	for i := range 301 {
		off := uint64(i + 1)
		if i == 300 {
			off = 1001
		}
		want := jsonRec(0, off, hour)
		if off%7 == 3 {
			if !user.IsNull(i) {
				t.Fatalf("row %d: user_id %q, want null", i, user.Value(i))
			}
		} else if got := "u" + string(rune('0'+off%5)); user.Value(i) != got {
			t.Fatalf("row %d: user_id %q, want %q (%s)", i, user.Value(i), got, want.Data)
		}
		if !bytes.Contains(want.Data, []byte(`"url":"`+url.Value(i)+`"`)) {
			t.Fatalf("row %d: url %q (%s)", i, url.Value(i), want.Data)
		}
	}
}

// A merged file takes the encodings of its first file: a dictionary column
// whose later values are many falls back to plain pages, and every value
// reads back.
func TestCompactDictionaryFallback(t *testing.T) {
	d := newDecoder(t, memory.NewGoAllocator())
	defer d.Release()
	store := newStore(t)
	w, err := NewWriter(store, Config{Stream: "s", Columns: testColumns})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	hour := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	user := func(off uint64) string {
		if off <= 100 {
			return fmt.Sprintf("u%d", off%3)
		}
		return fmt.Sprintf("user-%060d", off) // 20,000 of these: 1.3 MB
	}
	for _, r := range [][2]uint64{{1, 100}, {101, 20100}} {
		var recs []ingest.Record
		for off := r[0]; off <= r[1]; off++ {
			recs = append(recs, rec(0, off, hour, fmt.Sprintf(`{"user_id":%q,"ts":%q}`, user(off), hour.Format(time.RFC3339))))
		}
		b := []Batch{decodeBatch(t, d, ingest.ShardID(0), recs)}
		_, err := w.Write(ctx, b)
		release(b)
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.MarkComplete(ctx, "s/dt=2026-11-22/hr=10"); err != nil {
		t.Fatal(err)
	}
	if res, err := Compact(ctx, store, "s", CompactOptions{}); err != nil || res.Merged != 1 {
		t.Fatalf("compact: %+v %v", res, err)
	}
	objs, err := output.ListAll(ctx, store, "s/dt=2026-11-22/hr=10/part-")
	if err != nil || len(objs) != 1 {
		t.Fatalf("after compaction: %v %v", objs, err)
	}
	tbl := readArrow(t, store, objs[0].Key)
	defer tbl.Release()
	i := uint64(1)
	for _, ch := range tbl.Column(tbl.Schema().FieldIndices("user_id")[0]).Data().Chunks() {
		for j := range ch.Len() {
			if got := ch.(*array.String).Value(j); got != user(i) {
				t.Fatalf("row %d: %q, want %q", i, got, user(i))
			}
			i++
		}
	}
	if i != 20101 {
		t.Fatalf("%d rows", i-1)
	}
}
