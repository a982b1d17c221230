package eval

import (
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/freshet/freshet/sql"
)

// This file holds CAST. Conversions that can fail on a value give NULL for
// that row rather than failing the query (the planner reports a bad
// literal at plan time; a bad value in a stream cannot be):
//
//	VARCHAR → BIGINT    decimal integer; a decimal number is rounded half
//	                    away from zero
//	VARCHAR → DOUBLE    decimal number (no NaN or infinity)
//	VARCHAR → BOOLEAN   true/false or 1/0, any case
//	VARCHAR → TIMESTAMP what sql.ParseTimestamp reads
//	DOUBLE → BIGINT     rounded half away from zero; NULL out of range
//
// Text from other types: BOOLEAN is true/false, DOUBLE as MySQL prints it
// (appendFloat), TIMESTAMP as 2026-11-22 10:00:00.123 (UTC). BIGINT and
// TIMESTAMP convert both ways as epoch milliseconds without copying.

// castNode is CAST(x AS to) for x of type from.
type castNode struct {
	x        node
	from, to sql.Type
}

func (c *compiler) cast(e *sql.Cast) (node, error) {
	x, err := c.compile(e.X)
	if err != nil {
		return nil, err
	}
	from := e.X.Type()
	if !canCast(from, e.To) {
		return nil, c.errorf(e, "cannot CAST %s AS %s", from, e.To)
	}
	return newCastNode(x, from, e.To), nil
}

// canCast reports whether the engine converts from to to.
func canCast(from, to sql.Type) bool {
	switch {
	case from == to, from == sql.Null:
		return to.IsColumnType() || to == sql.Interval && from == to
	case to == sql.String:
		return from.IsColumnType()
	case from == sql.String:
		return to.IsColumnType()
	case from == sql.Int64:
		return to == sql.Float64 || to == sql.Boolean || to == sql.Timestamp
	case from == sql.Float64:
		return to == sql.Int64
	case from == sql.Boolean, from == sql.Timestamp:
		return to == sql.Int64
	}
	return false
}

// newCastNode converts x (of type from) to type to, at once when x is a
// constant.
func newCastNode(x node, from, to sql.Type) node {
	switch {
	case from == to:
		return x
	case isNullConst(x):
		return newConst(sql.NullOf(to))
	}
	n := &castNode{x: x, from: from, to: to}
	if _, ok := asConst(x); ok {
		if folded, err := fold(n); err == nil {
			return folded
		}
	}
	return n
}

func (n *castNode) typ() sql.Type { return n.to }

func (n *castNode) eval(b *batch) (arrow.Array, error) {
	x, err := n.x.eval(b)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	dt := mustArrowType(n.to)
	switch {
	case n.to == sql.String:
		return castToString(b, x, n.from)
	case n.from == sql.String:
		return castFromString(b, x, n.to)
	case n.from == sql.Int64 && n.to == sql.Timestamp, n.from == sql.Timestamp && n.to == sql.Int64:
		// Same values, another type: share the buffers.
		d := x.Data()
		data := array.NewData(dt, d.Len(), d.Buffers(), nil, d.NullN(), d.Offset())
		defer data.Release()
		return array.MakeFromData(data), nil
	case n.from == sql.Int64 && n.to == sql.Float64:
		validity, nulls := sharedValidity(b.mem, b.n, x)
		buf, out := newValues[float64](b.mem, b.n)
		for i, v := range values[int64](x) {
			out[i] = float64(v)
		}
		return makeArray(dt, b.n, nulls, validity, buf), nil
	case n.from == sql.Float64 && n.to == sql.Int64:
		vbuf, valid := ownValidity(b.mem, b.n, x)
		buf, out := newValues[int64](b.mem, b.n)
		for i, v := range values[float64](x) {
			r, ok := floatToInt(v)
			if !ok {
				valid[i>>3] &^= 1 << (i & 7)
			}
			out[i] = r
		}
		validity, nulls := finishValidity(vbuf, valid, b.n)
		return makeArray(dt, b.n, nulls, validity, buf), nil
	case n.from == sql.Int64 && n.to == sql.Boolean:
		validity, nulls := sharedValidity(b.mem, b.n, x)
		buf, out := newBits(b.mem, b.n, false)
		for i, v := range values[int64](x) {
			out[i>>3] |= b2u(v != 0) << (i & 7)
		}
		return makeArray(dt, b.n, nulls, validity, buf), nil
	case n.from == sql.Boolean && n.to == sql.Int64:
		validity, nulls := sharedValidity(b.mem, b.n, x)
		buf, out := newValues[int64](b.mem, b.n)
		vals, _ := boolParts(x)
		for i := range out {
			out[i] = int64(vals[i>>3] >> (i & 7) & 1)
		}
		return makeArray(dt, b.n, nulls, validity, buf), nil
	}
	return nil, errorf("cannot CAST %s AS %s", n.from, n.to)
}

