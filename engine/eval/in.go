package eval

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/sql"
)

// This file holds IN and BETWEEN. x IN (list) is TRUE when x equals an
// item, else NULL when x or an item is NULL, else FALSE; NOT IN negates
// that. A list of constants becomes a set, built once; other lists are
// compared item by item. x BETWEEN lo AND hi is x >= lo AND x <= hi.

// operand is the right-hand operand of a comparison: a constant (s set)
// or a node.
type operand struct {
	n node
	s *sql.Value
}

func newOperand(n node) operand {
	if v, ok := asConst(n); ok {
		return operand{n: n, s: &v}
	}
	return operand{n: n}
}

// compare returns x op o for each row; x has type t.
func (o operand) compare(b *batch, op sql.BinaryOp, t sql.Type, x arrow.Array) (arrow.Array, error) {
	switch {
	case o.s != nil && o.s.IsNull():
		return broadcast(b.mem, sql.NullOf(sql.Boolean), b.n), nil
	case o.s != nil:
		return compareScalar(b.mem, op, t, x, *o.s), nil
	}
	r, err := o.n.eval(b)
	if err != nil {
		return nil, err
	}
	defer r.Release()
	return compareArrays(b.mem, op, t, x, r), nil
}

func (c *compiler) in(e *sql.In) (node, error) {
	x, err := c.compile(e.X)
	if err != nil {
		return nil, err
	}
	list, err := c.compileAll(e.List)
	if err != nil {
		return nil, err
	}
	t := e.X.Type()
	for _, item := range e.List {
		if it := item.Type(); it != t && it != sql.Null {
			return nil, c.errorf(e, "IN list value of type %s does not match %s", it, t)
		}
	}
	if isNullConst(x) {
		return newConst(sql.NullOf(sql.Boolean)), nil
	}
	if !t.IsColumnType() {
		return nil, c.errorf(e, "IN on %s", t)
	}
	consts := make([]sql.Value, 0, len(list))
	for _, item := range list {
		v, ok := asConst(item)
		if !ok {
			items := make([]operand, len(list))
			for i, it := range list {
				items[i] = newOperand(it)
			}
			return &inListNode{x: x, t: t, items: items, not: e.Not}, nil
		}
		consts = append(consts, v)
	}
	return newInSet(x, t, consts, e.Not), nil
}

// inListNode is x IN (list) with items that are not all constants.
type inListNode struct {
	x     node
	t     sql.Type
	items []operand
	not   bool
}

func (n *inListNode) typ() sql.Type { return sql.Boolean }

func (n *inListNode) eval(b *batch) (arrow.Array, error) {
	x, err := n.x.eval(b)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	var acc arrow.Array
	for _, item := range n.items {
		eq, err := item.compare(b, sql.OpEq, n.t, x)
		if err != nil {
			if acc != nil {
				acc.Release()
			}
			return nil, err
		}
		if acc == nil {
			acc = eq
			continue
		}
		next := logic(b.mem, false, acc, eq)
		acc.Release()
		eq.Release()
		acc = next
	}
	if n.not {
		out := negate(b.mem, acc)
		acc.Release()
		acc = out
	}
	return acc, nil
}

// inSetNode is x IN (constants): a set lookup per row.
type inSetNode struct {
	x       node
	t       sql.Type
	hasNull bool // the list holds a NULL
	not     bool
	ints    set[int64]
	floats  set[float64]
	strs    map[string]struct{}
	bools   [2]bool // FALSE, TRUE in the list
}

// set is a set of numbers: a slice scanned linearly while small, a map
// beyond.
type set[T word] struct {
	small []T
	big   map[T]struct{}
}

func (s *set[T]) add(v T) {
	if s.big == nil && len(s.small) < 16 {
		s.small = append(s.small, v)
		return
	}
	if s.big == nil {
		s.big = make(map[T]struct{}, 2*len(s.small))
		for _, x := range s.small {
			s.big[x] = struct{}{}
		}
		s.small = nil
	}
	s.big[v] = struct{}{}
}

func (s *set[T]) has(v T) bool {
	if s.big != nil {
		_, ok := s.big[v]
		return ok
	}
	for _, x := range s.small {
		if x == v {
			return true
		}
	}
	return false
}

