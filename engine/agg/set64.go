package agg

import "slices"

// set64 is a set of 64-bit values: open addressing with linear probing,
// 0 marking an empty entry (the value 0 itself is a flag).
type set64 struct {
	tab  []uint64
	n    int // values in tab
	zero bool
}

func (s *set64) len() int {
	if s.zero {
		return s.n + 1
	}
	return s.n
}

// add inserts v.
func (s *set64) add(v uint64) {
	if v == 0 {
		s.zero = true
		return
	}
	if (s.n+1)*4 > len(s.tab)*3 {
		s.rehash(max(8, len(s.tab)*2))
	}
	mask := uint64(len(s.tab) - 1)
	for i := mix64(v) & mask; ; i = (i + 1) & mask {
		switch s.tab[i] {
		case v:
			return
		case 0:
			s.tab[i] = v
			s.n++
			return
		}
	}
}

func (s *set64) rehash(size int) {
	old := s.tab
	s.tab, s.n = make([]uint64, size), 0
	for _, v := range old {
		if v != 0 {
			s.add(v)
		}
	}
}

// sorted is the values in ascending order (as unsigned integers).
func (s *set64) sorted() []uint64 {
	out := make([]uint64, 0, s.len())
	if s.zero {
		out = append(out, 0)
	}
	for _, v := range s.tab {
		if v != 0 {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

func (s *set64) bytes() int64 { return int64(cap(s.tab))*8 + 40 }