// castToString writes each value of x (of type from) as text.
func castToString(b *batch, x arrow.Array, from sql.Type) (arrow.Array, error) {
	validity, nulls := sharedValidity(b.mem, b.n, x)
	o := newStrOut(b.mem, b.n, b.n*8)
	var scratch []byte
	switch from {
	case sql.Boolean:
		vals, _ := boolParts(x)
		for i := 0; i < b.n; i++ {
			o.add(appendBool(scratch[:0], vals[i>>3]>>(i&7)&1 == 1))
			o.end(i)
		}
	case sql.Int64:
		for i, v := range values[int64](x) {
			scratch = strconv.AppendInt(scratch[:0], v, 10)
			o.add(scratch)
			o.end(i)
		}
	case sql.Float64:
		for i, v := range values[float64](x) {
			scratch = appendFloat(scratch[:0], v)
			o.add(scratch)
			o.end(i)
		}
	case sql.Timestamp:
		for i, v := range values[int64](x) {
			scratch = appendTimestamp(scratch[:0], v)
			o.add(scratch)
			o.end(i)
		}
	default:
		o.release()
		if validity != nil {
			validity.Release()
		}
		return nil, errorf("cannot CAST %s AS VARCHAR", from)
	}
	return o.finish(b.n, validity, nulls)
}

// castFromString parses each string of x as type to; a value that does
// not parse is NULL.
func castFromString(b *batch, x arrow.Array, to sql.Type) (arrow.Array, error) {
	dt := mustArrowType(to)
	vbuf, valid := ownValidity(b.mem, b.n, x)
	offs, data := strData(x)
	bad := func(i int) { valid[i>>3] &^= 1 << (i & 7) }
	switch to {
	case sql.Boolean:
		buf, out := newBits(b.mem, b.n, false)
		for i := 0; i < b.n; i++ {
			v, ok := parseBool(data[offs[i]:offs[i+1]])
			if !ok {
				bad(i)
			}
			out[i>>3] |= b2u(v) << (i & 7)
		}
		validity, nulls := finishValidity(vbuf, valid, b.n)
		return makeArray(dt, b.n, nulls, validity, buf), nil
	case sql.Float64:
		buf, out := newValues[float64](b.mem, b.n)
		for i := range out {
			v, ok := parseFloat(data[offs[i]:offs[i+1]])
			if !ok {
				bad(i)
			}
			out[i] = v
		}
		validity, nulls := finishValidity(vbuf, valid, b.n)
		return makeArray(dt, b.n, nulls, validity, buf), nil
	case sql.Int64, sql.Timestamp:
		buf, out := newValues[int64](b.mem, b.n)
		for i := range out {
			s := data[offs[i]:offs[i+1]]
			var v int64
			ok := false
			if to == sql.Int64 {
				v, ok = parseInt(s)
			} else if valid[i>>3]>>(i&7)&1 == 1 {
				var err error
				v, err = sql.ParseTimestamp(string(s))
				ok = err == nil
			}
			if !ok {
				bad(i)
			}
			out[i] = v
		}
		validity, nulls := finishValidity(vbuf, valid, b.n)
		return makeArray(dt, b.n, nulls, validity, buf), nil
	}
	vbuf.Release()
	return nil, errorf("cannot CAST VARCHAR AS %s", to)
}
