package eval

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/sql"
)

// This file holds the logical operators (NOT, AND, OR, IS NULL) with SQL's
// three-valued logic. They work a byte (8 rows) at a time on the value and
// validity bitmaps.

// boolParts returns the value bits and validity bits (nil: no NULLs) of a
// Boolean array, both starting at bit 0.
func boolParts(arr arrow.Array) (vals, valid []byte) {
	n := arr.Len()
	vb, off := boolBits(arr)
	vals = aligned(vb, off, n)
	if nb, noff := validBits(arr); nb != nil {
		valid = aligned(nb, noff, n)
	}
	return vals, valid
}

// countTrue counts the rows of a Boolean array that are TRUE (not NULL).
func countTrue(arr arrow.Array) int {
	vals, valid := boolParts(arr)
	n := arr.Len()
	if valid == nil {
		return bitutil.CountSetBits(vals, 0, n)
	}
	nb := int(bitutil.BytesForBits(int64(n)))
	tmp := make([]byte, nb)
	for i := range tmp {
		tmp[i] = vals[i] & valid[i]
	}
	return bitutil.CountSetBits(tmp, 0, n)
}

// notNode is NOT x: NOT NULL is NULL.
type notNode struct{ x node }

func (n *notNode) typ() sql.Type { return sql.Boolean }

func (n *notNode) eval(b *batch) (arrow.Array, error) {
	x, err := n.x.eval(b)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	return negate(b.mem, x), nil
}

// negate returns NOT x for a Boolean array.
func negate(mem memory.Allocator, x arrow.Array) arrow.Array {
	n := x.Len()
	vals, _ := boolParts(x)
	buf, out := newBits(mem, n, false)
	for i := range out {
		out[i] = ^vals[i]
	}
	validity, nulls := sharedValidity(mem, n, x)
	return makeArray(arrow.FixedWidthTypes.Boolean, n, nulls, validity, buf)
}

// logicNode is x AND y or x OR y. The right side is not evaluated when the
// left side decides every row (all FALSE for AND, all TRUE for OR).
type logicNode struct {
	and  bool
	l, r node
}

func (n *logicNode) typ() sql.Type { return sql.Boolean }

func (n *logicNode) eval(b *batch) (arrow.Array, error) {
	l, err := n.l.eval(b)
	if err != nil {
		return nil, err
	}
	if l.NullN() == 0 {
		t := countTrue(l)
		if n.and && t == 0 || !n.and && t == b.n {
			return l, nil
		}
	}
	r, err := n.r.eval(b)
	if err != nil {
		l.Release()
		return nil, err
	}
	out := logic(b.mem, n.and, l, r)
	l.Release()
	r.Release()
	return out, nil
}

// logic computes l AND r or l OR r over two Boolean arrays of equal length.
func logic(mem memory.Allocator, and bool, l, r arrow.Array) arrow.Array {
	n := l.Len()
	lv, lvalid := boolParts(l)
	rv, rvalid := boolParts(r)
	buf, out := newBits(mem, n, false)
	if lvalid == nil && rvalid == nil {
		if and {
			for i := range out {
				out[i] = lv[i] & rv[i]
			}
		} else {
			for i := range out {
				out[i] = lv[i] | rv[i]
			}
		}
		return makeArray(arrow.FixedWidthTypes.Boolean, n, 0, nil, buf)
	}
	vbuf, valid := newBits(mem, n, false)
	for i := range out {
		lok, rok := byte(0xff), byte(0xff)
		if lvalid != nil {
			lok = lvalid[i]
		}
		if rvalid != nil {
			rok = rvalid[i]
		}
		lt, rt := lok&lv[i], rok&rv[i]
		if and {
			lf, rf := lok&^lv[i], rok&^rv[i]
			valid[i] = lok&rok | lf | rf
			out[i] = lt & rt
		} else {
			valid[i] = lok&rok | lt | rt
			out[i] = lt | rt
		}
	}
	validity, nulls := finishValidity(vbuf, valid, n)
	return makeArray(arrow.FixedWidthTypes.Boolean, n, nulls, validity, buf)
}

// isNullNode is x IS [NOT] NULL; it is never NULL itself.
type isNullNode struct {
	x   node
	not bool
}

func (c *compiler) isNull(e *sql.IsNull) (node, error) {
	x, err := c.compile(e.X)
	if err != nil {
		return nil, err
	}
	if v, ok := asConst(x); ok {
		return newConst(sql.BoolValue(v.IsNull() != e.Not)), nil
	}
	return &isNullNode{x: x, not: e.Not}, nil
}

func (n *isNullNode) typ() sql.Type { return sql.Boolean }

func (n *isNullNode) eval(b *batch) (arrow.Array, error) {
	x, err := n.x.eval(b)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	nb, off := validBits(x)
	buf, out := newBits(b.mem, b.n, n.not)
	if nb != nil {
		valid := aligned(nb, off, b.n)
		for i := range out {
			if n.not {
				out[i] = valid[i]
			} else {
				out[i] = ^valid[i]
			}
		}
	}
	return makeArray(arrow.FixedWidthTypes.Boolean, b.n, 0, nil, buf), nil
}
