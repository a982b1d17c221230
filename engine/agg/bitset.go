package agg

// bitset is a growable set of small integers (slots or key ids), one bit
// each.
type bitset []uint64

// growBits returns b with room for bits [0, n), the new bits clear.
func growBits(b bitset, n int) bitset {
	words := (n + 63) >> 6
	if words <= len(b) {
		return b
	}
	return append(b, make([]uint64, words-len(b))...)
}

func (b bitset) get(i uint32) bool { return b[i>>6]&(1<<(i&63)) != 0 }

func (b bitset) set(i uint32) { b[i>>6] |= 1 << (i & 63) }

func (b bitset) unset(i uint32) { b[i>>6] &^= 1 << (i & 63) }

// put sets bit i to v.
func (b bitset) put(i uint32, v bool) {
	if v {
		b.set(i)
	} else {
		b.unset(i)
	}
}

// bytes is the memory b holds.
func (b bitset) bytes() int64 { return int64(cap(b)) * 8 }

// resize returns s with length n, its contents unspecified.
func resize[T any](s []T, n int) []T {
	if n <= cap(s) {
		return s[:n]
	}
	return make([]T, n, n+n/4)
}

// growSlice returns s extended with zero values to length n (never shrunk).
func growSlice[T any](s []T, n int) []T {
	if n <= len(s) {
		return s
	}
	if n <= cap(s) {
		old := len(s)
		s = s[:n]
		clear(s[old:])
		return s
	}
	return append(s, make([]T, n-len(s))...)
}
