package lakescan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/compute"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/metadata"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/apache/arrow/go/v17/parquet/schema"

	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/lake"
)

// objectReaderAt reads an object with ranged GETs: it is the
// parquet.ReaderAtSeeker a Parquet file reader needs (Seek only answers
// the size).
type objectReaderAt struct {
	ctx       context.Context
	store     output.ObjectStore
	key       string
	size, pos int64
	s         *Scanner // counts the reads, when set
}

func (r *objectReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.size {
		return 0, io.EOF
	}
	n := int64(len(p))
	if off+n > r.size {
		n = r.size - off
	}
	rc, err := r.store.GetRange(r.ctx, r.key, off, n)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	got, err := io.ReadFull(rc, p[:n])
	if r.s != nil {
		r.s.requests.Add(1)
		r.s.bytesRead.Add(int64(got))
	}
	if err == nil && got < len(p) {
		err = io.EOF
	}
	return got, err
}

func (r *objectReaderAt) Read(p []byte) (int, error) {
	n, err := r.ReadAt(p, r.pos)
	r.pos += int64(n)
	return n, err
}

func (r *objectReaderAt) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		r.pos = off
	case io.SeekCurrent:
		r.pos += off
	case io.SeekEnd:
		r.pos = r.size + off
	}
	if r.pos < 0 {
		return 0, errors.New("seek before the start")
	}
	return r.pos, nil
}

// recoverDamaged turns a panic of the Parquet reader into an error: arrow-go
// panics on some damaged pages, and a damaged file must fail its query,
// not the process. Deferred by every function that reads a file.
func recoverDamaged(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("reading panicked (a damaged Parquet file?): %v", r)
	}
}

// checkChunk checks that a column chunk's metadata can be read and that
// its pages lie inside the file (a negative size makes arrow-go panic).
func checkChunk(rg *metadata.RowGroupMetaData, leaf int, fileSize int64) error {
	cc, err := rg.ColumnChunk(leaf)
	if err != nil {
		return err
	}
	start, size := cc.DataPageOffset(), cc.TotalCompressedSize()
	if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 && cc.DictionaryPageOffset() < start {
		start = cc.DictionaryPageOffset()
	}
	if start < 0 || size < 0 || start > fileSize || size > fileSize-start {
		return fmt.Errorf("damaged Parquet file: column chunk at %d of %d bytes lies outside the file (%d bytes)", start, size, fileSize)
	}
	return nil
}

// readFile reads the wanted columns of the row groups of f that may hold
// rows in range, calling emit with each batch (which emit then owns) until
// emit returns false.
func (s *Scanner) readFile(f File, emit func(Batch) bool) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("lake scan %s: %s: %w", s.opts.Stream, f.Key, err)
		}
	}()
	defer recoverDamaged(&err)
	ra := &objectReaderAt{ctx: s.ctx, store: s.opts.Store, key: f.Key, size: f.Size, s: s}
	// Parquet decoding allocates from the Go allocator, not Mem: the reader
	// pools its column-chunk buffers and frees them by finalizer, and
	// arrow-go v17's DELTA_BINARY_PACKED decoder never releases its block
	// buffers, so a checked allocator would see both as leaks. Its page
	// buffers must stay garbage-collected: the decoders free some while
	// still reading them, which is harmless only there. The decoded arrays
	// come from the scan's bufferPool, which recycles them once their batch
	// is released; Mem allocates the rest.
	pf, err := file.NewParquetReader(ra, file.WithReadProps(parquet.NewReaderProperties(memory.DefaultAllocator)))
	if err != nil {
		return err
	}
	defer pf.Close()
	md := pf.MetaData()
	sc := md.Schema

	// Column projection: the leaf index of each wanted column, and of
	// the time column for the rows' times.
	want := s.opts.Schema.Fields()
	leafOf := func(name string) int {
		for i := range sc.NumColumns() {
			if strings.EqualFold(sc.Column(i).Name(), name) {
				return i
			}
		}
		return -1
	}
	etLeaf := -1
	if s.opts.TimeColumn != "" {
		if etLeaf = leafOf(s.opts.TimeColumn); etLeaf < 0 && !s.opts.Dataset {
			return errors.New("no _event_time column")
		}
	}
	var leaves []int
	if etLeaf >= 0 && s.needTimeColumn() {
		leaves = append(leaves, etLeaf)
	}
	for _, fd := range want {
		if l := leafOf(fd.Name); l >= 0 && fd.Type.ID() != arrow.NULL && !slices.Contains(leaves, l) {
			leaves = append(leaves, l)
		}
	}

	// Row-group pruning by the time column's statistics.
	var groups []int
	for g := range pf.NumRowGroups() {
		s.rowGroups.Add(1)
		if etLeaf >= 0 && s.groupOutside(md.RowGroup(g), etLeaf, sc.Column(etLeaf)) {
			s.skipped.Add(1)
			continue
		}
		groups = append(groups, g)
	}
	if len(groups) == 0 {
		return nil
	}
	if len(leaves) == 0 {
		// Only partition columns (or none, for COUNT(*)) are wanted: the
		// rows still count, so emit batches of the row groups' sizes.
		return s.emitRowCounts(f, md, groups, emit)
	}

	// pqarrow reads the column chunks' metadata in goroutines of its own,
	// where a panic on damaged metadata could not be recovered: read it
	// here first (recoverDamaged turns a panic into an error).
	for _, g := range groups {
		rg := md.RowGroup(g)
		for _, l := range leaves {
			if err := checkChunk(rg, l, f.Size); err != nil {
				return fmt.Errorf("row group %d, column %d: %w", g, l, err)
			}
		}
	}
	props, direct, perGroup := s.readProps(md, leaves, groups)
	leaves = slices.DeleteFunc(leaves, func(l int) bool { return slices.Contains(direct, l) })
	fr, err := pqarrow.NewFileReader(pf, props, &s.pool)
	if err != nil {
		return err
	}
	runs := [][]int{groups}
	if perGroup {
		runs = runs[:0]
		for _, g := range groups {
			runs = append(runs, []int{g})
		}
	}
	for _, run := range runs {
		more, err := false, error(nil)
		if len(direct) > 0 {
			more, err = s.readDirect(f, pf, fr, leaves, direct, run[0], emit)
		} else {
			more, err = s.readGroups(f, fr, leaves, run, emit)
		}
		if !more || err != nil {
			return err
		}
	}
	return nil
}

