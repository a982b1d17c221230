package lakescan

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"

	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/miniotest"
	"github.com/freshet/freshet/output/s3store"
)

// putDataset writes a small Hive dataset with Arrow's Parquet writer: two
// hosts' directories, 100 rows each one second apart from base, with the
// time in microseconds, a float32 and an int16, 10 rows per row group;
// plus a _SUCCESS marker.
func putDataset(t *testing.T, store output.ObjectStore) {
	t.Helper()
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "Level", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "code", Type: arrow.PrimitiveTypes.Int16, Nullable: true},
		{Name: "ratio", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "at", Type: arrow.FixedWidthTypes.Timestamp_us, Nullable: true},
	}, nil)
	mem := memory.NewGoAllocator()
	for h, host := range []string{"a b", "c"} {
		b := array.NewRecordBuilder(mem, sc)
		for i := range 100 {
			b.Field(0).(*array.StringBuilder).Append([]string{"INFO", "ERROR"}[i%2])
			b.Field(1).(*array.Int16Builder).Append(int16(i))
			b.Field(2).(*array.Float32Builder).Append(0.5)
			b.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(base.Add(time.Duration(i)*time.Second).UnixMicro() + 999))
		}
		rec := b.NewRecord()
		b.Release()
		tbl := array.NewTableFromRecords(sc, []arrow.Record{rec})
		var buf bytes.Buffer
		err := pqarrow.WriteTable(tbl, &buf, 10, parquet.NewWriterProperties(parquet.WithStats(true)), pqarrow.DefaultWriterProps())
		tbl.Release()
		rec.Release()
		if err != nil {
			t.Fatal(err)
		}
		// The directory value is escaped as Hive escapes it.
		key := fmt.Sprintf("logs/host=%s/part-%d.parquet", map[string]string{"a b": "a%20b", "c": "c"}[host], h)
		if err := store.Put(context.Background(), key, bytes.NewReader(buf.Bytes()), int64(buf.Len()), output.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.Put(context.Background(), "logs/_SUCCESS", bytes.NewReader(nil), 0, output.PutOptions{}); err != nil {
		t.Fatal(err)
	}
}

