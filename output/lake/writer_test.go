package lake

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/apache/arrow/go/v17/parquet/schema"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/filestore"
)

func newStore(t *testing.T) *filestore.Store {
	s, err := filestore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var base = time.Date(2026, 11, 22, 9, 58, 0, 0, time.UTC)

// Records spanning three hours land in three hour partitions; Arrow's own
// Parquet reader reads the files back with the logical types and values.
func TestWriteReadBackWithArrow(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	d := newDecoder(t, mem)
	defer d.Release()
	store := newStore(t)
	w, err := NewWriter(store, Config{Stream: "clicks", Columns: testColumns})
	if err != nil {
		t.Fatal(err)
	}
	var recs []ingest.Record
	for off := uint64(1); off <= 200; off++ {
		recs = append(recs, jsonRec(0, off, base.Add(time.Duration(off)*time.Minute)))
	}
	batches := []Batch{decodeBatch(t, d, "shardId-000000000000", recs[:120]), decodeBatch(t, d, "shardId-000000000000", recs[120:])}
	defer release(batches)
	res, err := w.Write(context.Background(), batches)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 200 || len(res.Files) != 5 {
		t.Fatalf("rows %d files %v", res.Rows, res.Files)
	}
	wantHours := "clicks/dt=2026-11-22/hr=09,clicks/dt=2026-11-22/hr=10,clicks/dt=2026-11-22/hr=11,clicks/dt=2026-11-22/hr=12,clicks/dt=2026-11-22/hr=13"
	if got := strings.Join(res.Hours, ","); got != wantHours {
		t.Fatalf("hours %s", got)
	}
	first := res.Files[0]
	wantKey := "clicks/dt=2026-11-22/hr=09/" + FileName("shardId-000000000000",
		ingest.SequenceNumber{Offset: 1}.String(), ingest.SequenceNumber{Offset: 1}.String())
	if first.Key != wantKey || first.Rows != 1 {
		t.Fatalf("first file %+v, want %s", first, wantKey)
	}
	// Second hour: offsets 2..61 (10:00 .. 10:59).
	tbl := readArrow(t, store, res.Files[1].Key)
	defer tbl.Release()
	if tbl.NumRows() != 60 {
		t.Fatalf("hour 10 has %d rows", tbl.NumRows())
	}
	sch := tbl.Schema()
	wantFields := []string{"user_id", "url", "price", "qty", "ok", "ts", "_partition_key", "_shard", "_sequence", "_arrival", "_event_time"}
	for i, f := range sch.Fields() {
		if f.Name != wantFields[i] {
			t.Fatalf("field %d is %s, want %s", i, f.Name, wantFields[i])
		}
	}
	wantTypes := map[string]arrow.DataType{
		"user_id": arrow.BinaryTypes.String, "price": arrow.PrimitiveTypes.Float64,
		"qty": arrow.PrimitiveTypes.Int64, "ok": arrow.FixedWidthTypes.Boolean,
		"ts": &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}, "_arrival": &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"},
		"_sequence": arrow.BinaryTypes.String,
	}
	for name, typ := range wantTypes {
		f, _ := sch.FieldsByName(name)
		if len(f) != 1 || !arrow.TypeEqual(f[0].Type, typ) {
			t.Errorf("field %s: %v, want %s", name, f, typ)
		}
		if strings.HasPrefix(name, "_") == f[0].Nullable {
			t.Errorf("field %s nullable=%v", name, f[0].Nullable)
		}
	}
	// Values of the first row of hour 10: offset 2.
	col := func(name string) arrow.Array {
		idx := sch.FieldIndices(name)[0]
		return tbl.Column(idx).Data().Chunk(0)
	}
	ts2 := base.Add(2 * time.Minute)
	if v := col("user_id").(*array.String).Value(0); v != "u2" {
		t.Errorf("user_id %q", v)
	}
	if v := col("price").(*array.Float64).Value(0); v != 2.5 {
		t.Errorf("price %v", v)
	}
	if v := col("qty").(*array.Int64).Value(0); v != 20 {
		t.Errorf("qty %v", v)
	}
	if v := col("ok").(*array.Boolean).Value(0); !v {
		t.Errorf("ok %v", v)
	}
	if v := col("ts").(*array.Timestamp).Value(0); int64(v) != ts2.UnixMilli() {
		t.Errorf("ts %v", v)
	}
	if v := col("_arrival").(*array.Timestamp).Value(0); int64(v) != ts2.Add(time.Second).UnixMilli() {
		t.Errorf("_arrival %v", v)
	}
	if v := col("_sequence").(*array.String).Value(0); v != (ingest.SequenceNumber{Offset: 2}).String() {
		t.Errorf("_sequence %v", v)
	}
	if v := col("_shard").(*array.String).Value(0); v != "shardId-000000000000" {
		t.Errorf("_shard %v", v)
	}
	// Offset 3 has a null user_id and no price.
	if !col("user_id").IsNull(1) || !col("price").IsNull(1) || col("url").IsNull(1) {
		t.Errorf("nulls of offset 3 not kept")
	}

	// The Parquet metadata: logical types, UTC-adjusted timestamps,
	// snappy, statistics.
	raw, err := output.ReadAll(context.Background(), store, res.Files[1].Key)
	if err != nil {
		t.Fatal(err)
	}
	pf, err := file.NewParquetReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	ps := pf.MetaData().Schema
	tsCol := ps.Column(ps.ColumnIndexByName("ts"))
	lt, ok := tsCol.LogicalType().(*schema.TimestampLogicalType)
	if !ok || !lt.IsAdjustedToUTC() || lt.TimeUnit() != schema.TimeUnitMillis {
		t.Errorf("ts logical type %v", tsCol.LogicalType())
	}
	if _, ok := ps.Column(ps.ColumnIndexByName("url")).LogicalType().(schema.StringLogicalType); !ok {
		t.Errorf("url logical type %v", ps.Column(ps.ColumnIndexByName("url")).LogicalType())
	}
	rg := pf.MetaData().RowGroup(0)
	cc, err := rg.ColumnChunk(ps.ColumnIndexByName("qty"))
	if err != nil {
		t.Fatal(err)
	}
	if cc.Compression() != parquetSnappy {
		t.Errorf("compression %v", cc.Compression())
	}
	st, err := cc.Statistics()
	if err != nil || st == nil || !st.HasMinMax() {
		t.Fatalf("qty statistics: %v %v", st, err)
	}
	if min, max := st.(interface{ Min() int64 }).Min(), st.(interface{ Max() int64 }).Max(); min != 20 || max != 610 {
		t.Errorf("qty min %d max %d", min, max)
	}
}

