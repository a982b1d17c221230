package agg

import (
	"math"
	"math/bits"

	"github.com/zeebo/xxh3"
)

// The hashes here are stable across processes and versions: HyperLogLog
// sketches hold them in checkpoints. Fixed-width values go through the
// SplitMix64 finaliser (a bijection with full avalanche), strings through
// XXH3.

// nullHash is the hash of a NULL key column.
const nullHash = 0x6a09e667f3bcc909

// mix64 is the SplitMix64 finaliser of x.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// combine folds the hash c of the next key column into h.
func combine(h, c uint64) uint64 { return mix64(bits.RotateLeft64(h, 23) ^ c) }

func hashString(s string) uint64 { return xxh3.HashString(s) }

func hashBool(v bool) uint64 {
	if v {
		return mix64(1)
	}
	return mix64(0)
}

// canonicalNaN is the one NaN that keys and distinct sets hold.
var canonicalNaN = math.Float64frombits(0x7ff8000000000001)

// normFloat maps -0 to +0 and every NaN to canonicalNaN, so that values that
// GROUP BY and DISTINCT treat as equal have equal bits.
func normFloat(f float64) float64 {
	if f == 0 {
		return 0
	}
	if f != f {
		return canonicalNaN
	}
	return f
}

// floatBits is the bit pattern of f after normFloat.
func floatBits(f float64) uint64 { return math.Float64bits(normFloat(f)) }
