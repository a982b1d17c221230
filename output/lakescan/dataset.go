package lakescan

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"

	"github.com/freshet/freshet/engine/decode"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/lake"
)

// Discovery describes a Hive-partitioned Parquet dataset: what Discover
// found under a store's root.
type Discovery struct {
	// Columns are the files' columns (those of the first file in key
	// order, as DuckDB and Spark take them, without Freshet's metadata
	// columns) with the types the engine reads them as, then the partition
	// columns the files lack.
	Columns []arrow.Field
	// Partitions names the partition columns (key=value directories), in
	// path order. A partition column is BIGINT when every value is an
	// integer, else VARCHAR.
	Partitions []string
	// TimeColumn is the event time: _event_time when the files have it
	// (Freshet's own archives), else the first TIMESTAMP (or DATE) column,
	// else "".
	TimeColumn string
	// Skipped names the file columns whose types a query cannot read
	// (lists, maps, structs…), with their types.
	Skipped []string
	// Files and Bytes count the data files.
	Files int
	Bytes int64
}

// Discover reads the schema of the Parquet dataset under store's root:
// it lists the data files (*.parquet, skipping names that start with _ or
// ., as Hive does) and reads the footer of the first one.
func Discover(ctx context.Context, store output.ObjectStore) (*Discovery, error) {
	files, err := listDataset(ctx, store, "", time.Time{}, time.Time{}, nil)
	if err != nil {
		return nil, fmt.Errorf("discover dataset: %w", err)
	}
	if len(files) == 0 {
		return nil, errors.New("discover dataset: no Parquet files (*.parquet) under it")
	}
	d := &Discovery{Files: len(files)}
	for _, f := range files {
		d.Bytes += f.Size
	}
	schema, err := fileSchema(ctx, store, files[0])
	if err != nil {
		return nil, fmt.Errorf("discover dataset: %s: %w", files[0].Key, err)
	}
	have := map[string]bool{}
	for _, fd := range schema.Fields() {
		name := strings.ToLower(fd.Name)
		if have[name] {
			continue
		}
		have[name] = true
		if isMetadata(name) {
			if name == decode.ColEventTime && fd.Type.ID() == arrow.TIMESTAMP {
				d.TimeColumn = decode.ColEventTime
			}
			continue
		}
		t, ok := EngineType(fd.Type)
		if !ok {
			d.Skipped = append(d.Skipped, fd.Name+" "+fd.Type.String())
			continue
		}
		d.Columns = append(d.Columns, arrow.Field{Name: name, Type: t, Nullable: true})
	}
	if d.TimeColumn == "" {
		for _, fd := range d.Columns {
			if fd.Type.ID() == arrow.TIMESTAMP {
				d.TimeColumn = fd.Name
				break
			}
		}
	}
	// Partition columns: their order of first appearance, and whether all
	// their values are integers.
	isInt := map[string]bool{}
	for _, f := range files {
		for _, p := range f.Parts {
			if _, seen := isInt[p[0]]; !seen {
				isInt[p[0]] = true
				d.Partitions = append(d.Partitions, p[0])
			}
			if _, err := strconv.ParseInt(p[1], 10, 64); err != nil && p[1] != lake.HiveDefaultPartition {
				isInt[p[0]] = false
			}
		}
	}
	for _, p := range d.Partitions {
		if have[p] {
			continue
		}
		t := arrow.DataType(arrow.BinaryTypes.String)
		if isInt[p] {
			t = arrow.PrimitiveTypes.Int64
		}
		d.Columns = append(d.Columns, arrow.Field{Name: p, Type: t, Nullable: true})
	}
	return d, nil
}

// isMetadata reports whether name (lower case) is one of Freshet's
// metadata columns.
func isMetadata(name string) bool {
	for _, c := range decode.Metadata() {
		if c.Name == name {
			return true
		}
	}
	return false
}

