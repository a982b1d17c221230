package lake

import (
	"bytes"
	"fmt"
	"strings"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/compress/gzip"
	"github.com/parquet-go/parquet-go/compress/snappy"
	"github.com/parquet-go/parquet-go/compress/uncompressed"
	"github.com/parquet-go/parquet-go/compress/zstd"
)

// Codec returns the Parquet compression codec a name selects: snappy
// (the default, also for ""), zstd, gzip or none.
func Codec(name string) (compress.Codec, error) {
	switch strings.ToLower(name) {
	case "", "snappy":
		return &snappy.Codec{}, nil
	case "zstd":
		return &zstd.Codec{Level: zstd.DefaultLevel, Concurrency: 1}, nil
	case "gzip":
		return &gzip.Codec{Level: gzip.DefaultCompression}, nil
	case "none", "uncompressed":
		return &uncompressed.Codec{}, nil
	}
	return nil, fmt.Errorf("unknown compression %q (snappy, zstd, gzip or none)", name)
}

// rowRef is one row of one of the records a file is made of.
type rowRef struct {
	rec int32 // index into the file's records
	row int32 // row within the record
}

// chunkRows is how many rows are converted per column write; row groups
// are cut between chunks. Chunks are counted over the file's rows, not per
// input record, so how the rows were batched does not change the bytes.
const chunkRows = 1024

// encoder writes Parquet files of one set of columns.
type encoder struct {
	cols          []column
	codec         compress.Codec
	rowGroupBytes int64
	vals          []parquet.Value
	// schemas caches the Parquet schema of each choice of dictionary
	// columns (see dictColumns), keyed by the choice as text.
	schemas map[string]*parquet.Schema
}

func newEncoder(cols []column, codec compress.Codec, rowGroupBytes int64) *encoder {
	return &encoder{cols: cols, codec: codec, rowGroupBytes: rowGroupBytes}
}

// clone returns an encoder of the same files with its own scratch space.
func (e *encoder) clone() *encoder {
	return newEncoder(e.cols, e.codec, e.rowGroupBytes)
}

// schema returns the Parquet schema with the dictionary columns dict.
func (e *encoder) schema(dict []bool) *parquet.Schema {
	key := make([]byte, len(dict))
	for i, d := range dict {
		if d {
			key[i] = 1
		}
	}
	s := e.schemas[string(key)]
	if s == nil {
		if e.schemas == nil {
			e.schemas = map[string]*parquet.Schema{}
		}
		s = parquetSchema(e.cols, dict)
		e.schemas[string(key)] = s
	}
	return s
}

func (e *encoder) newWriter(buf *bytes.Buffer, schema *parquet.Schema) *parquet.Writer {
	return parquet.NewWriter(buf, schema,
		parquet.Compression(e.codec),
		parquet.CreatedBy("freshet", "1", ""),
		parquet.DataPageVersion(1),
		parquet.DataPageStatistics(true),
		parquet.MaxRowsPerRowGroup(1<<40),
	)
}

// encode writes the rows refs of recs, in order, as one Parquet file. Row
// groups are cut once their uncompressed size reaches rowGroupBytes; the
// output depends only on the rows, so the same rows give the same bytes.
// A nil record (a batch whose records all failed to decode) has no rows.
func (e *encoder) encode(recs []arrow.Record, refs []rowRef) ([]byte, error) {
	for _, r := range recs {
		if r == nil {
			continue
		}
		if err := checkRecord(r, e.cols); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	w := e.newWriter(&buf, e.schema(dictColumns(e.cols, recs, refs)))
	var groupBytes int64
	for start := 0; start < len(refs); start += chunkRows {
		chunk := refs[start:min(start+chunkRows, len(refs))]
		for c := range e.cols {
			n, err := e.writeColumn(w.ColumnWriters()[c], c, recs, chunk)
			if err != nil {
				return nil, fmt.Errorf("write parquet column %s: %w", e.cols[c].name, err)
			}
			groupBytes += n
		}
		if groupBytes >= e.rowGroupBytes {
			if err := w.Flush(); err != nil {
				return nil, fmt.Errorf("write parquet row group: %w", err)
			}
			groupBytes = 0
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("write parquet: %w", err)
	}
	return buf.Bytes(), nil
}

// checkRecord verifies that rec has the lake file's columns in order.
func checkRecord(rec arrow.Record, cols []column) error {
	if int(rec.NumCols()) != len(cols) {
		return fmt.Errorf("batch has %d columns, the lake file %d", rec.NumCols(), len(cols))
	}
	for i, c := range cols {
		if !strings.EqualFold(rec.ColumnName(i), c.name) {
			return fmt.Errorf("batch column %d is %s, want %s", i, rec.ColumnName(i), c.name)
		}
	}
	return nil
}

// writeColumn writes the given rows of arr to cw and returns their
// uncompressed size estimate.
func (e *encoder) writeColumn(cw *parquet.ColumnWriter, col int, recs []arrow.Record, refs []rowRef) (int64, error) {
	c := e.cols[col]
	vals := e.vals[:0]
	var size int64
	def := 0
	if c.optional {
		def = 1
	}
	for _, ref := range refs {
		arr, i := recs[ref.rec].Column(col), int(ref.row)
		if arr.IsNull(i) {
			if !c.optional {
				return 0, fmt.Errorf("null in required column")
			}
			vals = append(vals, parquet.NullValue().Level(0, 0, col))
			continue
		}
		var v parquet.Value
		switch c.kind {
		case kindBool:
			v = parquet.BooleanValue(arr.(*array.Boolean).Value(i))
			size++
		case kindInt64:
			v = parquet.Int64Value(arr.(*array.Int64).Value(i))
			size += 8
		case kindFloat64:
			v = parquet.DoubleValue(arr.(*array.Float64).Value(i))
			size += 8
		case kindString:
			s := arr.(*array.String).Value(i)
			// No copy: the column buffer copies the bytes, and the
			// record outlives the call.
			v = parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s)))
			size += int64(len(s)) + 4
		case kindTimestamp:
			v = parquet.Int64Value(int64(arr.(*array.Timestamp).Value(i)))
			size += 8
		}
		vals = append(vals, v.Level(0, def, col))
	}
	e.vals = vals
	if _, err := cw.WriteRowValues(vals); err != nil {
		return 0, err
	}
	return size, nil
}
