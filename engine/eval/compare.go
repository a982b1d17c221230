package eval

import (
	"bytes"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/sql"
)

// This file holds the comparisons = != < <= > >= on every type: numbers
// and timestamps by value, strings by byte order, FALSE < TRUE. A NULL
// operand gives NULL. A comparison with a constant is specialised: the
// kernel compares the column's raw values with the constant directly.

// cmpNode is a comparison; with s set, the right operand is the constant *s.
type cmpNode struct {
	op   sql.BinaryOp
	t    sql.Type // the operands' type
	l, r node
	s    *sql.Value
}

func (n *cmpNode) typ() sql.Type { return sql.Boolean }

func (n *cmpNode) eval(b *batch) (arrow.Array, error) {
	l, err := n.l.eval(b)
	if err != nil {
		return nil, err
	}
	defer l.Release()
	if n.s != nil {
		return compareScalar(b.mem, n.op, n.t, l, *n.s), nil
	}
	r, err := n.r.eval(b)
	if err != nil {
		return nil, err
	}
	defer r.Release()
	return compareArrays(b.mem, n.op, n.t, l, r), nil
}

// newCompare builds the comparison l op r of operands of type t, folding a
// NULL constant and putting a constant on the right.
func newCompare(op sql.BinaryOp, t sql.Type, l, r node) node {
	if isNullConst(l) || isNullConst(r) {
		return newConst(sql.NullOf(sql.Boolean))
	}
	if _, lc := asConst(l); lc {
		if _, rc := asConst(r); !rc {
			l, r, op = r, l, flip(op)
		}
	}
	n := &cmpNode{op: op, t: t, l: l, r: r}
	if v, ok := asConst(r); ok {
		n.s = &v
	}
	return n
}

// flip returns the operator that gives the same result with the operands
// swapped: a < b is b > a.
func flip(op sql.BinaryOp) sql.BinaryOp {
	switch op {
	case sql.OpLt:
		return sql.OpGt
	case sql.OpLe:
		return sql.OpGe
	case sql.OpGt:
		return sql.OpLt
	case sql.OpGe:
		return sql.OpLe
	}
	return op
}

// b2u is 1 for true and 0 for false (compiled without a branch).
func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// compareScalar compares each value of l (of type t) with the non-NULL s.
func compareScalar(mem memory.Allocator, op sql.BinaryOp, t sql.Type, l arrow.Array, s sql.Value) arrow.Array {
	n := l.Len()
	buf, out := newBits(mem, n, false)
	switch t {
	case sql.Float64:
		cmpWordsScalar(op, values[float64](l), s.Float, out)
	case sql.String:
		cmpStringsScalar(op, l, []byte(s.Str), out)
	case sql.Boolean:
		sb := byte(0)
		if s.Bool {
			sb = 0xff
		}
		vals, _ := boolParts(l)
		for i := range out {
			out[i] = cmpBits(op, vals[i], sb)
		}
	default: // BIGINT, TIMESTAMP
		cmpWordsScalar(op, values[int64](l), s.Int, out)
	}
	validity, nulls := sharedValidity(mem, n, l)
	return makeArray(arrow.FixedWidthTypes.Boolean, n, nulls, validity, buf)
}

// compareArrays compares l and r (of type t) row by row.
func compareArrays(mem memory.Allocator, op sql.BinaryOp, t sql.Type, l, r arrow.Array) arrow.Array {
	n := l.Len()
	buf, out := newBits(mem, n, false)
	switch t {
	case sql.Float64:
		cmpWords(op, values[float64](l), values[float64](r), out)
	case sql.String:
		cmpStrings(op, l, r, out)
	case sql.Boolean:
		lv, _ := boolParts(l)
		rv, _ := boolParts(r)
		for i := range out {
			out[i] = cmpBits(op, lv[i], rv[i])
		}
	default:
		cmpWords(op, values[int64](l), values[int64](r), out)
	}
	validity, nulls := sharedValidity(mem, n, l, r)
	return makeArray(arrow.FixedWidthTypes.Boolean, n, nulls, validity, buf)
}

