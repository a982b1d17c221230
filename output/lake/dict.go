package lake

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// Dictionary encoding. A string column of a file is written
// dictionary-encoded (RLE_DICTIONARY, as most Parquet writers do by
// default) when its distinct values are few: at most maxDictEntries of
// them, holding at most maxDictBytes, and at most half as many as the
// file's rows. Other string columns keep parquet-go's default,
// DELTA_LENGTH_BYTE_ARRAY. The choice is made per file from its rows, so
// the same rows still give the same bytes. A dictionary-encoded column is
// smaller and much faster to read (a reader decodes small integers, and a
// scan can group by them without hashing every string); a column of
// mostly distinct values (_sequence) would only grow.
const (
	maxDictEntries = 1 << 16
	maxDictBytes   = 1 << 20
)

// dictColumns reports, for each column, whether the file of rows refs
// writes it dictionary-encoded.
func dictColumns(cols []column, recs []arrow.Record, refs []rowRef) []bool {
	dict := make([]bool, len(cols))
	for c, col := range cols {
		if col.kind == kindString {
			dict[c] = fewValues(c, recs, refs)
		}
	}
	return dict
}

// fewValues reports whether column c of the rows refs has few enough
// distinct values for a dictionary. It gives up early on a column of
// nearly unique values.
func fewValues(c int, recs []arrow.Record, refs []rowRef) bool {
	seen := map[string]struct{}{}
	bytes := 0
	for i, ref := range refs {
		arr := recs[ref.rec].Column(c).(*array.String)
		if arr.IsNull(int(ref.row)) {
			continue
		}
		s := arr.Value(int(ref.row))
		if _, ok := seen[s]; ok {
			continue
		}
		seen[s] = struct{}{}
		bytes += len(s)
		if len(seen) > maxDictEntries || bytes > maxDictBytes || (i >= 1024 && len(seen)*10 > i*9) {
			return false
		}
	}
	return len(seen)*2 <= len(refs)
}
