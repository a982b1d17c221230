package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/sql"
)

// datasetSchema is the schema of the test dataset's files, written by
// Arrow's own Parquet writer with types Freshet's lake never writes.
var datasetSchema = arrow.NewSchema([]arrow.Field{
	{Name: "User", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "n", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "amount", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
	{Name: "at", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "day_date", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "price", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}, Nullable: true},
	{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
}, nil)

// datasetRow is one row of the test dataset.
type datasetRow struct {
	country string
	day     int
	user    string
	n       int32
	amount  float32
	at      time.Time
}

// writeDataset writes rows as a Hive-partitioned dataset under dir
// (country=…/day=…/part-<i>.parquet, rows per row group), plus files a
// reader must skip: a _SUCCESS marker, a .crc file, a _temporary
// directory and a text file.
func writeDataset(t *testing.T, dir string, rows []datasetRow, rowsPerGroup int64) {
	t.Helper()
	byDir := map[string][]datasetRow{}
	var dirs []string
	for _, r := range rows {
		d := fmt.Sprintf("country=%s/day=%d", r.country, r.day)
		if byDir[d] == nil {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], r)
	}
	mem := memory.NewGoAllocator()
	for i, d := range dirs {
		b := array.NewRecordBuilder(mem, datasetSchema)
		for _, r := range byDir[d] {
			b.Field(0).(*array.StringBuilder).Append(r.user)
			b.Field(1).(*array.Int32Builder).Append(r.n)
			b.Field(2).(*array.Float32Builder).Append(r.amount)
			b.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(r.at.UnixMicro()))
			b.Field(4).(*array.Date32Builder).Append(arrow.Date32FromTime(r.at))
			b.Field(5).(*array.Decimal128Builder).Append(decimal128.FromI64(int64(r.n)*100 + 25))
			lb := b.Field(6).(*array.ListBuilder)
			lb.Append(true)
			lb.ValueBuilder().(*array.StringBuilder).Append("t")
		}
		rec := b.NewRecord()
		b.Release()
		path := filepath.Join(dir, d, fmt.Sprintf("part-%d.parquet", i))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		tbl := array.NewTableFromRecords(datasetSchema, []arrow.Record{rec})
		err = pqarrow.WriteTable(tbl, f, rowsPerGroup, parquet.NewWriterProperties(parquet.WithStats(true)), pqarrow.DefaultWriterProps())
		tbl.Release()
		rec.Release()
		if err != nil { // WriteTable closes f
			t.Fatal(err)
		}
	}
	for name, body := range map[string]string{
		"_SUCCESS": "", "README.txt": "not parquet", "_temporary/0/part-9.parquet": "garbage",
		dirs[0] + "/.part-0.parquet.crc": "crc", dirs[0] + "/.hidden.parquet": "garbage",
	} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// datasetRows makes the test rows: 3 countries × 2 days × 40 rows, one
// row every 7 minutes of the day.
func datasetRows() []datasetRow {
	var rows []datasetRow
	for _, c := range []string{"FR", "US", "DE"} {
		for day := 1; day <= 2; day++ {
			for i := range 40 {
				rows = append(rows, datasetRow{country: c, day: day, user: fmt.Sprintf("u%d", i%3), n: int32(i),
					amount: float32(i%4) + 0.5, at: time.Date(2026, 11, day, 0, 7*i, 0, 0, time.UTC)})
			}
		}
	}
	return rows
}

