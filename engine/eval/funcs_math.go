package eval

import (
	"math"

	"github.com/freshet/freshet/sql"
)

// This file holds the numeric functions. They keep their argument's type
// (POWER and SQRT are DOUBLE). A result that is not a number (SQRT of a
// negative number, POWER(-8, 1/3), an overflow to infinity) is NULL.

// compileMath1 compiles ABS, FLOOR, CEIL and SQRT.
func compileMath1(c *compiler, e *sql.Call, args []node) (node, error) {
	t := e.Typ
	if t != sql.Int64 && t != sql.Float64 {
		return nil, c.errorf(e, "result type %s", t)
	}
	if err := c.checkArgs(e, 1, 1, t); err != nil {
		return nil, err
	}
	if anyNullConst(args) {
		return newConst(sql.NullOf(t)), nil
	}
	if t == sql.Int64 {
		switch e.Name {
		case "floor", "ceil":
			return args[0], nil
		case "abs":
			// ABS of the smallest BIGINT wraps to itself.
			return &funcNode{t: t, args: args, i64: func(a *rowArgs, i int) (int64, bool) {
				v := a.int(0, i)
				if v < 0 {
					v = -v
				}
				return v, true
			}}, nil
		}
		return nil, c.errorf(e, "%s needs a DOUBLE", e.Name)
	}
	var f func(float64) float64
	switch e.Name {
	case "abs":
		f = math.Abs
	case "floor":
		f = math.Floor
	case "ceil":
		f = math.Ceil
	case "sqrt":
		f = math.Sqrt
	}
	return &funcNode{t: t, args: args, f64: func(a *rowArgs, i int) (float64, bool) {
		return number(f(a.flt(0, i)))
	}}, nil
}

// number returns f, and false when it is not a number.
func number(f float64) (float64, bool) {
	return f, !math.IsNaN(f) && !math.IsInf(f, 0)
}

// compilePower compiles POWER(x, y).
func compilePower(c *compiler, e *sql.Call, args []node) (node, error) {
	if err := c.checkArgs(e, 2, 2, sql.Float64); err != nil {
		return nil, err
	}
	if anyNullConst(args) {
		return newConst(sql.NullOf(sql.Float64)), nil
	}
	return &funcNode{t: sql.Float64, args: args, f64: func(a *rowArgs, i int) (float64, bool) {
		return number(math.Pow(a.flt(0, i), a.flt(1, i)))
	}}, nil
}

// compileRound compiles ROUND(x [, digits]): rounded half away from zero to
// digits decimal places (0 by default; negative digits round to tens,
// hundreds, …).
func compileRound(c *compiler, e *sql.Call, args []node) (node, error) {
	t := e.Typ
	if t != sql.Int64 && t != sql.Float64 {
		return nil, c.errorf(e, "result type %s", t)
	}
	if err := c.checkArgs(e, 1, 2, t, sql.Int64); err != nil {
		return nil, err
	}
	if anyNullConst(args) {
		return newConst(sql.NullOf(t)), nil
	}
	digits := func(a *rowArgs, i int) int64 {
		if len(args) == 2 {
			return a.int(1, i)
		}
		return 0
	}
	if t == sql.Int64 {
		if len(args) == 1 {
			return args[0], nil
		}
		return &funcNode{t: t, args: args, i64: func(a *rowArgs, i int) (int64, bool) {
			return roundInt(a.int(0, i), digits(a, i)), true
		}}, nil
	}
	return &funcNode{t: t, args: args, f64: func(a *rowArgs, i int) (float64, bool) {
		return roundFloat(a.flt(0, i), digits(a, i)), true
	}}, nil
}

// roundInt rounds v to d decimal places; only d < 0 changes it.
func roundInt(v, d int64) int64 {
	if d >= 0 {
		return v
	}
	if d < -18 {
		return 0
	}
	p := int64(1)
	for ; d < 0; d++ {
		p *= 10
	}
	q, r := v/p, v%p
	switch {
	case r >= 0 && 2*r >= p:
		q++
	case r < 0 && -2*r >= p:
		q--
	}
	return q * p
}

// roundFloat rounds f half away from zero to d decimal places.
func roundFloat(f float64, d int64) float64 {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return f
	case d > 308:
		return f
	case d < -308:
		return 0 * f
	case d >= 0:
		p := math.Pow10(int(d))
		y := f * p
		if math.IsInf(y, 0) {
			return f
		}
		return math.Round(y) / p
	}
	p := math.Pow10(int(-d))
	return math.Round(f/p) * p
}
