package lake

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/output"
)

// The same records, batched differently and written twice, give the same
// keys and the same bytes.
func TestDeterministic(t *testing.T) {
	mem := memory.NewGoAllocator()
	d := newDecoder(t, mem)
	defer d.Release()
	var recs []ingest.Record
	for off := uint64(1); off <= 10000; off++ {
		recs = append(recs, jsonRec(2, off, base.Add(time.Duration(off)*time.Second)))
	}
	write := func(cuts []int, rowGroupBytes int64, compression string) map[string][]byte {
		store := newStore(t)
		w, err := NewWriter(store, Config{Stream: "s", Columns: testColumns, RowGroupBytes: rowGroupBytes, Compression: compression})
		if err != nil {
			t.Fatal(err)
		}
		var batches []Batch
		prev := 0
		for _, c := range append(cuts, len(recs)) {
			batches = append(batches, decodeBatch(t, d, "shardId-000000000002", recs[prev:c]))
			prev = c
		}
		defer release(batches)
		if _, err := w.Write(context.Background(), batches); err != nil {
			t.Fatal(err)
		}
		out := map[string][]byte{}
		all, _ := output.ListAll(context.Background(), store, "")
		for _, o := range all {
			b, _ := output.ReadAll(context.Background(), store, o.Key)
			out[o.Key] = b
		}
		return out
	}
	for _, comp := range []string{"snappy", "zstd", "gzip", "none"} {
		a := write(nil, 64<<10, comp)
		b := write([]int{1, 500, 4097, 9000}, 64<<10, comp)
		if len(a) != 4 || len(a) != len(b) {
			t.Fatalf("%s: %d and %d files", comp, len(a), len(b))
		}
		for k, v := range a {
			if !bytes.Equal(v, b[k]) {
				t.Fatalf("%s: %s differs between runs", comp, k)
			}
		}
		// A small row-group size cuts several row groups.
		for k, v := range a {
			pf, err := file.NewParquetReader(bytes.NewReader(v))
			if err != nil {
				t.Fatalf("%s: %s: %v", comp, k, err)
			}
			if pf.NumRowGroups() < 2 && pf.NumRows() > 3000 {
				t.Errorf("%s: %s: %d rows in %d row group(s)", comp, k, pf.NumRows(), pf.NumRowGroups())
			}
			pf.Close()
		}
	}
}

func TestPartitionByAndEscaping(t *testing.T) {
	mem := memory.NewGoAllocator()
	d := newDecoder(t, mem)
	defer d.Release()
	store := newStore(t)
	w, err := NewWriter(store, Config{Stream: "s", Columns: testColumns, PartitionBy: []string{"user_id"}})
	if err != nil {
		t.Fatal(err)
	}
	ts := base.Add(3 * time.Minute)
	recs := []ingest.Record{
		rec(0, 1, ts, `{"user_id":"eu/west=1","ts":"2026-11-22T10:01:00Z"}`),
		rec(0, 2, ts, `{"user_id":"..","ts":"2026-11-22T10:01:00Z"}`),
		rec(0, 3, ts, `{"user_id":null,"ts":"2026-11-22T10:01:00Z"}`),
		rec(0, 4, ts, `{"user_id":"plain","ts":"2026-11-22T10:01:00Z"}`),
		rec(0, 5, ts, `{"user_id":"plain","ts":"2026-11-22T10:02:00Z"}`),
	}
	b := decodeBatch(t, d, "shardId-000000000000", recs)
	defer release([]Batch{b})
	res, err := w.Write(context.Background(), []Batch{b})
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, f := range res.Files {
		dirs = append(dirs, f.Key[:strings.LastIndex(f.Key, "/")])
	}
	want := "s/dt=2026-11-22/hr=10/user_id=%2E%2E,s/dt=2026-11-22/hr=10/user_id=__HIVE_DEFAULT_PARTITION__,s/dt=2026-11-22/hr=10/user_id=eu%2Fwest%3D1,s/dt=2026-11-22/hr=10/user_id=plain"
	if got := strings.Join(dirs, ","); got != want {
		t.Fatalf("dirs\n%s\nwant\n%s", got, want)
	}
	if res.Files[3].Rows != 2 {
		t.Fatalf("plain partition has %d rows", res.Files[3].Rows)
	}
	if UnescapeValue("eu%2Fwest%3D1") != "eu/west=1" {
		t.Fatal("unescape")
	}
	if _, err := NewWriter(store, Config{Stream: "s", Columns: testColumns, PartitionBy: []string{"nope"}}); err == nil {
		t.Fatal("unknown partition field accepted")
	}
}

// Records that fail to decode go to errors/… as JSON lines with the reason.
func TestErrorPrefix(t *testing.T) {
	mem := memory.NewGoAllocator()
	d := newDecoder(t, mem)
	defer d.Release()
	store := newStore(t)
	w, err := NewWriter(store, Config{Stream: "s", Columns: testColumns})
	if err != nil {
		t.Fatal(err)
	}
	recs := []ingest.Record{
		jsonRec(1, 1, base),
		rec(1, 2, base, `{"price":"abc","ts":"2026-11-22T10:00:00Z"}`),
		rec(1, 3, base, `not json`),
		jsonRec(1, 4, base),
	}
	b := decodeBatch(t, d, "shardId-000000000001", recs)
	defer release([]Batch{b})
	res, err := w.Write(context.Background(), []Batch{b})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 || res.ErrorRows != 2 || len(res.ErrorFiles) != 1 {
		t.Fatalf("%+v", res)
	}
	key := res.ErrorFiles[0].Key
	want := "errors/s/dt=2026-11-22/hr=09/errors-shardId-000000000001-" +
		ingest.SequenceNumber{Shard: 1, Offset: 2}.String() + "-" + ingest.SequenceNumber{Shard: 1, Offset: 3}.String() + ".json"
	if key != want {
		t.Fatalf("error key %s\nwant %s", key, want)
	}
	raw, _ := output.ReadAll(context.Background(), store, key)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	var l errorLine
	if err := json.Unmarshal([]byte(lines[0]), &l); err != nil {
		t.Fatal(err)
	}
	data, _ := base64.StdEncoding.DecodeString(l.RawData)
	if !strings.Contains(l.ErrorMessage, "price") || string(data) != `{"price":"abc","ts":"2026-11-22T10:00:00Z"}` ||
		l.ShardID != "shardId-000000000001" || l.Arrival != base.Add(time.Second).UnixMilli() {
		t.Fatalf("error line %+v", l)
	}
}

func TestFileNames(t *testing.T) {
	n := FileName("shardId-000000000003", "21267647932558653966460912964485513217", "21267647932558653966460912964485513300")
	sh, f, l, ok := ParseFileName("a/b/" + n)
	if !ok || sh != "shardId-000000000003" || f != "21267647932558653966460912964485513217" || l != "21267647932558653966460912964485513300" {
		t.Fatalf("%s → %s %s %s %v", n, sh, f, l, ok)
	}
	// Other writers' names are not lake files (no containment applies).
	for _, other := range []string{"part-00000-2f4e1c9a-0b1d-4c2e-9f3a-1234567890ab-c000.snappy.parquet", "part-1-2-3.parquet", "part-shardId-000000000003-1-2.parquet"} {
		if _, _, _, ok := ParseFileName(other); ok {
			t.Errorf("%s parsed as a lake file name", other)
		}
	}
	h, err := HourOf("s/dt=2026-11-22/hr=07/user=x")
	if err != nil || !h.Equal(time.Date(2026, 11, 22, 7, 0, 0, 0, time.UTC)) {
		t.Fatalf("hour %v %v", h, err)
	}
}
