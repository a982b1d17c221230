package lakescan

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/metadata"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/apache/arrow/go/v17/parquet/schema"
)

// Dictionary reads. A string column named in Options.Dictionary comes as
// a dictionary array (int32 indices into String values) from a file whose
// chunks of it are all dictionary-encoded: only the indices and each row
// group's dictionary are decoded, not every string — by dictReader when
// the chunk is as the lake writes it, else by arrow-go. A file without a
// dictionary for it (another writer's, or an older lake) gives plain
// strings, so a consumer takes both. Such files are read one row group at
// a time: a batch has one dictionary per column.

// dictionary reports whether the column name may come as a dictionary.
func (s *Scanner) dictionary(name string) bool {
	for _, d := range s.opts.Dictionary {
		if strings.EqualFold(d, name) {
			return true
		}
	}
	return false
}

// readProps returns the Arrow read properties for the leaves of row
// groups of a file, the leaves dictReader reads instead of arrow-go
// (direct), and whether the groups must be read one at a time.
func (s *Scanner) readProps(md *metadata.FileMetaData, leaves, groups []int) (props pqarrow.ArrowReadProperties, direct []int, perGroup bool) {
	props = pqarrow.ArrowReadProperties{BatchSize: int64(s.opts.BatchRows)}
	for _, l := range leaves {
		col := md.Schema.Column(l)
		if _, isString := col.LogicalType().(schema.StringLogicalType); !isString || !s.dictionary(col.Name()) || !allDictionary(md, l, groups) {
			continue // binary columns are cast to strings
		}
		perGroup = len(groups) > 1
		if !s.viaArrow && allDirect(md, col, l, groups) {
			direct = append(direct, l)
			continue
		}
		props.SetReadDict(l, true)
	}
	return props, direct, perGroup || len(direct) > 0
}

// allDirect reports whether dictReader reads leaf l in every row group of
// groups.
func allDirect(md *metadata.FileMetaData, col *schema.Column, l int, groups []int) bool {
	for _, g := range groups {
		if !directDict(md.RowGroup(g), col, l) {
			return false
		}
	}
	return true
}

// readDirect reads row group g of f: the leaves through arrow-go and the
// direct ones through dictReader, into batches for emit; more is false
// when emit or the context stopped the scan.
func (s *Scanner) readDirect(f File, pf *file.Reader, fr *pqarrow.FileReader, leaves, direct []int, g int, emit func(Batch) bool) (more bool, err error) {
	var rr pqarrow.RecordReader
	if len(leaves) > 0 {
		if rr, err = fr.GetRecordReader(s.ctx, leaves, []int{g}); err != nil {
			return false, err
		}
		defer rr.Release()
	}
	sc := pf.MetaData().Schema
	rg := pf.RowGroup(g)
	readers := make([]*dictReader, len(direct))
	for i, l := range direct {
		pages, err := rg.GetColumnPageReader(l)
		if err != nil {
			return false, err
		}
		readers[i] = newDictReader(pages, sc.Column(l), &s.pool)
		defer readers[i].release()
	}
	total := rg.NumRows()
	for done := int64(0); done < total; {
		var fields []arrow.Field
		var cols []arrow.Array
		n := min(int64(s.opts.BatchRows), total-done)
		if rr != nil {
			if !rr.Next() {
				if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
					return false, err
				}
				return false, fmt.Errorf("row group %d ended after %d of %d rows", g, done, total)
			}
			rec := rr.Record()
			n = rec.NumRows()
			fields, cols = append(fields, rec.Schema().Fields()...), append(cols, rec.Columns()...)
		}
		for i, r := range readers {
			arr, err := r.read(int(n))
			if err != nil {
				releaseDirect(cols, i)
				return false, fmt.Errorf("column %s: %w", sc.Column(direct[i]).Name(), err)
			}
			fields = append(fields, arrow.Field{Name: sc.Column(direct[i]).Name(), Type: arr.DataType(), Nullable: true})
			cols = append(cols, arr)
		}
		rec := array.NewRecord(arrow.NewSchema(fields, nil), cols, n)
		releaseDirect(cols, len(readers))
		b, err := s.convert(rec, f)
		rec.Release()
		if err != nil {
			return false, err
		}
		s.rows.Add(n)
		done += n
		if !emit(b) {
			return false, s.ctx.Err()
		}
	}
	return true, nil
}

// releaseDirect releases the last k arrays of cols: those dictReader made
// (arrow-go's belong to their record).
func releaseDirect(cols []arrow.Array, k int) {
	for _, c := range cols[len(cols)-k:] {
		c.Release()
	}
}

// allDictionary reports whether leaf l is dictionary-encoded in every row
// group of groups.
func allDictionary(md *metadata.FileMetaData, l int, groups []int) bool {
	for _, g := range groups {
		cc, err := md.RowGroup(g).ColumnChunk(l)
		if err != nil || !cc.HasDictionaryPage() {
			return false
		}
	}
	return true
}

// schemaOf is want with each field's type that of cols' column: the
// dictionary type of a column read as a dictionary.
func schemaOf(want *arrow.Schema, cols []arrow.Array) *arrow.Schema {
	var fields []arrow.Field
	for i, c := range cols {
		if arrow.TypeEqual(c.DataType(), want.Field(i).Type) {
			continue
		}
		if fields == nil {
			fields = append([]arrow.Field(nil), want.Fields()...)
		}
		fields[i].Type = c.DataType()
	}
	if fields == nil {
		return want
	}
	return arrow.NewSchema(fields, nil)
}