// cmpBits compares 8 booleans at once (FALSE < TRUE).
func cmpBits(op sql.BinaryOp, a, b byte) byte {
	switch op {
	case sql.OpEq:
		return ^(a ^ b)
	case sql.OpNe:
		return a ^ b
	case sql.OpLt:
		return ^a & b
	case sql.OpLe:
		return ^a | b
	case sql.OpGt:
		return a &^ b
	}
	return a | ^b // >=
}

// cmpWordsScalar sets bit i of out when a[i] op s. It packs eight results
// into a byte before storing it.
func cmpWordsScalar[T word](op sql.BinaryOp, a []T, s T, out []byte) {
	for base := 0; base < len(a); base += 8 {
		chunk := a[base:min(base+8, len(a))]
		var acc byte
		switch op {
		case sql.OpEq:
			for j, v := range chunk {
				acc |= b2u(v == s) << j
			}
		case sql.OpNe:
			for j, v := range chunk {
				acc |= b2u(v != s) << j
			}
		case sql.OpLt:
			for j, v := range chunk {
				acc |= b2u(v < s) << j
			}
		case sql.OpLe:
			for j, v := range chunk {
				acc |= b2u(v <= s) << j
			}
		case sql.OpGt:
			for j, v := range chunk {
				acc |= b2u(v > s) << j
			}
		case sql.OpGe:
			for j, v := range chunk {
				acc |= b2u(v >= s) << j
			}
		}
		out[base>>3] = acc
	}
}

// cmpWords sets bit i of out when a[i] op b[i].
func cmpWords[T word](op sql.BinaryOp, a, b []T, out []byte) {
	b = b[:len(a)]
	for base := 0; base < len(a); base += 8 {
		end := min(base+8, len(a))
		x, y := a[base:end], b[base:end]
		y = y[:len(x)]
		var acc byte
		switch op {
		case sql.OpEq:
			for j := range x {
				acc |= b2u(x[j] == y[j]) << j
			}
		case sql.OpNe:
			for j := range x {
				acc |= b2u(x[j] != y[j]) << j
			}
		case sql.OpLt:
			for j := range x {
				acc |= b2u(x[j] < y[j]) << j
			}
		case sql.OpLe:
			for j := range x {
				acc |= b2u(x[j] <= y[j]) << j
			}
		case sql.OpGt:
			for j := range x {
				acc |= b2u(x[j] > y[j]) << j
			}
		case sql.OpGe:
			for j := range x {
				acc |= b2u(x[j] >= y[j]) << j
			}
		}
		out[base>>3] = acc
	}
}

// cmpResult tells whether a three-way comparison result c satisfies op.
func cmpResult(op sql.BinaryOp, c int) bool {
	switch op {
	case sql.OpEq:
		return c == 0
	case sql.OpNe:
		return c != 0
	case sql.OpLt:
		return c < 0
	case sql.OpLe:
		return c <= 0
	case sql.OpGt:
		return c > 0
	}
	return c >= 0
}

// cmpStringsScalar compares each string of l with s in byte order.
func cmpStringsScalar(op sql.BinaryOp, l arrow.Array, s []byte, out []byte) {
	offs, data := strData(l)
	n := l.Len()
	switch op {
	case sql.OpEq, sql.OpNe:
		want := op == sql.OpEq
		for i := 0; i < n; i++ {
			v := data[offs[i]:offs[i+1]]
			if (len(v) == len(s) && bytes.Equal(v, s)) == want {
				out[i>>3] |= 1 << (i & 7)
			}
		}
	default:
		for i := 0; i < n; i++ {
			if cmpResult(op, bytes.Compare(data[offs[i]:offs[i+1]], s)) {
				out[i>>3] |= 1 << (i & 7)
			}
		}
	}
}

// cmpStrings compares the strings of l and r row by row in byte order.
func cmpStrings(op sql.BinaryOp, l, r arrow.Array, out []byte) {
	loffs, ldata := strData(l)
	roffs, rdata := strData(r)
	for i := 0; i < l.Len(); i++ {
		if cmpResult(op, bytes.Compare(ldata[loffs[i]:loffs[i+1]], rdata[roffs[i]:roffs[i+1]])) {
			out[i>>3] |= 1 << (i & 7)
		}
	}
}