var parquetSnappy = compressSnappy()

func readArrow(t *testing.T, store output.ObjectStore, key string) arrow.Table {
	t.Helper()
	raw, err := output.ReadAll(context.Background(), store, key)
	if err != nil {
		t.Fatal(err)
	}
	pf, err := file.NewParquetReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("arrow parquet reader: %s: %v", key, err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.NewGoAllocator())
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatalf("arrow read %s: %v", key, err)
	}
	return tbl
}

// A batch whose records all failed to decode (no Record, only Errors)
// beside ordinary ones: its records go to the error file and the others to
// data files. (Delivery reads such a page when undecodable records arrive
// on their own between polls.)
func TestWriteBatchOfOnlyErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	d := newDecoder(t, mem)
	defer d.Release()
	store := newStore(t)
	w, err := NewWriter(store, Config{Stream: "clicks", Columns: testColumns})
	if err != nil {
		t.Fatal(err)
	}
	const shard = "shardId-000000000000"
	batches := []Batch{
		decodeBatch(t, d, shard, []ingest.Record{jsonRec(0, 1, base), jsonRec(0, 2, base)}),
		decodeBatch(t, d, shard, []ingest.Record{rec(0, 3, base, "not json")}),
		decodeBatch(t, d, shard, []ingest.Record{jsonRec(0, 4, base)}),
	}
	defer release(batches)
	if batches[1].Record != nil || len(batches[1].Errors) != 1 {
		t.Fatalf("the middle batch: record %v, %d errors", batches[1].Record, len(batches[1].Errors))
	}
	res, err := w.Write(context.Background(), batches)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 3 || res.ErrorRows != 1 || len(res.Files) != 1 || len(res.ErrorFiles) != 1 {
		t.Fatalf("result %+v", res)
	}
}
