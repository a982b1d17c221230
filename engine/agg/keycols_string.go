package agg

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

const (
	// refLenBits is how many bits of a string key's ref hold its length.
	refLenBits = 24
	// maxKeyLen is the longest string key: 16 MiB - 1.
	maxKeyLen = 1<<refLenBits - 1
	// maxKeyData is the most string key bytes a table holds: 1 TiB.
	maxKeyData = 1 << (64 - refLenBits)
	// compactMin is the garbage (bytes of released keys) below which the
	// bytes are never compacted.
	compactMin = 64 << 10
)

// stringKeys holds VARCHAR keys: the bytes of all keys in one slice, and per
// id a ref, its offset << refLenBits | its length.
type stringKeys struct {
	nullKeys
	data    []byte
	refs    []uint64
	garbage int // bytes of data that no ref points to
	cur     *array.String
	dict    *dictRows // instead of cur, when the batch is dictionary-encoded
}

func (c *stringKeys) get(id uint32) string {
	ref := c.refs[id]
	off, n := ref>>refLenBits, ref&maxKeyLen
	return string(c.data[off : off+n])
}

// eqString compares id's key with s without allocating.
func (c *stringKeys) eqString(id uint32, s string) bool {
	ref := c.refs[id]
	off, n := ref>>refLenBits, ref&maxKeyLen
	return int(n) == len(s) && string(c.data[off:off+n]) == s
}

func (c *stringKeys) bind(arr arrow.Array) error {
	if d, ok := arr.(*array.Dictionary); ok {
		return c.bindDict(d)
	}
	if err := checkType(arr, arrow.BinaryTypes.String); err != nil {
		return err
	}
	cur := arr.(*array.String)
	if cur.Len() > 0 {
		offs := cur.ValueOffsets()
		longest := 0
		for i := 1; i < len(offs); i++ {
			longest = max(longest, int(offs[i]-offs[i-1]))
		}
		if err := c.checkLen(int(offs[len(offs)-1]-offs[0]), longest); err != nil {
			return err
		}
	}
	c.cur, c.in = cur, validityOf(arr)
	return nil
}

func (c *stringKeys) unbind() { c.cur, c.dict, c.in = nil, nil, validity{} }

func (c *stringKeys) hash(rows []int32, h []uint64, first bool) {
	if c.dict != nil {
		c.hashDict(rows, h, first)
		return
	}
	for i, r := range rows {
		x := uint64(nullHash)
		if !c.in.null(r) {
			x = hashString(c.cur.Value(int(r)))
		}
		put(h, i, x, first)
	}
}

func (c *stringKeys) equal(id uint32, row int32) bool {
	if eq, done := c.eqNull(id, row); done {
		return eq
	}
	return c.eqString(id, c.value(row))
}

func (c *stringKeys) store(id uint32, row int32) {
	null := c.in.null(row)
	s := ""
	if !null {
		s = c.value(row)
	}
	putKey(c, id, s, null)
}

// checkLen fails when keys of total length n, the longest max, cannot be
// added.
func (c *stringKeys) checkLen(n, max int) error {
	if max > maxKeyLen {
		return fmt.Errorf("string key of %d bytes, longer than %d", max, maxKeyLen)
	}
	if len(c.data)+n > maxKeyData {
		return fmt.Errorf("string keys exceed %d bytes", maxKeyData)
	}
	return nil
}

// putKey sets the key of id (at most the number held) to s, which checkLen
// has allowed.
func putKey[S string | []byte](c *stringKeys, id uint32, s S, null bool) {
	ref := uint64(len(c.data))<<refLenBits | uint64(len(s))
	c.data = append(c.data, s...)
	c.storeNull(id, null)
	if int(id) == len(c.refs) {
		c.refs = append(c.refs, ref)
	} else {
		c.refs[id] = ref
	}
}

func (c *stringKeys) hashID(id uint32) uint64 {
	if c.nulls.get(id) {
		return nullHash
	}
	ref := c.refs[id]
	off, n := ref>>refLenBits, ref&maxKeyLen
	return hashString(string(c.data[off : off+n]))
}

func (c *stringKeys) equalIDs(a, b uint32) bool {
	return c.nulls.get(a) == c.nulls.get(b) && c.eqString(a, c.get(b))
}

func (c *stringKeys) clear(id uint32) {
	c.garbage += int(c.refs[id] & maxKeyLen)
	c.refs[id] = 0
	c.nulls.unset(id)
	if c.garbage >= compactMin && c.garbage*2 > len(c.data) {
		c.compact()
	}
}

// compact copies the live keys into a new slice, dropping the garbage.
func (c *stringKeys) compact() {
	data := make([]byte, 0, len(c.data)-c.garbage)
	for id, ref := range c.refs {
		off, n := ref>>refLenBits, ref&maxKeyLen
		c.refs[id] = uint64(len(data))<<refLenBits | n
		data = append(data, c.data[off:off+n]...)
	}
	c.data, c.garbage = data, 0
}

func (c *stringKeys) build(mem memory.Allocator, ids []uint32) arrow.Array {
	vals := make([]string, len(ids))
	for i, id := range ids {
		vals[i] = c.get(id)
	}
	return newStringArray(mem, vals, c.valid(ids))
}

func (c *stringKeys) encode(e *encoder, n int) {
	encodeBits(e, c.nulls, n)
	for id := range n {
		e.str(c.get(uint32(id)))
	}
}

func (c *stringKeys) decode(d *decoder, n int) {
	nulls := decodeBits(d, n)
	c.data, c.refs, c.garbage = nil, make([]uint64, 0, min(n, d.remaining())), 0
	for id := 0; id < n && d.err == nil; id++ {
		b := d.bytes()
		if err := c.checkLen(len(b), len(b)); err != nil {
			d.fail("key %d: %v", id, err)
			break
		}
		putKey(c, uint32(id), b, false)
	}
	c.nulls = nulls
}

func (c *stringKeys) bytes() int64 {
	return int64(cap(c.data)) + int64(cap(c.refs))*8 + c.nulls.bytes()
}
