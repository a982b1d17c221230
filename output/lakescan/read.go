package lakescan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/metadata"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"

	"github.com/freshet/freshet/engine/decode"
	"github.com/freshet/freshet/output"
)

// objectReaderAt reads an object with ranged GETs: it is the
// parquet.ReaderAtSeeker a Parquet file reader needs (Seek only answers
// the size).
type objectReaderAt struct {
	ctx       context.Context
	store     output.ObjectStore
	key       string
	size, pos int64
	s         *Scanner
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
	r.s.requests.Add(1)
	r.s.bytesRead.Add(int64(got))
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

// readFile reads the wanted columns of the row groups of f that may hold
// rows in range, calling emit with each batch (which emit then owns) until
// emit returns false.
func (s *Scanner) readFile(f File, emit func(Batch) bool) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("lake scan %s: %s: %w", s.opts.Stream, f.Key, err)
		}
	}()
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
	// _event_time for the rows' times.
	want := s.opts.Schema.Fields()
	leafOf := func(name string) int {
		for i := range sc.NumColumns() {
			if strings.EqualFold(sc.Column(i).Name(), name) {
				return i
			}
		}
		return -1
	}
	etLeaf := leafOf(decode.ColEventTime)
	if etLeaf < 0 {
		return errors.New("no _event_time column")
	}
	var leaves []int
	if !s.opts.SkipTimes {
		leaves = append(leaves, etLeaf)
	}
	for _, fd := range want {
		if l := leafOf(fd.Name); l >= 0 && fd.Type.ID() != arrow.NULL && !slices.Contains(leaves, l) {
			leaves = append(leaves, l)
		}
	}
	if len(leaves) == 0 {
		leaves = append(leaves, etLeaf) // a batch needs a column to count its rows
	}

	// Row-group pruning by the _event_time statistics.
	var groups []int
	for g := range pf.NumRowGroups() {
		s.rowGroups.Add(1)
		if s.groupOutside(md.RowGroup(g), etLeaf) {
			s.skipped.Add(1)
			continue
		}
		groups = append(groups, g)
	}
	if len(groups) == 0 {
		return nil
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
			more, err = s.readDirect(pf, fr, leaves, direct, run[0], emit)
		} else {
			more, err = s.readGroups(fr, leaves, run, emit)
		}
		if !more || err != nil {
			return err
		}
	}
	return nil
}

// readGroups reads the leaves of row groups into batches for emit; more
// is false when emit or the context stopped the scan.
func (s *Scanner) readGroups(fr *pqarrow.FileReader, leaves, groups []int, emit func(Batch) bool) (more bool, err error) {
	rr, err := fr.GetRecordReader(s.ctx, leaves, groups)
	if err != nil {
		return false, err
	}
	defer rr.Release()
	for rr.Next() {
		b, err := s.convert(rr.Record())
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

// groupOutside reports whether a row group's _event_time statistics show
// that none of its rows lies in [From, To).
func (s *Scanner) groupOutside(rg *metadata.RowGroupMetaData, etLeaf int) bool {
	if s.opts.From.IsZero() && s.opts.To.IsZero() {
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
	if !s.opts.From.IsZero() && is.Max() < s.opts.From.UnixMilli() {
		return true
	}
	if !s.opts.To.IsZero() && is.Min() >= s.opts.To.UnixMilli() {
		return true
	}
	return false
}

// convert turns a record of file columns into a Batch of Options.Schema:
// columns by name, timestamps relabelled to the wanted type, missing
// columns as nulls. It does not release rec.
func (s *Scanner) convert(rec arrow.Record) (Batch, error) {
	n := int(rec.NumRows())
	byName := map[string]arrow.Array{}
	for i, fd := range rec.Schema().Fields() {
		byName[strings.ToLower(fd.Name)] = rec.Column(i)
	}
	var times []int64
	if !s.opts.SkipTimes {
		et, ok := byName[strings.ToLower(decode.ColEventTime)].(*array.Timestamp)
		if !ok {
			return Batch{}, fmt.Errorf("_event_time is %s, not a timestamp", byName[strings.ToLower(decode.ColEventTime)].DataType())
		}
		times = make([]int64, n)
		for i, v := range et.TimestampValues() {
			times[i] = int64(v)
		}
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
	for i, fd := range want.Fields() {
		got, ok := byName[strings.ToLower(fd.Name)]
		switch {
		case fd.Type.ID() == arrow.NULL:
			cols[i] = array.NewNull(n)
		case !ok:
			cols[i] = array.MakeArrayOfNull(s.opts.Mem, fd.Type, n)
		case arrow.TypeEqual(got.DataType(), fd.Type):
			got.Retain()
			cols[i] = got
		case got.DataType().ID() == fd.Type.ID() && fd.Type.ID() == arrow.TIMESTAMP &&
			got.DataType().(*arrow.TimestampType).Unit == fd.Type.(*arrow.TimestampType).Unit:
			d := got.Data()
			nd := array.NewData(fd.Type, d.Len(), d.Buffers(), nil, d.NullN(), d.Offset())
			cols[i] = array.MakeFromData(nd)
			nd.Release()
		case got.DataType().ID() == arrow.DICTIONARY && s.dictionary(fd.Name):
			got.Retain()
			cols[i] = got
		case got.DataType().ID() == arrow.LARGE_STRING && fd.Type.ID() == arrow.STRING:
			return Batch{}, fmt.Errorf("column %s: large strings are not supported", fd.Name)
		default:
			return Batch{}, fmt.Errorf("column %s is %s in the file, not %s", fd.Name, got.DataType(), fd.Type)
		}
	}
	return Batch{Rec: array.NewRecord(schemaOf(want, cols), cols, int64(n)), Times: times}, nil
}
