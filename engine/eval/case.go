package eval

import (
	"math/bits"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/sql"
)

// This file holds the conditional expressions: CASE, IF, COALESCE and
// IFNULL. They are lazy per batch: a branch is evaluated only when some row
// of the batch takes it, and then over the whole batch (no kernel fails on
// a value, so computing a branch for rows that do not take it is harmless).
// The result is gathered row by row from the branches taken.

// caseNode is a CASE: searched (conditions) or simple (operand compared
// with each WHEN value); IF is a searched CASE with one arm.
type caseNode struct {
	t       sql.Type
	operand node     // nil for a searched CASE
	opType  sql.Type // the operand's type
	conds   []operand
	results []node
	els     node // nil: NULL
}

func (c *compiler) caseExpr(e *sql.Case) (node, error) {
	n := &caseNode{t: e.Typ}
	if e.Operand != nil {
		op, err := c.compile(e.Operand)
		if err != nil {
			return nil, err
		}
		n.operand, n.opType = op, e.Operand.Type()
		if !n.opType.IsColumnType() {
			return nil, c.errorf(e, "CASE operand of type %s", n.opType)
		}
	}
	for _, w := range e.Whens {
		cond, err := c.compile(w.Cond)
		if err != nil {
			return nil, err
		}
		want := sql.Boolean
		if n.operand != nil {
			want = n.opType
		}
		switch ct := w.Cond.Type(); {
		case ct == want || ct == sql.Null:
		case ct == sql.Int64 && want == sql.Float64:
			// The binder widens the operand to DOUBLE for a later DOUBLE
			// WHEN value but leaves earlier BIGINT ones: widen them here.
			cond = newCastNode(cond, sql.Int64, sql.Float64)
		default:
			return nil, c.errorf(w.Cond, "WHEN of type %s where %s is needed", ct, want)
		}
		res, err := c.compile(w.Result)
		if err != nil {
			return nil, err
		}
		if err := c.checkResult(w.Result, e.Typ); err != nil {
			return nil, err
		}
		n.conds = append(n.conds, newOperand(cond))
		n.results = append(n.results, res)
	}
	if e.Else != nil {
		els, err := c.compile(e.Else)
		if err != nil {
			return nil, err
		}
		if err := c.checkResult(e.Else, e.Typ); err != nil {
			return nil, err
		}
		n.els = els
	}
	return n.simplify(), nil
}

// checkResult checks that a CASE arm has the CASE's type.
func (c *compiler) checkResult(e sql.Expr, t sql.Type) error {
	if rt := e.Type(); rt != t && rt != sql.Null {
		return c.errorf(e, "CASE result of type %s where %s is needed", rt, t)
	}
	return nil
}

// simplify drops searched arms whose condition is a constant that is not
// TRUE, and turns an arm whose condition is TRUE into the ELSE.
func (n *caseNode) simplify() node {
	if n.operand != nil {
		if isNullConst(n.operand) {
			return n.elseNode() // NULL = x is never TRUE
		}
		return n
	}
	var conds []operand
	var results []node
	for i, cond := range n.conds {
		if cond.s == nil {
			conds = append(conds, cond)
			results = append(results, n.results[i])
			continue
		}
		if !cond.s.IsNull() && cond.s.Bool {
			n.els = n.results[i]
			break
		}
	}
	n.conds, n.results = conds, results
	if len(conds) == 0 {
		return n.elseNode()
	}
	return n
}

// elseNode is the ELSE branch, or NULL.
func (n *caseNode) elseNode() node {
	if n.els == nil {
		return newConst(sql.NullOf(n.t))
	}
	return n.els
}

func (n *caseNode) typ() sql.Type { return n.t }

func (n *caseNode) eval(b *batch) (arrow.Array, error) {
	var opArr arrow.Array
	if n.operand != nil {
		var err error
		if opArr, err = n.operand.eval(b); err != nil {
			return nil, err
		}
		defer opArr.Release()
	}
	g := newGather(b.n, len(n.results)+1)
	defer g.release()
	for j, cond := range n.conds {
		if g.remaining == 0 {
			break
		}
		var c arrow.Array
		var err error
		if opArr != nil {
			c, err = cond.compare(b, sql.OpEq, n.opType, opArr)
		} else {
			c, err = cond.n.eval(b)
		}
		if err != nil {
			return nil, err
		}
		vals, valid := boolParts(c)
		taken := g.take(j, vals, valid)
		c.Release()
		if taken > 0 {
			if g.srcs[j], err = n.results[j].eval(b); err != nil {
				return nil, err
			}
		}
	}
	if g.remaining > 0 && n.els != nil {
		arr, err := n.els.eval(b)
		if err != nil {
			return nil, err
		}
		j := len(n.results)
		g.srcs[j] = arr
		g.take(j, nil, nil)
	}
	return g.result(b, n.t)
}

// coalesceNode is COALESCE(x, …) and IFNULL(x, y): the first argument that
// is not NULL.
type coalesceNode struct {
	t    sql.Type
	args []node
}

// newCoalesce builds COALESCE over compiled arguments, dropping NULL
// constants and everything after a constant that is not NULL.
func newCoalesce(t sql.Type, args []node) node {
	var keep []node
	for _, a := range args {
		if v, ok := asConst(a); ok {
			if v.IsNull() {
				continue
			}
			keep = append(keep, a)
			break
		}
		keep = append(keep, a)
	}
	switch len(keep) {
	case 0:
		return newConst(sql.NullOf(t))
	case 1:
		return keep[0]
	}
	return &coalesceNode{t: t, args: keep}
}