// newInSet builds x IN (list) over constant items.
func newInSet(x node, t sql.Type, list []sql.Value, not bool) node {
	n := &inSetNode{x: x, t: t, not: not}
	if t == sql.String {
		n.strs = map[string]struct{}{}
	}
	empty := true
	for _, v := range list {
		if v.IsNull() {
			n.hasNull = true
			continue
		}
		empty = false
		switch t {
		case sql.Boolean:
			n.bools[b2u(v.Bool)] = true
		case sql.Float64:
			n.floats.add(v.Float)
		case sql.String:
			n.strs[v.Str] = struct{}{}
		default:
			n.ints.add(v.Int)
		}
	}
	if empty {
		return newConst(sql.NullOf(sql.Boolean)) // x IN (NULL, …)
	}
	return n
}

func (n *inSetNode) typ() sql.Type { return sql.Boolean }

func (n *inSetNode) eval(b *batch) (arrow.Array, error) {
	x, err := n.x.eval(b)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	buf, out := newBits(b.mem, b.n, false)
	switch n.t {
	case sql.Boolean:
		vals, _ := boolParts(x)
		for i := 0; i < b.n; i++ {
			if n.bools[vals[i>>3]>>(i&7)&1] {
				out[i>>3] |= 1 << (i & 7)
			}
		}
	case sql.Float64:
		for i, v := range values[float64](x) {
			out[i>>3] |= b2u(n.floats.has(v)) << (i & 7)
		}
	case sql.String:
		offs, data := strData(x)
		for i := 0; i < b.n; i++ {
			if _, ok := n.strs[string(data[offs[i]:offs[i+1]])]; ok {
				out[i>>3] |= 1 << (i & 7)
			}
		}
	default:
		for i, v := range values[int64](x) {
			out[i>>3] |= b2u(n.ints.has(v)) << (i & 7)
		}
	}
	return n.finish(b.mem, x, buf, out), nil
}

// finish turns the found bits into the result: NULL where x is NULL, and
// where x was not found in a list with a NULL; negated for NOT IN.
func (n *inSetNode) finish(mem memory.Allocator, x arrow.Array, buf *memory.Buffer, found []byte) arrow.Array {
	nrows := x.Len()
	var validity *memory.Buffer
	nulls := 0
	if n.hasNull {
		vbuf, valid := ownValidity(mem, nrows, x)
		for i := range found {
			valid[i] &= found[i]
		}
		validity, nulls = finishValidity(vbuf, valid, nrows)
	} else {
		validity, nulls = sharedValidity(mem, nrows, x)
	}
	if n.not {
		for i := range found {
			found[i] = ^found[i]
		}
	}
	return makeArray(arrow.FixedWidthTypes.Boolean, nrows, nulls, validity, buf)
}

// betweenNode is x [NOT] BETWEEN lo AND hi, inclusive.
type betweenNode struct {
	x      node
	t      sql.Type
	lo, hi operand
	not    bool
}

func (c *compiler) between(e *sql.Between) (node, error) {
	parts, err := c.compileAll([]sql.Expr{e.X, e.Lo, e.Hi})
	if err != nil {
		return nil, err
	}
	t := e.X.Type()
	if isNullConst(parts[0]) {
		return newConst(sql.NullOf(sql.Boolean)), nil
	}
	if !t.IsColumnType() || e.Lo.Type() != t && e.Lo.Type() != sql.Null || e.Hi.Type() != t && e.Hi.Type() != sql.Null {
		return nil, c.errorf(e, "cannot compare %s BETWEEN %s AND %s", t, e.Lo.Type(), e.Hi.Type())
	}
	return &betweenNode{x: parts[0], t: t, lo: newOperand(parts[1]), hi: newOperand(parts[2]), not: e.Not}, nil
}

func (n *betweenNode) typ() sql.Type { return sql.Boolean }

func (n *betweenNode) eval(b *batch) (arrow.Array, error) {
	x, err := n.x.eval(b)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	ge, err := n.lo.compare(b, sql.OpGe, n.t, x)
	if err != nil {
		return nil, err
	}
	defer ge.Release()
	le, err := n.hi.compare(b, sql.OpLe, n.t, x)
	if err != nil {
		return nil, err
	}
	defer le.Release()
	out := logic(b.mem, true, ge, le)
	if n.not {
		neg := negate(b.mem, out)
		out.Release()
		out = neg
	}
	return out, nil
}
