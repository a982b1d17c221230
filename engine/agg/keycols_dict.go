package agg

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// Dictionary-encoded VARCHAR keys. A Parquet reader gives a
// dictionary-encoded string column as a dictionary array (int32 indices
// into a String array of values); a VARCHAR key column takes it as it is.
// Rows are hashed through the values (each value hashed once per batch),
// and a table with one key column looks each distinct index up once per
// batch rather than hashing every row's string.

// dictRows is a dictionary array bound to a stringKeys: row r holds
// vals[idx[r]] unless NULL.
type dictRows struct {
	vals   *array.String
	idx    []int32
	hashes []uint64 // of vals, filled by the first hash
}

// bindDict binds a dictionary array of VARCHAR values.
func (c *stringKeys) bindDict(d *array.Dictionary) error {
	dt := d.DataType().(*arrow.DictionaryType)
	vals, ok := d.Dictionary().(*array.String)
	if !ok || dt.IndexType.ID() != arrow.INT32 {
		return fmt.Errorf("dictionary array of type %s, want int32 indices into %s", dt, arrow.BinaryTypes.String)
	}
	if vals.Len() > 0 {
		offs := vals.ValueOffsets()
		longest := 0
		for i := 1; i < len(offs); i++ {
			longest = max(longest, int(offs[i]-offs[i-1]))
		}
		if err := c.checkLen(int(offs[len(offs)-1]-offs[0]), longest); err != nil {
			return err
		}
	}
	idx := d.Indices().(*array.Int32).Int32Values()
	in := validityOf(d)
	if err := checkIndices(idx, vals.Len(), in); err != nil {
		return err
	}
	if vals.NullN() > 0 {
		// A row pointing at a NULL value is NULL: fold that into the
		// rows' validity.
		bm := make([]byte, (len(idx)+7)/8)
		for r, j := range idx {
			if !in.null(int32(r)) && !vals.IsNull(int(j)) {
				bm[r>>3] |= 1 << (r & 7)
			}
		}
		in = validity{bm: bm}
	}
	c.dict = &dictRows{vals: vals, idx: idx}
	c.cur, c.in = nil, in
	return nil
}

// checkIndices fails unless every index of a non-NULL row is in [0, n).
func checkIndices(idx []int32, n int, in validity) error {
	var bad uint32
	for _, j := range idx {
		if uint32(j) >= uint32(n) {
			bad++
		}
	}
	if bad == 0 {
		return nil
	}
	for r, j := range idx { // NULL rows may hold any index
		if uint32(j) >= uint32(n) && !in.null(int32(r)) {
			return fmt.Errorf("dictionary index %d at row %d out of range [0, %d)", j, r, n)
		}
	}
	return nil
}

// value is the string of row r of the bound batch (not NULL).
func (c *stringKeys) value(r int32) string {
	if c.dict != nil {
		return c.dict.vals.Value(int(c.dict.idx[r]))
	}
	return c.cur.Value(int(r))
}

// hashDict is hash for a bound dictionary array.
func (c *stringKeys) hashDict(rows []int32, h []uint64, first bool) {
	d := c.dict
	if d.hashes == nil {
		d.hashes = make([]uint64, d.vals.Len())
		for j := range d.hashes {
			d.hashes[j] = hashString(d.vals.Value(j))
		}
	}
	for i, r := range rows {
		x := uint64(nullHash)
		if !c.in.null(r) {
			x = d.hashes[d.idx[r]]
		}
		put(h, i, x, first)
	}
}

// lookupDict is Lookup for a table whose one key column, c, is bound to a
// dictionary array: each distinct index is looked up once.
func (kt *KeyTable) lookupDict(c *stringKeys, rows []int32, dst []uint32) ([]uint32, error) {
	d := c.dict
	kt.dictIDs = resize(kt.dictIDs, d.vals.Len()+1) // id+1 by index; the last for NULL; 0: not yet
	clear(kt.dictIDs)
	null := len(kt.dictIDs) - 1
	dst = resize(dst, len(rows))
	for i, r := range rows {
		j, h := null, uint64(nullHash)
		if !c.in.null(r) {
			j = int(d.idx[r])
		}
		if e := kt.dictIDs[j]; e != 0 {
			dst[i] = e - 1
			continue
		}
		if j != null {
			h = hashString(d.vals.Value(j))
		}
		id, err := kt.find(h, r)
		if err != nil {
			return dst[:i], fmt.Errorf("agg: key lookup: %w", err)
		}
		kt.dictIDs[j] = id + 1
		dst[i] = id
	}
	return dst, nil
}
