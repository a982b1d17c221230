package agg

import (
	"fmt"
)

// keyTableMagic starts a KeyTable encoding: "FKT" and the format version.
var keyTableMagic = [4]byte{'F', 'K', 'T', 1}

// MarshalBinary encodes all keys in id order, with the released ids, so
// that UnmarshalBinary restores the same ids and the same order of reuse.
// The encoding is deterministic: equal tables encode to equal bytes.
//
// Layout (version 1): "FKT" 1; uvarint column count and each column type's
// Arrow fingerprint; uvarint Len(); uvarint count and the released ids in
// the order of the free list; per column: the NULL bitmap of the ids
// ((Len()+7)/8 bytes, LSB first) and the values: zig-zag varints for BIGINT
// and TIMESTAMP, little-endian IEEE 754 for DOUBLE, a bitmap for BOOLEAN,
// uvarint length and bytes for VARCHAR. Released ids hold zero values.
func (kt *KeyTable) MarshalBinary() ([]byte, error) {
	e := &encoder{}
	e.raw(keyTableMagic[:])
	e.uvarint(uint64(len(kt.types)))
	for _, dt := range kt.types {
		e.str(dt.Fingerprint())
	}
	e.uvarint(uint64(kt.n))
	e.uvarint(uint64(len(kt.free)))
	for _, id := range kt.free {
		e.uvarint(uint64(id))
	}
	for _, c := range kt.cols {
		c.encode(e, int(kt.n))
	}
	return e.buf, nil
}

// UnmarshalBinary replaces the keys of kt with those MarshalBinary encoded
// from a table of the same key types. On error kt is unchanged.
func (kt *KeyTable) UnmarshalBinary(data []byte) error {
	if err := kt.unmarshal(data); err != nil {
		return fmt.Errorf("agg: unmarshal key table: %w", err)
	}
	return nil
}

func (kt *KeyTable) unmarshal(data []byte) error {
	d := &decoder{buf: data}
	d.header(keyTableMagic, "key table")
	if nc := d.count(1); d.err == nil && nc != len(kt.types) {
		d.fail("%d key columns, want %d", nc, len(kt.types))
	}
	for i := 0; i < len(kt.types) && d.err == nil; i++ {
		if s, want := d.str(), kt.types[i].Fingerprint(); d.err == nil && s != want {
			d.fail("key column %d has type %q, want %q", i, s, want)
		}
	}
	n := d.uvarint()
	// Every key takes at least a bit of each column's NULL bitmap.
	if d.err == nil && (n > maxKeys || n > 8*uint64(d.remaining())) {
		d.fail("%d keys in %d bytes", n, d.remaining())
	}
	nt := &KeyTable{mem: kt.mem, types: kt.types, n: uint32(n)}
	nfree := d.count(1)
	nt.released = growBits(nil, int(nt.n))
	for i := 0; i < nfree && d.err == nil; i++ {
		id := d.uvarint()
		if d.err != nil {
			break
		}
		if id >= n || nt.released.get(uint32(id)) {
			d.fail("bad released id %d", id)
			break
		}
		nt.released.set(uint32(id))
		nt.free = append(nt.free, uint32(id))
	}
	if d.err != nil {
		return d.err
	}
	cols, err := newKeyColumns(kt.types)
	if err != nil {
		return err
	}
	for _, c := range cols {
		c.decode(d, int(n))
	}
	d.end()
	if d.err != nil {
		return d.err
	}
	nt.cols = cols
	nt.live = int(n) - len(nt.free)
	size := minEntries
	for nt.live*4 > size*3 {
		size *= 2
	}
	nt.setEntries(size)
	for id := uint32(0); id < nt.n; id++ {
		if nt.released.get(id) {
			continue
		}
		if err := nt.place(id); err != nil {
			return err
		}
	}
	*kt = *nt
	return nil
}

// place adds the entry of the key of id, failing if another id holds the
// same key.
func (kt *KeyTable) place(id uint32) error {
	tag := uint32(kt.hashID(id) >> 32)
	mask := uint32(len(kt.entries) - 1)
	for i := tag >> kt.shift; ; i = (i + 1) & mask {
		e := kt.entries[i]
		if e == 0 {
			kt.entries[i] = uint64(tag)<<32 | uint64(id+1)
			return nil
		}
		if uint32(e>>32) == tag && kt.equalIDs(uint32(e)-1, id) {
			return fmt.Errorf("%w: ids %d and %d hold the same key", ErrCorrupt, uint32(e)-1, id)
		}
	}
}

func (kt *KeyTable) equalIDs(a, b uint32) bool {
	for _, c := range kt.cols {
		if !c.equalIDs(a, b) {
			return false
		}
	}
	return true
}