// TestDatasetQueries reads a Hive-partitioned dataset written by another
// Parquet writer: schema from the files (types cast to the engine's),
// partition columns from the paths, pruning by partition values, windows
// on its first timestamp column, and the files Hive skips skipped.
func TestDatasetQueries(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	dir := t.TempDir() + "/events"
	rows := datasetRows()
	writeDataset(t, dir, rows, 16)
	eng, opened, mu := readLoggedEngine(t, mem)
	from := "file.`" + dir + "`"

	// The schema: file columns (the list column skipped), then partitions.
	got := collect(t, eng, "SELECT * FROM "+from+" WHERE n = 3 AND country = 'FR' AND day = 1")
	want := []string{"user,n,amount,at,day_date,price,country,day",
		"u0,3,3.5,2026-11-01T00:21:00.000Z,2026-11-01T00:00:00.000Z,3.25,FR,1"}
	if !slices.Equal(got, want) {
		t.Fatalf("SELECT *:\n got %q\nwant %q", got, want)
	}

	// Grouped aggregates, compared with the sums computed here.
	type agg struct {
		n   int
		sum int64
		amt float64
	}
	by := map[string]*agg{}
	for _, r := range rows {
		a := by[r.country]
		if a == nil {
			a = &agg{}
			by[r.country] = a
		}
		a.n++
		a.sum += int64(r.n)
		a.amt += float64(r.amount)
	}
	want = []string{"country,n,total,amount"}
	for _, c := range []string{"DE", "FR", "US"} {
		want = append(want, fmt.Sprintf("%s,%d,%d,%g", c, by[c].n, by[c].sum, by[c].amt))
	}
	got = collect(t, eng, "SELECT country, COUNT(*) AS n, SUM(n) AS total, SUM(amount) AS amount FROM "+from+" GROUP BY country ORDER BY country")
	if !slices.Equal(got, want) {
		t.Fatalf("grouped:\n got %q\nwant %q", got, want)
	}

	// Partition pruning: day is a BIGINT partition column.
	mu.Lock()
	clear(opened)
	mu.Unlock()
	got = collect(t, eng, "SELECT COUNT(*) AS n FROM "+from+" WHERE day = 2 AND country IN ('US', 'DE')")
	if !slices.Equal(got, []string{"n", "80"}) {
		t.Fatalf("pruned count %q", got)
	}
	mu.Lock()
	delete(opened, "country=DE/day=1/part-4.parquet") // planning reads the first file's footer for the schema
	if len(opened) != 2 {
		t.Errorf("read %d files, want the 2 of day 2 in US and DE: %v", len(opened), opened)
	}
	for k := range opened {
		if !strings.Contains(k, "/day=2/") || strings.Contains(k, "country=FR") {
			t.Errorf("read %s, outside the partitions asked for", k)
		}
	}
	mu.Unlock()

	// Windows on the first timestamp column (microseconds in the file).
	got = collect(t, eng, "SELECT TUMBLE_START(at, INTERVAL 1 HOUR) AS h, COUNT(*) AS n FROM "+from+
		" WHERE country = 'US' AND day = 1 GROUP BY TUMBLE(at, INTERVAL 1 HOUR) ORDER BY h LIMIT 3")
	// One row per 7 minutes from 00:00: minutes 0..56 (9 rows), 63..119 (9), 126..175 (8).
	want = []string{"h,n", "2026-11-01T00:00:00.000Z,9", "2026-11-01T01:00:00.000Z,9", "2026-11-01T02:00:00.000Z,8"}
	if !slices.Equal(got, want) {
		t.Fatalf("windows:\n got %q\nwant %q", got, want)
	}

	// A time range on the time column gives the rows in range.
	got = collect(t, eng, "SELECT COUNT(*) AS n FROM "+from+" WHERE at >= '2026-11-02T01:00:00Z' AND at < '2026-11-02T02:00:00Z'")
	if !slices.Equal(got, []string{"n", "27"}) { // 3 countries × 9 rows (minutes 63..119)
		t.Fatalf("time range count %q", got)
	}

	// DESCRIBE shows the discovered schema.
	got = collect(t, eng, "DESCRIBE "+from)
	want = []string{"field,value", "user,VARCHAR", "n,BIGINT", "amount,DOUBLE", "at,TIMESTAMP", "day_date,TIMESTAMP", "price,DOUBLE",
		"country,VARCHAR", "day,BIGINT", "(event time),at", `(partitions),"country, day"`,
		fmt.Sprintf("(files),%s", got[len(got)-2][len("(files),"):]), `(unreadable columns),"tags list<list: utf8, nullable>"`}
	if !slices.Equal(got, want) || !strings.HasPrefix(got[len(got)-2], `(files),"6, `) {
		t.Errorf("DESCRIBE:\n got %q\nwant %q", got, want)
	}

	// EXPLAIN names the dataset.
	got = collect(t, eng, "EXPLAIN SELECT COUNT(*) FROM "+from)
	if !strings.Contains(strings.Join(got, "\n"), "Scan file://"+dir) {
		t.Errorf("explain %q", got)
	}
	eng.Close()
	mem.AssertSize(t, 0)
}

