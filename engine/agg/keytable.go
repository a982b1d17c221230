package agg

import (
	"errors"
	"fmt"
	"math/bits"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// ErrUnsupported is wrapped by the errors for key types, aggregate functions
// and argument types that this package does not implement.
var ErrUnsupported = errors.New("unsupported")

const (
	// minEntries is the smallest hash table.
	minEntries = 16
	// maxKeys is the most live keys a KeyTable holds.
	maxKeys = 1 << 31
)

// KeyTable interns group keys: it gives every distinct combination of key
// column values a dense id, 0, 1, 2, … in order of first sight. NULL is a key
// value, equal to itself and to nothing else; DOUBLE keys are normalised (-0
// is 0, all NaNs are one NaN).
//
// The keys are held columnar in Go memory; the hash table is open addressing
// with linear probing over 8-byte entries, each the upper 32 bits of the
// key's hash (its "tag", which also places it) and its id + 1, so that a probe
// compares keys only when tags match.
//
// A KeyTable is not safe for concurrent use.
type KeyTable struct {
	mem      memory.Allocator
	types    []arrow.DataType
	cols     []keyColumn
	n        uint32 // ids handed out: each id < n is live or released
	live     int
	free     []uint32 // released ids, reused last in first out
	released bitset
	entries  []uint64 // tag<<32 | id+1; 0 is empty
	shift    uint     // 32 - log2(len(entries))
	hashes   []uint64 // scratch
	iota     []int32  // scratch: 0, 1, 2, …
	dictIDs  []uint32 // scratch of lookupDict
}

// NewKeyTable returns an empty table for keys of the given column types:
// BOOLEAN, BIGINT (int64), DOUBLE (float64), VARCHAR (string) and TIMESTAMP
// (any unit; the values are compared as int64). mem allocates the arrays
// that Keys returns.
func NewKeyTable(mem memory.Allocator, keyTypes []arrow.DataType) (*KeyTable, error) {
	if len(keyTypes) == 0 {
		return nil, fmt.Errorf("agg: new key table: %w: no key columns", ErrUnsupported)
	}
	kt := &KeyTable{mem: mem, types: append([]arrow.DataType(nil), keyTypes...)}
	cols, err := newKeyColumns(kt.types)
	if err != nil {
		return nil, fmt.Errorf("agg: new key table: %w", err)
	}
	kt.cols = cols
	kt.setEntries(minEntries)
	return kt, nil
}

func newKeyColumns(types []arrow.DataType) ([]keyColumn, error) {
	cols := make([]keyColumn, len(types))
	for i, dt := range types {
		c, err := newKeyColumn(dt)
		if err != nil {
			return nil, fmt.Errorf("key column %d: %w", i, err)
		}
		cols[i] = c
	}
	return cols, nil
}

func (kt *KeyTable) setEntries(n int) {
	kt.entries = make([]uint64, n)
	kt.shift = uint(32 - bits.TrailingZeros(uint(n)))
}

// Clear forgets every key, as a new table of the same types would be,
// keeping the hash table's size and the scratch space sized to the
// batches seen.
func (kt *KeyTable) Clear() error {
	cols, err := newKeyColumns(kt.types)
	if err != nil {
		return fmt.Errorf("agg: clear key table: %w", err)
	}
	kt.cols, kt.n, kt.live, kt.free, kt.released = cols, 0, 0, kt.free[:0], nil
	clear(kt.entries) // kept at its size: the next keys are likely as many
	return nil
}

// Len is the number of ids handed out: every id below it is a key, or was
// one and was released.
func (kt *KeyTable) Len() int { return int(kt.n) }

// Live is the number of keys held: Len less the released ids not yet reused.
func (kt *KeyTable) Live() int { return kt.live }

// Types is the key column types.
func (kt *KeyTable) Types() []arrow.DataType { return slices.Clone(kt.types) }

// Lookup returns in dst (reused when large enough) the id of the key of each
// row: keys holds one array per key column, all of one length; rows selects
// the rows (nil: all, in order), and dst[i] is the id of row rows[i]. Keys
// not seen before get new ids: the most recently released id, else Len().
// A VARCHAR key column may be given as a dictionary array (int32 indices
// into String values). The arrays are not retained.
func (kt *KeyTable) Lookup(keys []arrow.Array, rows []int32, dst []uint32) ([]uint32, error) {
	rows, err := kt.bind(keys, rows)
	defer kt.unbind()
	if err != nil {
		return dst, fmt.Errorf("agg: key lookup: %w", err)
	}
	if sk, ok := kt.cols[0].(*stringKeys); ok && len(kt.cols) == 1 && sk.dict != nil {
		return kt.lookupDict(sk, rows, dst)
	}
	kt.hashes = resize(kt.hashes, len(rows))
	for c, col := range kt.cols {
		col.hash(rows, kt.hashes, c == 0)
	}
	dst = resize(dst, len(rows))
	for i, r := range rows {
		id, err := kt.find(kt.hashes[i], r)
		if err != nil {
			return dst[:i], fmt.Errorf("agg: key lookup: %w", err)
		}
		dst[i] = id
	}
	return dst, nil
}

// bind checks the batch and binds its arrays to the key columns, returning
// the rows to look up.
func (kt *KeyTable) bind(keys []arrow.Array, rows []int32) ([]int32, error) {
	if len(keys) != len(kt.cols) {
		return nil, fmt.Errorf("%d key arrays for %d key columns", len(keys), len(kt.cols))
	}
	n := keys[0].Len()
	for i, arr := range keys {
		if arr.Len() != n {
			return nil, fmt.Errorf("key array %d has %d rows, key array 0 has %d", i, arr.Len(), n)
		}
		if err := kt.cols[i].bind(arr); err != nil {
			return nil, fmt.Errorf("key array %d: %w", i, err)
		}
	}
	if rows == nil {
		kt.iota = identity(kt.iota, n)
		return kt.iota[:n], nil
	}
	if err := checkRows(rows, n); err != nil {
		return nil, err
	}
	return rows, nil
}

func (kt *KeyTable) unbind() {
	for _, c := range kt.cols {
		c.unbind()
	}
}

// identity returns s grown to hold 0, 1, …, n-1 (and maybe more).
func identity(s []int32, n int) []int32 {
	if n > cap(s) {
		s = slices.Grow(s, n-len(s))
	}
	for i := len(s); i < n; i++ {
		s = append(s, int32(i))
	}
	return s
}

// checkRows fails unless every row is in [0, n).
func checkRows(rows []int32, n int) error {
	var bad int32
	for _, r := range rows {
		bad |= r | (int32(n-1) - r)
	}
	if bad < 0 {
		for _, r := range rows {
			if r < 0 || int(r) >= n {
				return fmt.Errorf("row %d out of range [0, %d)", r, n)
			}
		}
	}
	return nil
}

// find returns the id of the key of row, whose hash is h, adding it when
// new.
func (kt *KeyTable) find(h uint64, row int32) (uint32, error) {
	tag := uint32(h >> 32)
	mask := uint32(len(kt.entries) - 1)
	for i := tag >> kt.shift; ; i = (i + 1) & mask {
		e := kt.entries[i]
		if e == 0 {
			return kt.insert(i, tag, row)
		}
		if uint32(e>>32) == tag && kt.equal(uint32(e)-1, row) {
			return uint32(e) - 1, nil
		}
	}
}

func (kt *KeyTable) equal(id uint32, row int32) bool {
	for _, c := range kt.cols {
		if !c.equal(id, row) {
			return false
		}
	}
	return true
}

// insert adds the key of row at the empty entry i.
func (kt *KeyTable) insert(i, tag uint32, row int32) (uint32, error) {
	if kt.live >= maxKeys {
		return 0, fmt.Errorf("key table full: %d keys", kt.live)
	}
	var id uint32
	if n := len(kt.free); n > 0 {
		id, kt.free = kt.free[n-1], kt.free[:n-1]
		kt.released.unset(id)
	} else {
		id = kt.n
		kt.n++
		kt.released = growBits(kt.released, int(kt.n))
	}
	for _, c := range kt.cols {
		c.store(id, row)
	}
	kt.entries[i] = uint64(tag)<<32 | uint64(id+1)
	kt.live++
	if kt.live*4 > len(kt.entries)*3 {
		kt.resize(len(kt.entries) * 2)
	}
	return id, nil
}

// resize moves the entries into a table of n entries.
func (kt *KeyTable) resize(n int) {
	old := kt.entries
	kt.setEntries(n)
	mask := uint32(n - 1)
	for _, e := range old {
		if e == 0 {
			continue
		}
		i := uint32(e>>32) >> kt.shift
		for kt.entries[i] != 0 {
			i = (i + 1) & mask
		}
		kt.entries[i] = e
	}
}

// hashID is the hash of the key of id.
func (kt *KeyTable) hashID(id uint32) uint64 {
	h := kt.cols[0].hashID(id)
	for _, c := range kt.cols[1:] {
		h = combine(h, c.hashID(id))
	}
	return h
}

// Release forgets the key of id, whose id a new key may then take. Keys
// held by the engine's slots must be released only once those slots are
// reset.
func (kt *KeyTable) Release(id uint32) error {
	if id >= kt.n || kt.released.get(id) {
		return fmt.Errorf("agg: release key: id %d is not a key", id)
	}
	tag := uint32(kt.hashID(id) >> 32)
	mask := uint32(len(kt.entries) - 1)
	i := tag >> kt.shift
	for uint32(kt.entries[i]) != id+1 {
		i = (i + 1) & mask
	}
	kt.remove(i)
	for _, c := range kt.cols {
		c.clear(id)
	}
	kt.released.set(id)
	kt.free = append(kt.free, id)
	kt.live--
	return nil
}

// remove empties entry i, shifting back the entries after it that would no
// longer be found past the hole.
func (kt *KeyTable) remove(i uint32) {
	mask := uint32(len(kt.entries) - 1)
	kt.entries[i] = 0
	for j := (i + 1) & mask; kt.entries[j] != 0; j = (j + 1) & mask {
		home := uint32(kt.entries[j]>>32) >> kt.shift
		// The entry stays when its home is cyclically in (i, j].
		if i <= j {
			if i < home && home <= j {
				continue
			}
		} else if i < home || home <= j {
			continue
		}
		kt.entries[i], kt.entries[j] = kt.entries[j], 0
		i = j
	}
}

// Keys returns the key columns of ids, one array per key column, which the
// caller releases.
func (kt *KeyTable) Keys(ids []uint32) ([]arrow.Array, error) {
	for _, id := range ids {
		if id >= kt.n || kt.released.get(id) {
			return nil, fmt.Errorf("agg: keys: id %d is not a key", id)
		}
	}
	out := make([]arrow.Array, len(kt.cols))
	for i, c := range kt.cols {
		out[i] = c.build(kt.mem, ids)
	}
	return out, nil
}

// StateBytes estimates the memory the keys and the hash table hold, in
// bytes (not counting scratch space in proportion to the largest batch).
func (kt *KeyTable) StateBytes() int64 {
	n := int64(cap(kt.entries))*8 + int64(cap(kt.free))*4 + kt.released.bytes()
	for _, c := range kt.cols {
		n += c.bytes()
	}
	return n
}