// testDataset discovers and scans the dataset putDataset wrote.
func testDataset(t *testing.T, store output.ObjectStore) {
	putDataset(t, store)
	d, err := Discover(context.Background(), store)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, f := range d.Columns {
		cols = append(cols, f.Name+" "+f.Type.String())
	}
	if got := fmt.Sprint(cols); got != "[level utf8 code int64 ratio float64 at timestamp[ms, tz=UTC] host utf8]" ||
		d.TimeColumn != "at" || fmt.Sprint(d.Partitions) != "[host]" || d.Files != 2 {
		t.Fatalf("discovered %s, time %q, partitions %v, %d files", got, d.TimeColumn, d.Partitions, d.Files)
	}

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "code", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "host", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "_event_time", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
	}, nil)
	// Rows 20..39 of the host "a b": two of its ten row groups.
	s, err := Open(context.Background(), Options{Store: store, Stream: "logs", Dataset: true, TimeColumn: "at", Schema: schema, Mem: mem,
		From: base.Add(20 * time.Second), To: base.Add(40 * time.Second), Partitions: map[string]map[string]bool{"host": {"a b": true}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n := 0
	for s.Next() {
		b := s.Batch()
		code := b.Rec.Column(0).(*array.Int64)
		host := b.Rec.Column(1).(*array.String)
		et := b.Rec.Column(2).(*array.Timestamp)
		for i := range int(b.Rec.NumRows()) {
			want := base.Add(time.Duration(code.Value(i)) * time.Second).UnixMilli() // microseconds truncated
			if host.Value(i) != "a b" || int64(et.Value(i)) != want || b.Times[i] != want {
				t.Fatalf("row %d: code %d host %q time %d/%d, want %d", i, code.Value(i), host.Value(i), et.Value(i), b.Times[i], want)
			}
			n++
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	if n != 20 || st.Files != 1 || st.RowGroups != 10 || st.RowGroupsSkipped != 8 {
		t.Fatalf("%d rows, stats %+v; want 20 rows from 2 of 10 row groups of 1 file", n, st)
	}

	// Only a partition column wanted: the rows still count.
	s2, err := Open(context.Background(), Options{Store: store, Stream: "logs", Dataset: true, Mem: mem,
		Schema: arrow.NewSchema([]arrow.Field{{Name: "host", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	rows := map[string]int{}
	for s2.Next() {
		h := s2.Batch().Rec.Column(0).(*array.String)
		for i := range h.Len() {
			rows[h.Value(i)]++
		}
	}
	if err := s2.Err(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(rows) != "map[a b:100 c:100]" {
		t.Fatalf("rows per host %v", rows)
	}
}

func TestDatasetLocal(t *testing.T) { testDataset(t, newStore(t)) }

func TestDatasetS3(t *testing.T) {
	srv := miniotest.Start(t)
	store, err := s3store.Open(context.Background(), srv.Bucket, "", srv.S3Config())
	if err != nil {
		t.Fatal(err)
	}
	testDataset(t, store)
}

// putInts writes a Parquet file with one BIGINT column v.
func putInts(t *testing.T, store output.ObjectStore, key string, values ...int64) {
	t.Helper()
	sc := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	b := array.NewRecordBuilder(memory.NewGoAllocator(), sc)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues(values, nil)
	rec := b.NewRecord()
	defer rec.Release()
	tbl := array.NewTableFromRecords(sc, []arrow.Record{rec})
	defer tbl.Release()
	var buf bytes.Buffer
	if err := pqarrow.WriteTable(tbl, &buf, 100, nil, pqarrow.DefaultWriterProps()); err != nil {
		t.Fatal(err)
	}
	if err := store.Put(context.Background(), key, bytes.NewReader(buf.Bytes()), int64(buf.Len()), output.PutOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestDatasetOtherWriters: files named as Spark names them are all read
// (none is taken for a compaction leftover), _key=value directories are
// partitions, not hidden, and Hive's default partition is NULL.
func TestDatasetOtherWriters(t *testing.T) {
	store := newStore(t)
	u := "2f4e1c9a-0b1d-4c2e-9f3a-1234567890ab"
	putInts(t, store, "year=2024/part-00000-"+u+"-c000.snappy.parquet", 1, 2)
	putInts(t, store, "year=2024/part-00000-"+u+"-c001.snappy.parquet", 3)
	putInts(t, store, "year=__HIVE_DEFAULT_PARTITION__/part-00001-"+u+"-c000.snappy.parquet", 10)
	putInts(t, store, "_src=a/year=2025/part-00000.parquet", 100)
	putInts(t, store, "_temporary/0/part-00000.parquet", 1000)
	d, err := Discover(context.Background(), store)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(d.Columns); got != "[v: type=int64, nullable _src: type=utf8, nullable year: type=int64, nullable]" || d.Files != 4 {
		t.Fatalf("discovered %s, %d files", got, d.Files)
	}
	schema := arrow.NewSchema(d.Columns, nil)
	s, err := Open(context.Background(), Options{Store: store, Stream: "x", Dataset: true, Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var rows []string
	for s.Next() {
		rec := s.Batch().Rec
		for i := range int(rec.NumRows()) {
			year := "NULL"
			if y := rec.Column(2).(*array.Int64); y.IsValid(i) {
				year = fmt.Sprint(y.Value(i))
			}
			rows = append(rows, fmt.Sprintf("%d/%s/%s", rec.Column(0).(*array.Int64).Value(i), year, rec.Column(1).(*array.String).Value(i)))
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(rows)
	if got := fmt.Sprint(rows); got != "[1/2024/ 10/NULL/ 100/2025/a 2/2024/ 3/2024/]" {
		t.Fatalf("rows %s", got)
	}
}
