package ingest

import (
	"fmt"
	"math/big"
	"math/bits"
	"strconv"
)

// SequenceNumber identifies a record within a stream: the ordinal of its
// shard (the N of shardId-N) and its offset within that shard's log.
//
// Its text form is the decimal value of 2^124 + ordinal·2^64 + offset: always
// 38 digits, so the decimal strings compare the same way as text and as big
// integers. Within a shard offsets increase strictly; shards created by a
// split or merge have higher ordinals than their parents, so a child's
// sequence numbers are greater than its parents'.
type SequenceNumber struct {
	Shard  uint32 // shard ordinal
	Offset uint64 // position within the shard's log, from 1
}

var seqBase = new(big.Int).Lsh(big.NewInt(1), 124)

// String is the 38-digit decimal form.
func (s SequenceNumber) String() string {
	var buf [38]byte
	return string(s.AppendText(buf[:0]))
}

// AppendText appends the 38-digit decimal form to dst without allocating
// (it runs for every record read or written). The value is hi·2^64 + lo
// with hi = 2^60 + shard, printed in base 10^19 chunks with 128-by-64-bit
// division.
func (s SequenceNumber) AppendText(dst []byte) []byte {
	hi, lo := uint64(1)<<60|uint64(s.Shard), s.Offset
	const chunk = 1e19
	var parts [3]uint64
	n := 0
	for hi != 0 || lo != 0 {
		var r uint64
		hi, r = bits.Div64(0, hi, chunk)
		lo, r = bits.Div64(r, lo, chunk)
		parts[n] = r
		n++
	}
	dst = strconv.AppendUint(dst, parts[n-1], 10)
	for i := n - 2; i >= 0; i-- {
		var digits [19]byte
		v := parts[i]
		for j := 18; j >= 0; j-- {
			digits[j] = byte('0' + v%10)
			v /= 10
		}
		dst = append(dst, digits[:]...)
	}
	return dst
}

// ParseSequenceNumber reads the form String writes.
func ParseSequenceNumber(text string) (SequenceNumber, error) {
	if len(text) != 38 {
		return SequenceNumber{}, fmt.Errorf("sequence number %q is not a Freshet sequence number (38 decimal digits)", text)
	}
	b, ok := new(big.Int).SetString(text, 10)
	if !ok || text[0] == '+' || text[0] == '-' {
		return SequenceNumber{}, fmt.Errorf("sequence number %q is not a decimal integer", text)
	}
	b.Sub(b, seqBase)
	if b.Sign() < 0 || b.BitLen() > 96 {
		return SequenceNumber{}, fmt.Errorf("sequence number %q is out of range", text)
	}
	lo := new(big.Int).And(b, new(big.Int).SetUint64(^uint64(0)))
	hi := new(big.Int).Rsh(b, 64)
	return SequenceNumber{Shard: uint32(hi.Uint64()), Offset: lo.Uint64()}, nil
}

// ShardID is the Kinesis-style shard id of an ordinal: shardId-000000000007.
func ShardID(ordinal uint32) string { return fmt.Sprintf("shardId-%012d", ordinal) }

// ParseShardID reads a shard id of the form ShardID writes. Like Kinesis it
// also accepts the bare number ("7" or "000000000007").
func ParseShardID(id string) (uint32, error) {
	s := id
	if len(s) > 8 && s[:8] == "shardId-" {
		s = s[8:]
	}
	if s == "" || len(s) > 12 {
		return 0, fmt.Errorf("shard id %q is malformed", id)
	}
	var n uint64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("shard id %q is malformed", id)
		}
		n = n*10 + uint64(c-'0')
	}
	if n > 1<<32-1 {
		return 0, fmt.Errorf("shard id %q is out of range", id)
	}
	return uint32(n), nil
}
