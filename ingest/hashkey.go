package ingest

import (
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"math/big"
	"math/bits"
)

// HashKey is an unsigned 128-bit integer: a position in a stream's hash-key
// space 0..2^128-1.
type HashKey struct{ Hi, Lo uint64 }

// MaxHashKey is 2^128-1, the end of every stream's hash-key space.
var MaxHashKey = HashKey{Hi: ^uint64(0), Lo: ^uint64(0)}

// PartitionHash routes a partition key as Kinesis does: MD5 of its UTF-8
// bytes read as an unsigned big-endian 128-bit integer.
func PartitionHash(partitionKey string) HashKey {
	sum := md5.Sum([]byte(partitionKey))
	return HashKey{Hi: binary.BigEndian.Uint64(sum[:8]), Lo: binary.BigEndian.Uint64(sum[8:])}
}

// Cmp compares k and o: -1, 0 or +1.
func (k HashKey) Cmp(o HashKey) int {
	switch {
	case k.Hi < o.Hi:
		return -1
	case k.Hi > o.Hi:
		return 1
	case k.Lo < o.Lo:
		return -1
	case k.Lo > o.Lo:
		return 1
	}
	return 0
}

// Add1 returns k+1 (wrapping at 2^128).
func (k HashKey) Add1() HashKey {
	lo, carry := bits.Add64(k.Lo, 1, 0)
	return HashKey{Hi: k.Hi + carry, Lo: lo}
}

// Sub1 returns k-1 (wrapping at 0).
func (k HashKey) Sub1() HashKey {
	lo, borrow := bits.Sub64(k.Lo, 1, 0)
	return HashKey{Hi: k.Hi - borrow, Lo: lo}
}

// Big returns k as a big.Int.
func (k HashKey) Big() *big.Int {
	b := new(big.Int).SetUint64(k.Hi)
	b.Lsh(b, 64)
	return b.Or(b, new(big.Int).SetUint64(k.Lo))
}

// String is the decimal form Kinesis uses in hash-key ranges.
func (k HashKey) String() string { return k.Big().String() }

var maxHashKeyBig = MaxHashKey.Big()

// ParseHashKey reads a decimal hash key in 0..2^128-1.
func ParseHashKey(s string) (HashKey, error) {
	b, ok := new(big.Int).SetString(s, 10)
	if !ok || len(s) == 0 || s[0] == '+' || s[0] == '-' {
		return HashKey{}, fmt.Errorf("hash key %q is not a decimal integer", s)
	}
	return hashKeyFromBig(b)
}

func hashKeyFromBig(b *big.Int) (HashKey, error) {
	if b.Sign() < 0 || b.Cmp(maxHashKeyBig) > 0 {
		return HashKey{}, fmt.Errorf("hash key %s is outside 0..2^128-1", b)
	}
	var buf [16]byte
	b.FillBytes(buf[:])
	return HashKey{Hi: binary.BigEndian.Uint64(buf[:8]), Lo: binary.BigEndian.Uint64(buf[8:])}, nil
}

// HashRange is an inclusive range of hash keys, as in Kinesis's HashKeyRange.
type HashRange struct{ Start, End HashKey }

// Contains reports whether k lies in r.
func (r HashRange) Contains(k HashKey) bool { return r.Start.Cmp(k) <= 0 && k.Cmp(r.End) <= 0 }

// EvenRanges splits 0..2^128-1 into n contiguous ranges of equal size (the
// last takes the remainder), as Kinesis does for a new stream.
func EvenRanges(n int) []HashRange {
	return SplitRange(HashRange{End: MaxHashKey}, n)
}

// SplitRange splits r into n contiguous ranges of (nearly) equal size.
func SplitRange(r HashRange, n int) []HashRange {
	if n < 1 {
		return nil
	}
	start, end := r.Start.Big(), r.End.Big()
	width := new(big.Int).Sub(end, start)
	width.Add(width, big.NewInt(1))
	step := new(big.Int).Div(width, big.NewInt(int64(n)))
	out := make([]HashRange, n)
	cur := new(big.Int).Set(start)
	for i := 0; i < n; i++ {
		next := new(big.Int).Add(cur, step)
		last := new(big.Int).Sub(next, big.NewInt(1))
		if i == n-1 {
			last = end
		}
		s, _ := hashKeyFromBig(cur)
		e, _ := hashKeyFromBig(last)
		out[i] = HashRange{Start: s, End: e}
		cur = next
	}
	return out
}
