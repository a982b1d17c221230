package eval

import (
	"math"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/sql"
)

// This file holds arithmetic: + - * / % on BIGINT and DOUBLE, TIMESTAMP ±
// INTERVAL, TIMESTAMP − TIMESTAMP (BIGINT milliseconds) and negation.
// BIGINT arithmetic wraps around on overflow, as Go's does; / is always
// DOUBLE (the planner casts its operands); division and modulo by zero are
// NULL, as in MySQL.

// binary compiles an operator expression.
func (c *compiler) binary(e *sql.Binary) (node, error) {
	l, err := c.compile(e.L)
	if err != nil {
		return nil, err
	}
	r, err := c.compile(e.R)
	if err != nil {
		return nil, err
	}
	lt, rt := e.L.Type(), e.R.Type()
	switch {
	case e.Op.IsLogical():
		if lt != sql.Boolean || rt != sql.Boolean {
			return nil, c.errorf(e, "%s needs BOOLEAN operands, got %s and %s", e.Op, lt, rt)
		}
		return newLogic(e.Op == sql.OpAnd, l, r), nil
	case e.Op.IsComparison():
		if lt != rt || !lt.IsColumnType() {
			return nil, c.errorf(e, "cannot compare %s with %s", lt, rt)
		}
		return newCompare(e.Op, lt, l, r), nil
	case e.Op.IsArithmetic():
		return c.arithmetic(e, l, r)
	}
	return nil, c.errorf(e, "unsupported operator %s", e.Op)
}

// newLogic builds l AND r or l OR r, simplifying a constant operand:
// TRUE AND x is x, FALSE AND x is FALSE (even when x is NULL), and so on.
func newLogic(and bool, l, r node) node {
	if _, ok := asConst(l); ok {
		l, r = r, l
	}
	if v, ok := asConst(r); ok && !v.IsNull() {
		if v.Bool == and {
			return l // TRUE AND x, FALSE OR x
		}
		return newConst(sql.BoolValue(v.Bool)) // FALSE AND x, TRUE OR x
	}
	return &logicNode{and: and, l: l, r: r}
}

// arithNode is l op r on numbers, timestamps and intervals. With a
// constant operand (ls or rs set) the kernel uses its value directly.
type arithNode struct {
	op     sql.BinaryOp
	float  bool     // DOUBLE operands, else 64-bit integers
	out    sql.Type // result type
	l, r   node
	ls, rs *sql.Value
}

func (c *compiler) arithmetic(e *sql.Binary, l, r node) (node, error) {
	lt, rt := e.L.Type(), e.R.Type()
	n := &arithNode{op: e.Op, out: e.Typ, l: l, r: r}
	switch {
	case lt == sql.Float64 && rt == sql.Float64 && e.Typ == sql.Float64:
		n.float = true
	case lt == sql.Int64 && rt == sql.Int64 && e.Op == sql.OpDiv && e.Typ == sql.Float64:
		n.float = true
		n.l, n.r = newCastNode(l, sql.Int64, sql.Float64), newCastNode(r, sql.Int64, sql.Float64)
	case lt == sql.Int64 && rt == sql.Int64 && e.Typ == sql.Int64 && e.Op != sql.OpDiv:
	case lt == sql.Timestamp && rt == sql.Interval && (e.Op == sql.OpAdd || e.Op == sql.OpSub) && e.Typ == sql.Timestamp:
	case lt == sql.Interval && rt == sql.Timestamp && e.Op == sql.OpAdd && e.Typ == sql.Timestamp:
		n.l, n.r = r, l
	case lt == sql.Timestamp && rt == sql.Timestamp && e.Op == sql.OpSub && e.Typ == sql.Int64:
	default:
		return nil, c.errorf(e, "cannot apply %s to %s and %s giving %s", e.Op, lt, rt, e.Typ)
	}
	if isNullConst(n.l) || isNullConst(n.r) {
		return newConst(sql.NullOf(e.Typ)), nil
	}
	if v, ok := asConst(n.r); ok {
		if (e.Op == sql.OpDiv || e.Op == sql.OpMod) && (v.Int == 0 && !n.float || v.Float == 0 && n.float) {
			return newConst(sql.NullOf(e.Typ)), nil // x / 0 is NULL
		}
		n.rs = &v
	} else if v, ok := asConst(n.l); ok && e.Op != sql.OpDiv && e.Op != sql.OpMod {
		n.ls = &v
	}
	return n, nil
}

func (n *arithNode) typ() sql.Type { return n.out }

func (n *arithNode) eval(b *batch) (arrow.Array, error) {
	dt := mustArrowType(n.out)
	if n.ls == nil && n.rs == nil {
		l, err := n.l.eval(b)
		if err != nil {
			return nil, err
		}
		defer l.Release()
		r, err := n.r.eval(b)
		if err != nil {
			return nil, err
		}
		defer r.Release()
		if n.op == sql.OpDiv || n.op == sql.OpMod {
			return n.divMod(b, dt, l, r), nil
		}
		validity, nulls := sharedValidity(b.mem, b.n, l, r)
		if n.float {
			buf, out := newValues[float64](b.mem, b.n)
			arith(n.op, values[float64](l), values[float64](r), out)
			return makeArray(dt, b.n, nulls, validity, buf), nil
		}
		buf, out := newValues[int64](b.mem, b.n)
		arith(n.op, values[int64](l), values[int64](r), out)
		return makeArray(dt, b.n, nulls, validity, buf), nil
	}
	x := n.l
	if n.ls != nil {
		x = n.r
	}
	arr, err := x.eval(b)
	if err != nil {
		return nil, err
	}
	defer arr.Release()
	validity, nulls := sharedValidity(b.mem, b.n, arr)
	if n.float {
		buf, out := newValues[float64](b.mem, b.n)
		if n.rs != nil {
			arithScalarRight(n.op, values[float64](arr), n.rs.Float, out)
		} else {
			arithScalarLeft(n.op, n.ls.Float, values[float64](arr), out)
		}
		return makeArray(dt, b.n, nulls, validity, buf), nil
	}
	buf, out := newValues[int64](b.mem, b.n)
	if n.rs != nil {
		arithScalarRight(n.op, values[int64](arr), n.rs.Int, out)
	} else {
		arithScalarLeft(n.op, n.ls.Int, values[int64](arr), out)
	}
	return makeArray(dt, b.n, nulls, validity, buf), nil
}

