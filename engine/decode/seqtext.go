package decode

import (
	"math/bits"
	"strconv"

	"github.com/freshet/freshet/ingest"
)

// appendSeq appends the decimal text of s, as ingest.SequenceNumber.String
// writes it, without allocating (this runs per record when _sequence is
// produced). A test holds the two in step.
func appendSeq(dst []byte, s ingest.SequenceNumber) []byte {
	// The value is hi·2^64 + lo with hi = 2^60 + shard, printed in base
	// 10^19 chunks.
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