func (n *coalesceNode) typ() sql.Type { return n.t }

func (n *coalesceNode) eval(b *batch) (arrow.Array, error) {
	g := newGather(b.n, len(n.args))
	defer g.release()
	for j, a := range n.args {
		if g.remaining == 0 {
			break
		}
		arr, err := a.eval(b)
		if err != nil {
			return nil, err
		}
		g.srcs[j] = arr
		valid, off := validBits(arr)
		if valid != nil {
			valid = aligned(valid, off, b.n)
		}
		g.take(j, nil, valid)
	}
	return g.result(b, n.t)
}

// gather records which source each row takes its value from.
type gather struct {
	n         int
	choice    []int32 // source per row; -1: NULL
	undecided []byte  // rows that have no source yet
	remaining int
	srcs      []arrow.Array
}

func newGather(n, sources int) *gather {
	g := &gather{n: n, choice: make([]int32, n), undecided: make([]byte, bitutil.BytesForBits(int64(n))), remaining: n, srcs: make([]arrow.Array, sources)}
	for i := range g.choice {
		g.choice[i] = -1
	}
	for i := range g.undecided {
		g.undecided[i] = 0xff
	}
	return g
}

// take assigns source j to the undecided rows whose bit is set in both vals
// and valid (nil means all set) and returns how many it assigned.
func (g *gather) take(j int, vals, valid []byte) int {
	count := 0
	for k := range g.undecided {
		m := g.undecided[k]
		if vals != nil {
			m &= vals[k]
		}
		if valid != nil {
			m &= valid[k]
		}
		if m == 0 {
			continue
		}
		g.undecided[k] &^= m
		for ; m != 0; m &= m - 1 {
			i := k*8 + bits.TrailingZeros8(m)
			if i < g.n {
				g.choice[i] = int32(j)
				count++
			}
		}
	}
	g.remaining -= count
	return count
}

// release releases the sources.
func (g *gather) release() {
	for _, s := range g.srcs {
		if s != nil {
			s.Release()
		}
	}
}

// result builds the output array of type t from the chosen sources.
func (g *gather) result(b *batch, t sql.Type) (arrow.Array, error) {
	// One source for every row: return it as it is.
	if g.n > 0 && g.remaining == 0 {
		first := g.choice[0]
		same := true
		for _, c := range g.choice {
			if c != first {
				same = false
				break
			}
		}
		if same {
			out := g.srcs[first]
			out.Retain()
			return out, nil
		}
	}
	dt := mustArrowType(t)
	vbuf, valid := g.validity(b)
	switch t {
	case sql.Boolean:
		bits := make([][]byte, len(g.srcs))
		offs := make([]int, len(g.srcs))
		for j, s := range g.srcs {
			if s != nil {
				bits[j], offs[j] = boolBits(s)
			}
		}
		buf, out := newBits(b.mem, g.n, false)
		for i, j := range g.choice {
			if j >= 0 {
				k := offs[j] + i
				out[i>>3] |= (bits[j][k>>3] >> (k & 7) & 1) << (i & 7)
			}
		}
		validity, nulls := finishValidity(vbuf, valid, g.n)
		return makeArray(dt, g.n, nulls, validity, buf), nil
	case sql.String:
		offs := make([][]int32, len(g.srcs))
		data := make([][]byte, len(g.srcs))
		for j, s := range g.srcs {
			if s != nil {
				offs[j], data[j] = strData(s)
			}
		}
		o := newStrOut(b.mem, g.n, 0)
		for i, j := range g.choice {
			if j >= 0 && valid[i>>3]>>(i&7)&1 == 1 {
				o.add(data[j][offs[j][i]:offs[j][i+1]])
			}
			o.end(i)
		}
		validity, nulls := finishValidity(vbuf, valid, g.n)
		return o.finish(g.n, validity, nulls)
	default: // 8-byte values
		vals := make([][]int64, len(g.srcs))
		for j, s := range g.srcs {
			if s != nil {
				vals[j] = values[int64](s)
			}
		}
		buf, out := newValues[int64](b.mem, g.n)
		for i, j := range g.choice {
			out[i] = 0
			if j >= 0 {
				out[i] = vals[j][i]
			}
		}
		validity, nulls := finishValidity(vbuf, valid, g.n)
		return makeArray(dt, g.n, nulls, validity, buf), nil
	}
}

// validity returns the result's validity bitmap: row i is valid when it
// has a source and the source's value there is valid.
func (g *gather) validity(b *batch) (*memory.Buffer, []byte) {
	vbuf, valid := newBits(b.mem, g.n, false)
	bits := make([][]byte, len(g.srcs))
	offs := make([]int, len(g.srcs))
	for j, s := range g.srcs {
		if s != nil {
			bits[j], offs[j] = validBits(s)
		}
	}
	for i, j := range g.choice {
		if j < 0 {
			continue
		}
		if nb := bits[j]; nb != nil {
			if k := offs[j] + i; nb[k>>3]>>(k&7)&1 == 0 {
				continue
			}
		}
		valid[i>>3] |= 1 << (i & 7)
	}
	return vbuf, valid
}