// readGroups reads the leaves of row groups of f into batches for emit;
// more is false when emit or the context stopped the scan.
func (s *Scanner) readGroups(f File, fr *pqarrow.FileReader, leaves, groups []int, emit func(Batch) bool) (more bool, err error) {
	rr, err := fr.GetRecordReader(s.ctx, leaves, groups)
	if err != nil {
		return false, err
	}
	defer rr.Release()
	for rr.Next() {
		b, err := s.convert(rr.Record(), f)
		if err != nil {
			return false, err
		}
		s.rows.Add(b.Rec.NumRows())
		if !emit(b) {
			return false, s.ctx.Err()
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	return true, nil
}

// groupOutside reports whether a row group's statistics of the time
// column (leaf etLeaf, described by col) show that none of its rows lies
// in [From, To).
func (s *Scanner) groupOutside(rg *metadata.RowGroupMetaData, etLeaf int, col *schema.Column) bool {
	if s.opts.From.IsZero() && s.opts.To.IsZero() {
		return false
	}
	perMs, ok := timeScale(col)
	if !ok {
		return false
	}
	cc, err := rg.ColumnChunk(etLeaf)
	if err != nil {
		return false
	}
	st, err := cc.Statistics()
	if err != nil || st == nil || !st.HasMinMax() {
		return false
	}
	is, ok := st.(*metadata.Int64Statistics)
	if !ok {
		return false
	}
	if !s.opts.From.IsZero() && is.Max() < s.opts.From.UnixMilli()*perMs {
		return true
	}
	if !s.opts.To.IsZero() && is.Min() >= s.opts.To.UnixMilli()*perMs {
		return true
	}
	return false
}

// timeScale returns how many units of a timestamp column make a
// millisecond, for comparing its statistics with times in ms; false when
// the column is not an INT64 timestamp (INT96 and dates are not pruned).
func timeScale(col *schema.Column) (int64, bool) {
	ts, ok := col.LogicalType().(*schema.TimestampLogicalType)
	if !ok || col.PhysicalType() != parquet.Types.Int64 {
		return 0, false
	}
	switch ts.TimeUnit() {
	case schema.TimeUnitMillis:
		return 1, true
	case schema.TimeUnitMicros:
		return 1000, true
	case schema.TimeUnitNanos:
		return 1_000_000, true
	}
	return 0, false
}

// convert turns a record of file columns of file f into a Batch of
// Options.Schema: columns by name, cast to the wanted types when they
// differ, partition columns from f's directories, _event_time from the
// time column, and the columns f lacks as nulls. It does not release rec.
func (s *Scanner) convert(rec arrow.Record, f File) (Batch, error) {
	n := int(rec.NumRows())
	byName := make(map[string]arrow.Array, rec.NumCols())
	for i, fd := range rec.Schema().Fields() {
		byName[strings.ToLower(fd.Name)] = rec.Column(i)
	}
	want := s.opts.Schema
	cols := make([]arrow.Array, want.NumFields())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	var times []int64 // nil with SkipTimes
	if !s.opts.SkipTimes {
		times = make([]int64, n)
	}
	var et arrow.Array // the time column as a millisecond timestamp
	if name := strings.ToLower(s.opts.TimeColumn); name != "" && byName[name] != nil && s.needTimeColumn() {
		var err error
		if et, err = s.castTo(byName[name], arrow.FixedWidthTypes.Timestamp_ms); err != nil {
			return Batch{}, fmt.Errorf("time column %s: %w", name, err)
		}
		defer et.Release()
		if times != nil {
			for i, v := range et.(*array.Timestamp).TimestampValues() {
				times[i] = int64(v) // NULL times read as the epoch
			}
		}
	}
	for i, fd := range want.Fields() {
		name := strings.ToLower(fd.Name)
		got, ok := byName[name]
		var err error
		switch {
		case fd.Type.ID() == arrow.NULL:
			cols[i] = array.NewNull(n)
		case ok && isStringDict(got.DataType()) && s.dictionary(fd.Name):
			got.Retain()
			cols[i] = got
		case ok:
			if cols[i], err = s.castTo(got, fd.Type); err != nil {
				return Batch{}, fmt.Errorf("column %s: %w", fd.Name, err)
			}
		case et != nil && isEventTime(name) && fd.Type.ID() == arrow.TIMESTAMP:
			et.Retain()
			cols[i] = et
		default:
			v, isPart := partValue(f, name)
			if !isPart {
				cols[i] = array.MakeArrayOfNull(s.opts.Mem, fd.Type, n)
				break
			}
			if cols[i], err = s.constant(fd, v, n); err != nil {
				return Batch{}, err
			}
		}
	}
	return Batch{Rec: array.NewRecord(schemaOf(want, cols), cols, int64(n)), Times: times}, nil
}

// isStringDict reports whether t is the dictionary type a Dictionary
// column is handed over as: int32 indices into UTF-8 strings. Other
// dictionaries (binary values, other index types) are cast to strings.
func isStringDict(t arrow.DataType) bool {
	d, ok := t.(*arrow.DictionaryType)
	return ok && d.IndexType.ID() == arrow.INT32 && d.ValueType.ID() == arrow.STRING
}

// castTo returns got as an array of type t: got itself (retained) when
// the types are equal, relabelled when only the time zone differs, else
// cast (timestamps truncate to milliseconds, other casts are checked).
func (s *Scanner) castTo(got arrow.Array, t arrow.DataType) (arrow.Array, error) {
	gt := got.DataType()
	switch {
	case arrow.TypeEqual(gt, t):
		got.Retain()
		return got, nil
	case gt.ID() == arrow.TIMESTAMP && t.ID() == arrow.TIMESTAMP && gt.(*arrow.TimestampType).Unit == t.(*arrow.TimestampType).Unit:
		d := got.Data()
		nd := array.NewData(t, d.Len(), d.Buffers(), nil, d.NullN(), d.Offset())
		defer nd.Release()
		return array.MakeFromData(nd), nil
	}
	if et, ok := EngineType(gt); !ok || !arrow.TypeEqual(et, t) {
		return nil, fmt.Errorf("is %s in the file, not %s", gt, t)
	}
	opts := compute.SafeCastOptions(t)
	if t.ID() == arrow.TIMESTAMP {
		opts = compute.UnsafeCastOptions(t) // micro- and nanoseconds truncate to ms
	}
	out, err := compute.CastArray(compute.WithAllocator(s.ctx, s.opts.Mem), got, opts)
	if err != nil {
		return nil, fmt.Errorf("cast %s to %s: %w", gt, t, err)
	}
	return out, nil
}

// partValue returns the value of partition column name in f's path.
func partValue(f File, name string) (string, bool) {
	for _, kv := range f.Parts {
		if kv[0] == name {
			return kv[1], true
		}
	}
	return "", false
}

// constant builds n copies of a partition value as a column of fd's type
// (NULLs for Hive's __HIVE_DEFAULT_PARTITION__).
func (s *Scanner) constant(fd arrow.Field, v string, n int) (arrow.Array, error) {
	if v == lake.HiveDefaultPartition {
		return array.MakeArrayOfNull(s.opts.Mem, fd.Type, n), nil
	}
	switch fd.Type.ID() {
	case arrow.STRING:
		b := array.NewStringBuilder(s.opts.Mem)
		defer b.Release()
		b.Reserve(n)
		b.ReserveData(n * len(v))
		for range n {
			b.Append(v)
		}
		return b.NewArray(), nil
	case arrow.INT64:
		x, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("partition column %s: %q is not a BIGINT", fd.Name, v)
		}
		b := array.NewInt64Builder(s.opts.Mem)
		defer b.Release()
		b.Reserve(n)
		for range n {
			b.UnsafeAppend(x)
		}
		return b.NewArray(), nil
	}
	return nil, fmt.Errorf("partition column %s cannot be %s", fd.Name, fd.Type)
}

// emitRowCounts emits, for row groups read for no column, batches with
// no columns but the right number of rows (zero times).
func (s *Scanner) emitRowCounts(f File, md *metadata.FileMetaData, groups []int, emit func(Batch) bool) error {
	for _, g := range groups {
		rows := int(md.RowGroup(g).NumRows())
		for start := 0; start < rows; start += s.opts.BatchRows {
			n := min(s.opts.BatchRows, rows-start)
			rec := array.NewRecord(arrow.NewSchema(nil, nil), nil, int64(n))
			b, err := s.convert(rec, f)
			rec.Release()
			if err != nil {
				return err
			}
			s.rows.Add(int64(n))
			if !emit(b) {
				return s.ctx.Err()
			}
		}
	}
	return nil
}