// divMod computes l / r or l % r row by row; a zero divisor makes the row
// NULL.
func (n *arithNode) divMod(b *batch, dt arrow.DataType, l, r arrow.Array) arrow.Array {
	vbuf, valid := ownValidity(b.mem, b.n, l, r)
	clearBit := func(i int) { valid[i>>3] &^= 1 << (i & 7) }
	var buf *memory.Buffer
	if n.float {
		var out []float64
		buf, out = newValues[float64](b.mem, b.n)
		x, y := values[float64](l), values[float64](r)
		y, out = y[:len(x)], out[:len(x)]
		for i := range x {
			switch {
			case y[i] == 0:
				clearBit(i)
				out[i] = 0
			case n.op == sql.OpDiv:
				out[i] = x[i] / y[i]
			default:
				out[i] = math.Mod(x[i], y[i])
			}
		}
	} else {
		var out []int64
		buf, out = newValues[int64](b.mem, b.n)
		x, y := values[int64](l), values[int64](r)
		y, out = y[:len(x)], out[:len(x)]
		for i := range x {
			switch {
			case y[i] == 0:
				clearBit(i)
				out[i] = 0
			case n.op == sql.OpDiv:
				out[i] = x[i] / y[i]
			default:
				out[i] = x[i] % y[i]
			}
		}
	}
	validity, nulls := finishValidity(vbuf, valid, b.n)
	return makeArray(dt, b.n, nulls, validity, buf)
}

// arith computes out[i] = a[i] op b[i] for + - *.
func arith[T word](op sql.BinaryOp, a, b, out []T) {
	b, out = b[:len(a)], out[:len(a)]
	switch op {
	case sql.OpAdd:
		for i := range a {
			out[i] = a[i] + b[i]
		}
	case sql.OpSub:
		for i := range a {
			out[i] = a[i] - b[i]
		}
	case sql.OpMul:
		for i := range a {
			out[i] = a[i] * b[i]
		}
	}
}

// arithScalarRight computes out[i] = a[i] op s; s is not zero for / and %.
func arithScalarRight[T word](op sql.BinaryOp, a []T, s T, out []T) {
	out = out[:len(a)]
	switch op {
	case sql.OpAdd:
		for i, v := range a {
			out[i] = v + s
		}
	case sql.OpSub:
		for i, v := range a {
			out[i] = v - s
		}
	case sql.OpMul:
		for i, v := range a {
			out[i] = v * s
		}
	case sql.OpDiv:
		for i, v := range a {
			out[i] = v / s
		}
	case sql.OpMod:
		switch x := any(a).(type) {
		case []int64:
			y, o := int64(s), any(out).([]int64)
			for i, v := range x {
				o[i] = v % y
			}
		case []float64:
			y, o := float64(s), any(out).([]float64)
			for i, v := range x {
				o[i] = math.Mod(v, y)
			}
		}
	}
}

// arithScalarLeft computes out[i] = s op b[i] for + - * (a constant
// dividend goes through divMod, which checks for zero).
func arithScalarLeft[T word](op sql.BinaryOp, s T, b []T, out []T) {
	out = out[:len(b)]
	switch op {
	case sql.OpAdd:
		for i, v := range b {
			out[i] = s + v
		}
	case sql.OpSub:
		for i, v := range b {
			out[i] = s - v
		}
	case sql.OpMul:
		for i, v := range b {
			out[i] = s * v
		}
	}
}

// unary compiles NOT x and -x.
func (c *compiler) unary(e *sql.Unary) (node, error) {
	x, err := c.compile(e.X)
	if err != nil {
		return nil, err
	}
	t := e.X.Type()
	switch {
	case e.Op == sql.OpNot && t == sql.Boolean:
		if isNullConst(x) {
			return x, nil
		}
		return &notNode{x: x}, nil
	case e.Op == sql.OpNeg && (t == sql.Int64 || t == sql.Float64 || t == sql.Interval) && e.Typ == t:
		if isNullConst(x) {
			return x, nil
		}
		return &negNode{x: x, t: t}, nil
	}
	return nil, c.errorf(e, "unsupported operand type %s", t)
}

// negNode is -x; the negation of the smallest BIGINT wraps to itself.
type negNode struct {
	x node
	t sql.Type
}

func (n *negNode) typ() sql.Type { return n.t }

func (n *negNode) eval(b *batch) (arrow.Array, error) {
	x, err := n.x.eval(b)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	validity, nulls := sharedValidity(b.mem, b.n, x)
	if n.t == sql.Float64 {
		buf, out := newValues[float64](b.mem, b.n)
		for i, v := range values[float64](x) {
			out[i] = -v
		}
		return makeArray(x.DataType(), b.n, nulls, validity, buf), nil
	}
	buf, out := newValues[int64](b.mem, b.n)
	for i, v := range values[int64](x) {
		out[i] = -v
	}
	return makeArray(x.DataType(), b.n, nulls, validity, buf), nil
}