// fileSchema reads the Arrow schema of one Parquet file from its footer.
func fileSchema(ctx context.Context, store output.ObjectStore, f File) (_ *arrow.Schema, err error) {
	defer recoverDamaged(&err)
	ra := &objectReaderAt{ctx: ctx, store: store, key: f.Key, size: f.Size}
	pf, err := file.NewParquetReader(ra, file.WithReadProps(parquet.NewReaderProperties(memory.DefaultAllocator)))
	if err != nil {
		return nil, err
	}
	defer pf.Close()
	return pqarrow.FromParquet(pf.MetaData().Schema, nil, pf.MetaData().KeyValueMetadata())
}

// EngineType maps a file column's Arrow type to the type the engine reads
// it as (BOOLEAN, BIGINT, DOUBLE, VARCHAR or a millisecond TIMESTAMP), or
// reports that the engine cannot read it.
func EngineType(t arrow.DataType) (arrow.DataType, bool) {
	switch t.ID() {
	case arrow.BOOL:
		return arrow.FixedWidthTypes.Boolean, true
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return arrow.PrimitiveTypes.Int64, true
	case arrow.FLOAT32, arrow.FLOAT64, arrow.DECIMAL128, arrow.DECIMAL256: // arrow-go cannot cast FLOAT16
		return arrow.PrimitiveTypes.Float64, true
	case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY, arrow.LARGE_BINARY:
		return arrow.BinaryTypes.String, true
	case arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64:
		return arrow.FixedWidthTypes.Timestamp_ms, true
	case arrow.DICTIONARY:
		return EngineType(t.(*arrow.DictionaryType).ValueType)
	}
	return nil, false
}

// listDataset lists the data files of a dataset under root (a key prefix
// ending in / or ""): every *.parquet object whose path has no segment
// starting with _ or . (markers, temporary and hidden files), with the
// partition values of its key=value directories (Hive's
// __HIVE_DEFAULT_PARTITION__ is NULL). Partitions prunes by
// those values. When from or to is set, directories with Freshet's
// dt=/hr= layout are pruned by hour (only valid when the event time is
// _event_time, which those directories are cut by; the caller decides).
// The containment rule applies to files named as Freshet names them.
func listDataset(ctx context.Context, store output.ObjectStore, root string, from, to time.Time, parts map[string]map[string]bool) ([]File, error) {
	objs, err := output.ListAll(ctx, store, root)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", root, err)
	}
	var files []File
	for _, o := range objs {
		rel := strings.TrimPrefix(o.Key, root)
		if !strings.HasSuffix(strings.ToLower(rel), ".parquet") || hidden(rel) {
			continue
		}
		f := File{Key: o.Key, Size: o.Size}
		dir := path.Dir(rel)
		for _, seg := range strings.Split(dir, "/") {
			if k, v, ok := strings.Cut(seg, "="); ok && k != "" {
				f.Parts = append(f.Parts, [2]string{strings.ToLower(k), lake.UnescapeValue(v)})
			}
		}
		if !from.IsZero() || !to.IsZero() {
			if hour, err := lake.HourOf(dir); err == nil && !hourInRange(hour, from, to) {
				continue
			}
		}
		if !partsAllowed(f.Parts, parts) {
			continue
		}
		files = append(files, f)
	}
	files = dropContained(files)
	sort.Slice(files, func(i, j int) bool { return files[i].Key < files[j].Key })
	return files, nil
}

// hidden reports whether a relative key has a segment starting with . or
// with _ (but for a _key=value partition), as Spark skips them: _SUCCESS,
// _temporary, .crc files.
func hidden(rel string) bool {
	for _, seg := range strings.Split(rel, "/") {
		if strings.HasPrefix(seg, ".") || strings.HasPrefix(seg, "_") && !strings.Contains(seg, "=") {
			return true
		}
	}
	return false
}

// partsAllowed reports whether partition values pass the pruning sets:
// for each field a set names, the value must be in it, compared as text or,
// when both are integers, as numbers (hr=09 matches 9).
func partsAllowed(values [][2]string, parts map[string]map[string]bool) bool {
	for _, kv := range values {
		allowed, ok := parts[kv[0]]
		if !ok || allowed[kv[1]] {
			continue
		}
		n, err := strconv.ParseInt(kv[1], 10, 64)
		if err != nil || !allowed[strconv.FormatInt(n, 10)] {
			return false
		}
	}
	return true
}