// TestDatasetErrors: a missing directory, a directory without Parquet
// files, a window over a dataset without a timestamp and EMIT CHANGES all
// fail with a message that says why.
func TestDatasetErrors(t *testing.T) {
	eng, _, _ := readLoggedEngine(t, memory.NewGoAllocator())
	defer eng.Close()
	empty := t.TempDir()
	if err := os.WriteFile(empty+"/notes.txt", []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	untimed := t.TempDir()
	writeStrings(t, untimed+"/x.parquet", "a", "b")
	for _, c := range []struct{ sql, err string }{
		{"SELECT * FROM file.`" + empty + "/nope`", "line 1:15: dataset file://" + empty + "/nope: no such directory"},
		{"SELECT * FROM file.`" + empty + "`", "line 1:15: dataset file://" + empty + ": discover dataset: no Parquet files (*.parquet) under it"},
		{"SELECT COUNT(*) FROM file.`" + untimed + "` GROUP BY TUMBLE(_event_time, INTERVAL 1 MINUTE)",
			"TUMBLE needs an event time, and the dataset file://" + untimed + " has no TIMESTAMP column"},
		{"SELECT k FROM file.`" + untimed + "` EMIT CHANGES", "EMIT CHANGES cannot read the dataset file://" + untimed},
	} {
		_, err := eng.Execute(context.Background(), c.sql)
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s\n got %v\nwant %s", c.sql, err, c.err)
		}
	}
	stmt, err := sql.ParseOne("SELECT k FROM file.`" + untimed + "`")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.ExecuteStatement(context.Background(), stmt, engine.ExecOptions{EventTimeFrom: time.Now()}); err == nil ||
		!strings.Contains(err.Error(), "has no TIMESTAMP column to bound by event time") {
		t.Errorf("an event-time bound on an untimed dataset: %v", err)
	}
	// The untimed dataset still answers a plain query.
	if got := collect(t, eng, "SELECT k, COUNT(*) AS n FROM file.`"+untimed+"` GROUP BY k ORDER BY k"); !slices.Equal(got, []string{"k,n", "a,1", "b,1"}) {
		t.Errorf("untimed: %q", got)
	}
}

