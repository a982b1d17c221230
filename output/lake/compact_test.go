package lake

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/output"
)

// Compaction merges the small files of closed hour partitions per shard,
// and leaves open partitions alone; the merged file holds the same rows in
// sequence order and reads back with Arrow.
func TestCompact(t *testing.T) {
	mem := memory.NewGoAllocator()
	d := newDecoder(t, mem)
	defer d.Release()
	store := newStore(t)
	w, err := NewWriter(store, Config{Stream: "s", Columns: testColumns})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Five flushes of 20 records per shard, all in hours 10 and 11.
	off := map[uint32]uint64{0: 1, 1: 1}
	for flush := range 5 {
		var batches []Batch
		for sh := uint32(0); sh < 2; sh++ {
			var recs []ingest.Record
			for range 20 {
				hr := time.Duration(flush%2) * time.Hour
				recs = append(recs, jsonRec(sh, off[sh], time.Date(2026, 11, 22, 10, 0, int(off[sh]), 0, time.UTC).Add(hr)))
				off[sh]++
			}
			batches = append(batches, decodeBatch(t, d, ingest.ShardID(sh), recs))
		}
		if _, err := w.Write(ctx, batches); err != nil {
			t.Fatal(err)
		}
		release(batches)
	}
	if err := w.MarkComplete(ctx, "s/dt=2026-11-22/hr=10"); err != nil {
		t.Fatal(err)
	}
	before, _ := output.ListAll(ctx, store, "s/dt=2026-11-22/hr=10/")
	if len(before) != 7 { // 3 flushes x 2 shards + marker
		t.Fatalf("%d objects before", len(before))
	}
	res, err := Compact(ctx, store, "s", CompactOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Merged != 2 || res.Removed != 6 {
		t.Fatalf("%+v", res)
	}
	after, _ := output.ListAll(ctx, store, "s/dt=2026-11-22/hr=10/")
	if len(after) != 3 {
		t.Fatalf("hour 10 after: %v", after)
	}
	// Hour 11 has no marker: untouched.
	h11, _ := output.ListAll(ctx, store, "s/dt=2026-11-22/hr=11/")
	if len(h11) != 4 {
		t.Fatalf("hour 11 after: %d objects", len(h11))
	}
	for _, o := range after {
		if !strings.HasSuffix(o.Key, ".parquet") {
			continue
		}
		sh, first, last, _ := ParseFileName(o.Key)
		tbl := readArrow(t, store, o.Key)
		if tbl.NumRows() != 60 {
			t.Fatalf("%s: %d rows", o.Key, tbl.NumRows())
		}
		seqIdx := tbl.Schema().FieldIndices("_sequence")[0]
		var seqs []string
		for _, ch := range tbl.Column(seqIdx).Data().Chunks() {
			for i := range ch.Len() {
				seqs = append(seqs, ch.(*array.String).Value(i))
			}
		}
		if seqs[0] != first || seqs[len(seqs)-1] != last {
			t.Fatalf("%s: rows %s..%s", o.Key, seqs[0], seqs[len(seqs)-1])
		}
		for i := 1; i < len(seqs); i++ {
			if seqs[i] <= seqs[i-1] {
				t.Fatalf("%s: rows out of sequence order", o.Key)
			}
		}
		if _, ok := tbl.Schema().FieldsByName("ts"); !ok || !strings.Contains(tbl.Schema().Field(5).Type.String(), "UTC") {
			t.Fatalf("%s (shard %s): ts type %v", o.Key, sh, tbl.Schema().Field(5).Type)
		}
		tbl.Release()
	}
	// Again: nothing left to merge.
	res, err = Compact(ctx, store, "s", CompactOptions{})
	if err != nil || res.Merged != 0 || res.Removed != 0 {
		t.Fatalf("second compaction: %+v %v", res, err)
	}
	// A delivery retry re-uploads a small file that was merged: readers
	// skip it (the merged file contains its range) and the next
	// compaction deletes it.
	// (Only its key matters here, not its bytes.)
	redo := before[len(before)-1].Key // before[0] is _SUCCESS
	if err := output.PutBytes(ctx, store, redo, []byte("stale copy"), output.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err = Compact(ctx, store, "s", CompactOptions{})
	if err != nil || res.Merged != 0 || res.Removed != 1 {
		t.Fatalf("third compaction: %+v %v", res, err)
	}
	if _, err := store.Stat(ctx, redo); err == nil {
		t.Fatal("contained file kept")
	}
}
