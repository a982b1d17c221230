package agg

import (
	"fmt"
	"math"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// keyColumn holds one column of the interned keys, by id, and compares and
// hashes the rows of the batch bound to it against them.
type keyColumn interface {
	// bind makes arr the batch that hash, equal and store read.
	bind(arr arrow.Array) error
	unbind()
	// hash sets (first) or mixes into h[i] the hash of row rows[i].
	hash(rows []int32, h []uint64, first bool)
	// equal reports whether row holds the key of id.
	equal(id uint32, row int32) bool
	// store sets the key of id (at most the number held) to row's.
	store(id uint32, row int32)
	// hashID is the hash that hash gives a row holding id's key.
	hashID(id uint32) uint64
	equalIDs(a, b uint32) bool
	// clear forgets the key of a released id.
	clear(id uint32)
	build(mem memory.Allocator, ids []uint32) arrow.Array
	encode(e *encoder, n int)
	decode(d *decoder, n int)
	bytes() int64
}

func newKeyColumn(dt arrow.DataType) (keyColumn, error) {
	switch kindOf(dt) {
	case kindBool:
		return &boolKeys{}, nil
	case kindInt, kindTime:
		return &intKeys{dt: dt}, nil
	case kindFloat:
		return &floatKeys{}, nil
	case kindString:
		return &stringKeys{}, nil
	}
	return nil, fmt.Errorf("%w: key type %v", ErrUnsupported, dt)
}

var (
	_ keyColumn = (*intKeys)(nil)
	_ keyColumn = (*floatKeys)(nil)
	_ keyColumn = (*boolKeys)(nil)
	_ keyColumn = (*stringKeys)(nil)
)

// put stores x as the hash (first) or mixes it into h.
func put(h []uint64, i int, x uint64, first bool) {
	if first {
		h[i] = x
	} else {
		h[i] = combine(h[i], x)
	}
}

// nullKeys is the NULL part of a key column.
type nullKeys struct {
	nulls bitset // which ids hold NULL
	in    validity
}

func (c *nullKeys) storeNull(id uint32, null bool) {
	c.nulls = growBits(c.nulls, int(id)+1)
	c.nulls.put(id, null)
}

// eqNull compares NULLs: done is true when either side is NULL, eq then
// telling whether both are.
func (c *nullKeys) eqNull(id uint32, row int32) (eq, done bool) {
	rn, sn := c.in.null(row), c.nulls.get(id)
	return rn == sn, rn || sn
}

func (c *nullKeys) valid(ids []uint32) []bool {
	l := validList{}
	for _, id := range ids {
		l.add(!c.nulls.get(id))
	}
	return l.v
}

// intKeys holds BIGINT and TIMESTAMP keys.
type intKeys struct {
	nullKeys
	dt   arrow.DataType
	vals []int64
	cur  []int64
}

func (c *intKeys) bind(arr arrow.Array) error {
	if err := checkType(arr, c.dt); err != nil {
		return err
	}
	c.cur, c.in = int64Values(arr), validityOf(arr)
	return nil
}

func (c *intKeys) unbind() { c.cur, c.in = nil, validity{} }

func (c *intKeys) hash(rows []int32, h []uint64, first bool) {
	for i, r := range rows {
		x := uint64(nullHash)
		if !c.in.null(r) {
			x = mix64(uint64(c.cur[r]))
		}
		put(h, i, x, first)
	}
}

func (c *intKeys) equal(id uint32, row int32) bool {
	if eq, done := c.eqNull(id, row); done {
		return eq
	}
	return c.vals[id] == c.cur[row]
}

func (c *intKeys) store(id uint32, row int32) {
	null := c.in.null(row)
	v := int64(0)
	if !null {
		v = c.cur[row]
	}
	c.storeNull(id, null)
	if int(id) == len(c.vals) {
		c.vals = append(c.vals, v)
	} else {
		c.vals[id] = v
	}
}

func (c *intKeys) hashID(id uint32) uint64 {
	if c.nulls.get(id) {
		return nullHash
	}
	return mix64(uint64(c.vals[id]))
}

func (c *intKeys) equalIDs(a, b uint32) bool {
	return c.nulls.get(a) == c.nulls.get(b) && c.vals[a] == c.vals[b]
}

func (c *intKeys) clear(id uint32) { c.vals[id] = 0; c.nulls.unset(id) }

func (c *intKeys) build(mem memory.Allocator, ids []uint32) arrow.Array {
	vals := make([]int64, len(ids))
	for i, id := range ids {
		vals[i] = c.vals[id]
	}
	return newInt64Array(mem, c.dt, vals, c.valid(ids))
}

func (c *intKeys) encode(e *encoder, n int) {
	encodeBits(e, c.nulls, n)
	for _, v := range c.vals[:n] {
		e.varint(v)
	}
}

func (c *intKeys) decode(d *decoder, n int) {
	c.nulls = decodeBits(d, n)
	c.vals = make([]int64, 0, min(n, d.remaining()))
	for i := 0; i < n && d.err == nil; i++ {
		c.vals = append(c.vals, d.varint())
	}
}

func (c *intKeys) bytes() int64 { return int64(cap(c.vals))*8 + c.nulls.bytes() }

// floatKeys holds DOUBLE keys, normalised: -0 is 0 and every NaN is one NaN,
// equal to itself.
type floatKeys struct {
	nullKeys
	vals []float64
	cur  []float64
}

func (c *floatKeys) bind(arr arrow.Array) error {
	if err := checkType(arr, arrow.PrimitiveTypes.Float64); err != nil {
		return err
	}
	c.cur, c.in = arr.(*array.Float64).Float64Values(), validityOf(arr)
	return nil
}

func (c *floatKeys) unbind() { c.cur, c.in = nil, validity{} }

func (c *floatKeys) hash(rows []int32, h []uint64, first bool) {
	for i, r := range rows {
		x := uint64(nullHash)
		if !c.in.null(r) {
			x = mix64(floatBits(c.cur[r]))
		}
		put(h, i, x, first)
	}
}

func (c *floatKeys) equal(id uint32, row int32) bool {
	if eq, done := c.eqNull(id, row); done {
		return eq
	}
	return math.Float64bits(c.vals[id]) == floatBits(c.cur[row])
}

func (c *floatKeys) store(id uint32, row int32) {
	null := c.in.null(row)
	v := 0.0
	if !null {
		v = normFloat(c.cur[row])
	}
	c.storeNull(id, null)
	if int(id) == len(c.vals) {
		c.vals = append(c.vals, v)
	} else {
		c.vals[id] = v
	}
}

func (c *floatKeys) hashID(id uint32) uint64 {
	if c.nulls.get(id) {
		return nullHash
	}
	return mix64(math.Float64bits(c.vals[id]))
}

func (c *floatKeys) equalIDs(a, b uint32) bool {
	return c.nulls.get(a) == c.nulls.get(b) && math.Float64bits(c.vals[a]) == math.Float64bits(c.vals[b])
}

func (c *floatKeys) clear(id uint32) { c.vals[id] = 0; c.nulls.unset(id) }

func (c *floatKeys) build(mem memory.Allocator, ids []uint32) arrow.Array {
	vals := make([]float64, len(ids))
	for i, id := range ids {
		vals[i] = c.vals[id]
	}
	return newFloat64Array(mem, vals, c.valid(ids))
}

func (c *floatKeys) encode(e *encoder, n int) {
	encodeBits(e, c.nulls, n)
	for _, v := range c.vals[:n] {
		e.f64(v)
	}
}

func (c *floatKeys) decode(d *decoder, n int) {
	c.nulls = decodeBits(d, n)
	c.vals = make([]float64, 0, min(n, d.remaining()/8))
	for i := 0; i < n && d.err == nil; i++ {
		v := d.f64()
		if math.Float64bits(v) != floatBits(v) {
			d.fail("key %d: float not normalised", i)
		}
		c.vals = append(c.vals, v)
	}
}

func (c *floatKeys) bytes() int64 { return int64(cap(c.vals))*8 + c.nulls.bytes() }

// boolKeys holds BOOLEAN keys.
type boolKeys struct {
	nullKeys
	vals bitset
	cur  *array.Boolean
}

func (c *boolKeys) bind(arr arrow.Array) error {
	if err := checkType(arr, arrow.FixedWidthTypes.Boolean); err != nil {
		return err
	}
	c.cur, c.in = arr.(*array.Boolean), validityOf(arr)
	return nil
}

func (c *boolKeys) unbind() { c.cur, c.in = nil, validity{} }

func (c *boolKeys) hash(rows []int32, h []uint64, first bool) {
	for i, r := range rows {
		x := uint64(nullHash)
		if !c.in.null(r) {
			x = hashBool(c.cur.Value(int(r)))
		}
		put(h, i, x, first)
	}
}

func (c *boolKeys) equal(id uint32, row int32) bool {
	if eq, done := c.eqNull(id, row); done {
		return eq
	}
	return c.vals.get(id) == c.cur.Value(int(row))
}

func (c *boolKeys) store(id uint32, row int32) {
	null := c.in.null(row)
	c.storeNull(id, null)
	c.vals = growBits(c.vals, int(id)+1)
	c.vals.put(id, !null && c.cur.Value(int(row)))
}

func (c *boolKeys) hashID(id uint32) uint64 {
	if c.nulls.get(id) {
		return nullHash
	}
	return hashBool(c.vals.get(id))
}

func (c *boolKeys) equalIDs(a, b uint32) bool {
	return c.nulls.get(a) == c.nulls.get(b) && c.vals.get(a) == c.vals.get(b)
}

func (c *boolKeys) clear(id uint32) { c.vals.unset(id); c.nulls.unset(id) }

func (c *boolKeys) build(mem memory.Allocator, ids []uint32) arrow.Array {
	vals := make([]bool, len(ids))
	for i, id := range ids {
		vals[i] = c.vals.get(id)
	}
	return newBoolArray(mem, vals, c.valid(ids))
}

func (c *boolKeys) encode(e *encoder, n int) {
	encodeBits(e, c.nulls, n)
	encodeBits(e, c.vals, n)
}

func (c *boolKeys) decode(d *decoder, n int) {
	c.nulls = decodeBits(d, n)
	c.vals = decodeBits(d, n)
}

func (c *boolKeys) bytes() int64 { return c.vals.bytes() + c.nulls.bytes() }

// encodeBits writes bits [0, n) of b as (n+7)/8 bytes.
func encodeBits(e *encoder, b bitset, n int) {
	for i := 0; i < n; i += 8 {
		var x byte
		for j := 0; j < 8 && i+j < n; j++ {
			if b.get(uint32(i + j)) {
				x |= 1 << j
			}
		}
		e.u8(x)
	}
}

// decodeBits reads what encodeBits wrote; bits past n must be clear.
func decodeBits(d *decoder, n int) bitset {
	raw := d.raw((n + 7) / 8)
	if d.err != nil {
		return nil
	}
	b := growBits(nil, n)
	for i, x := range raw {
		if i == len(raw)-1 && n%8 != 0 && x>>(n%8) != 0 {
			d.fail("bits set past the end")
		}
		b[i>>3] |= uint64(x) << ((i & 7) * 8)
	}
	return b
}