// writeStrings writes a Parquet file with one VARCHAR column k.
func writeStrings(t *testing.T, path string, values ...string) {
	t.Helper()
	sc := arrow.NewSchema([]arrow.Field{{Name: "k", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewRecordBuilder(memory.NewGoAllocator(), sc)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues(values, nil)
	rec := b.NewRecord()
	defer rec.Release()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	tbl := array.NewTableFromRecords(sc, []arrow.Record{rec})
	defer tbl.Release()
	if err := pqarrow.WriteTable(tbl, f, 10, nil, pqarrow.DefaultWriterProps()); err != nil { // closes f
		t.Fatal(err)
	}
}

// TestDatasetOddPaths: a path after file. is taken as written (#, spaces
// and Hive's %-escapes are characters of the name); a URL is decoded.
func TestDatasetOddPaths(t *testing.T) {
	eng, _, _ := readLoggedEngine(t, memory.NewGoAllocator())
	defer eng.Close()
	root := t.TempDir()
	writeStrings(t, root+"/a/x.parquet", "in a")
	writeStrings(t, root+"/a#b c/x.parquet", "in a#b c")
	writeStrings(t, root+"/t/country=A%20B/x.parquet", "escaped")
	for q, want := range map[string]string{
		"SELECT k FROM file.`" + root + "/a#b c`":           "in a#b c",
		"SELECT k FROM `file://" + root + "/a%23b%20c`":     "in a#b c",
		"SELECT k FROM file.`" + root + "/t/country=A%20B`": "escaped",
		"SELECT k, country FROM file.`" + root + "/t`":      "escaped,A B",
	} {
		if got := collect(t, eng, q); len(got) != 2 || got[1] != want {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}
}

// TestDatasetReadsArchive: a stream's own archive read as a dataset (its
// directory, by file URL) gives the same rows as archive.<stream>, with
// its dt/hr partitions as columns.
func TestDatasetReadsArchive(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	eng, _ := archivedEngine(t, mem)
	def, _ := eng.Catalog().Stream("clicks")
	url := def.Options.Archive + "/clicks"
	q := "SELECT user_id, COUNT(*) AS n, SUM(qty) AS total, TUMBLE_START(_event_time, INTERVAL 1 HOUR) AS h FROM %s GROUP BY user_id, TUMBLE(_event_time, INTERVAL 1 HOUR) ORDER BY h, user_id"
	archived := collect(t, eng, fmt.Sprintf(q, "archive.clicks"))
	dataset := collect(t, eng, fmt.Sprintf(q, "`"+url+"`"))
	if len(archived) != 15 || !slices.Equal(archived, dataset) {
		t.Fatalf("archive %q\ndataset %q", archived, dataset)
	}
	got := collect(t, eng, "SELECT hr, COUNT(*) AS n FROM `"+url+"` WHERE dt = '2026-11-22' GROUP BY hr ORDER BY hr")
	// hr=09 is a BIGINT partition column; the late records of 09:5x sit in it.
	if !slices.Equal(got, []string{"hr,n", "9,3", "10,300", "11,300", "12,297"}) {
		t.Fatalf("partitions as columns: %q", got)
	}
	eng.Close()
	mem.AssertSize(t, 0)
}

// TestDatasetStoredDictionaries: files that store their Arrow schema with
// dictionary columns (as pyarrow writes them) group and filter like plain
// strings, whatever the dictionary's value type.
func TestDatasetStoredDictionaries(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	eng, _, _ := readLoggedEngine(t, mem)
	root := t.TempDir()
	for _, vt := range []arrow.DataType{arrow.BinaryTypes.Binary, arrow.BinaryTypes.String} {
		dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: vt}
		sc := arrow.NewSchema([]arrow.Field{{Name: "k", Type: dt, Nullable: true}, {Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)
		go_ := memory.NewGoAllocator()
		b := array.NewRecordBuilder(go_, sc)
		for i := range 30 {
			kb := b.Field(0).(*array.BinaryDictionaryBuilder)
			if err := kb.AppendString([]string{"x", "y", "z"}[i%3]); err != nil {
				t.Fatal(err)
			}
			b.Field(1).(*array.Int64Builder).Append(int64(i))
		}
		rec := b.NewRecord()
		b.Release()
		dir := fmt.Sprintf("%s/%s", root, vt)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(dir + "/x.parquet")
		if err != nil {
			t.Fatal(err)
		}
		tbl := array.NewTableFromRecords(sc, []arrow.Record{rec})
		// arrow-go v17 panics computing statistics of dictionary chunks.
		err = pqarrow.WriteTable(tbl, f, 1000, parquet.NewWriterProperties(parquet.WithStats(false)), pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
		tbl.Release()
		rec.Release()
		if err != nil {
			t.Fatal(err)
		}
		// Grouped by the bare key (read as a dictionary), and filtered on it.
		got := collect(t, eng, "SELECT k, COUNT(*) AS n, SUM(v) AS s FROM file.`"+dir+"` GROUP BY k ORDER BY k")
		if want := []string{"k,n,s", "x,10,135", "y,10,145", "z,10,155"}; !slices.Equal(got, want) {
			t.Errorf("dictionary of %s: %q, want %q", vt, got, want)
		}
		got = collect(t, eng, "SELECT k, COUNT(*) AS n FROM file.`"+dir+"` WHERE k <> 'z' GROUP BY k ORDER BY k")
		if want := []string{"k,n", "x,10", "y,10"}; !slices.Equal(got, want) {
			t.Errorf("dictionary of %s, filtered: %q, want %q", vt, got, want)
		}
	}
	eng.Close()
	mem.AssertSize(t, 0)
}
