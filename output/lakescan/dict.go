package lakescan

import (
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/parquet/metadata"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
)

// Dictionary reads. A string column named in Options.Dictionary comes as
// a dictionary array (int32 indices into String values) from a file whose
// chunks of it are all dictionary-encoded: arrow-go then decodes only the
// indices and each row group's dictionary, not every string. A file
// without a dictionary for it (another writer's, or an older lake) gives
// plain strings, so a consumer takes both. Such files are read one row
// group at a time: arrow-go cannot put two row groups' dictionaries in one
// batch.

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
// groups of a file: which leaves to read as dictionaries, and whether the
// groups must then be read one at a time.
func (s *Scanner) readProps(md *metadata.FileMetaData, leaves, groups []int) (props pqarrow.ArrowReadProperties, perGroup bool) {
	props = pqarrow.ArrowReadProperties{BatchSize: int64(s.opts.BatchRows)}
	for _, l := range leaves {
		if !s.dictionary(md.Schema.Column(l).Name()) || !allDictionary(md, l, groups) {
			continue
		}
		props.SetReadDict(l, true)
		perGroup = len(groups) > 1
	}
	return props, perGroup
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
