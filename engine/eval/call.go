package eval

import (
	"strings"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/freshet/freshet/sql"
)

// This file compiles function calls. Every scalar function of the sql
// registry has an implementation here, found by its canonical name
// (scalarImpl); most go through funcNode, which evaluates the arguments
// and runs a per-row function over their raw values. Functions are strict
// unless noted: a NULL argument gives NULL.

// implFunc compiles a call whose arguments are compiled.
type implFunc func(c *compiler, e *sql.Call, args []node) (node, error)

// scalarImpl returns the implementation of the scalar function name, or nil.
func scalarImpl(name string) implFunc {
	switch name {
	case "lower", "upper":
		return compileCaseMap
	case "length":
		return compileLength
	case "trim", "ltrim", "rtrim":
		return compileTrim
	case "concat":
		return compileConcat
	case "substring":
		return compileSubstring
	case "replace":
		return compileReplace
	case "regexp_like":
		return compileRegexpLike
	case "json_extract":
		return compileJSONExtract
	case "abs", "floor", "ceil", "sqrt":
		return compileMath1
	case "round":
		return compileRound
	case "power":
		return compilePower
	case "coalesce", "ifnull":
		return compileCoalesce
	case "if":
		return compileIf
	case "now":
		return compileNow
	case "date_format":
		return compileDateFormat
	case "extract", "year", "month", "day", "hour", "minute", "second":
		return compileExtract
	}
	return nil
}

func (c *compiler) call(e *sql.Call) (node, error) {
	if e.Star || e.Distinct {
		return nil, c.errorf(e, "%s is not a scalar function call", e)
	}
	impl := scalarImpl(e.Name)
	if impl == nil {
		return nil, c.errorf(e, "function %s is not a scalar function the engine implements", strings.ToUpper(e.Name))
	}
	args, err := c.compileAll(e.Args)
	if err != nil {
		return nil, err
	}
	if e.Name == "now" {
		c.usesNow = true
	}
	return impl(c, e, args)
}

// checkArgs checks the number and types of a call's arguments: argument i
// has type types[i] (the last repeats) or is the untyped NULL.
func (c *compiler) checkArgs(e *sql.Call, minArgs, maxArgs int, types ...sql.Type) error {
	if len(e.Args) < minArgs || maxArgs >= 0 && len(e.Args) > maxArgs {
		return c.errorf(e, "wrong number of arguments (%d)", len(e.Args))
	}
	for i, a := range e.Args {
		want := types[min(i, len(types)-1)]
		if t := a.Type(); t != want && t != sql.Null && want != sql.Unknown {
			return c.errorf(a, "argument %d has type %s, want %s", i+1, t, want)
		}
	}
	return nil
}

// anyNullConst reports whether an argument is the constant NULL, which
// makes a strict function NULL.
func anyNullConst(args []node) bool {
	for _, a := range args {
		if isNullConst(a) {
			return true
		}
	}
	return false
}

// rowArgs gives a per-row function the raw values of the evaluated
// arguments.
type rowArgs struct {
	ints  [][]int64   // BIGINT and TIMESTAMP arguments
	flts  [][]float64 // DOUBLE arguments
	offs  [][]int32   // VARCHAR arguments
	data  [][]byte
	valid [][]byte // validity per argument, from bit 0 (nil: no NULLs)
}

func (a *rowArgs) str(j, i int) []byte  { return a.data[j][a.offs[j][i]:a.offs[j][i+1]] }
func (a *rowArgs) int(j, i int) int64   { return a.ints[j][i] }
func (a *rowArgs) flt(j, i int) float64 { return a.flts[j][i] }

// funcNode is a strict scalar function computed row by row: exactly one of
// the row functions is set, by the result type.
type funcNode struct {
	t    sql.Type
	args []node
	// str appends the row's string to o and reports false for NULL.
	str func(a *rowArgs, i int, o *strOut) bool
	i64 func(a *rowArgs, i int) (int64, bool)
	f64 func(a *rowArgs, i int) (float64, bool)
}

func (n *funcNode) typ() sql.Type { return n.t }

func (n *funcNode) eval(b *batch) (arrow.Array, error) {
	arrs := make([]arrow.Array, len(n.args))
	defer func() {
		for _, a := range arrs {
			if a != nil {
				a.Release()
			}
		}
	}()
	ra := &rowArgs{
		ints: make([][]int64, len(n.args)), flts: make([][]float64, len(n.args)),
		offs: make([][]int32, len(n.args)), data: make([][]byte, len(n.args)),
		valid: make([][]byte, len(n.args)),
	}
	for j, a := range n.args {
		arr, err := a.eval(b)
		if err != nil {
			return nil, err
		}
		arrs[j] = arr
		switch a.typ() {
		case sql.String:
			ra.offs[j], ra.data[j] = strData(arr)
		case sql.Float64:
			ra.flts[j] = values[float64](arr)
		case sql.Int64, sql.Timestamp, sql.Interval:
			ra.ints[j] = values[int64](arr)
		}
	}
	vbuf, valid := ownValidity(b.mem, b.n, arrs...)
	isValid := func(i int) bool { return valid[i>>3]>>(i&7)&1 == 1 }
	null := func(i int) { valid[i>>3] &^= 1 << (i & 7) }
	dt := mustArrowType(n.t)
	switch {
	case n.str != nil:
		o := newStrOut(b.mem, b.n, 0)
		for i := 0; i < b.n; i++ {
			if isValid(i) && !n.str(ra, i, o) {
				o.size = int(o.offs[i])
				null(i)
			}
			o.end(i)
		}
		validity, nulls := finishValidity(vbuf, valid, b.n)
		return o.finish(b.n, validity, nulls)
	case n.i64 != nil:
		buf, out := newValues[int64](b.mem, b.n)
		for i := range out {
			out[i] = 0
			if isValid(i) {
				v, ok := n.i64(ra, i)
				if !ok {
					null(i)
				}
				out[i] = v
			}
		}
		validity, nulls := finishValidity(vbuf, valid, b.n)
		return makeArray(dt, b.n, nulls, validity, buf), nil
	default:
		buf, out := newValues[float64](b.mem, b.n)
		for i := range out {
			out[i] = 0
			if isValid(i) {
				v, ok := n.f64(ra, i)
				if !ok {
					null(i)
				}
				out[i] = v
			}
		}
		validity, nulls := finishValidity(vbuf, valid, b.n)
		return makeArray(dt, b.n, nulls, validity, buf), nil
	}
}

// compileCoalesce compiles COALESCE and IFNULL, which are not strict.
func compileCoalesce(c *compiler, e *sql.Call, args []node) (node, error) {
	if err := c.checkArgs(e, 1, -1, e.Typ); err != nil {
		return nil, err
	}
	return newCoalesce(e.Typ, args), nil
}

// compileIf compiles IF(cond, x, y): x where cond is TRUE, else y.
func compileIf(c *compiler, e *sql.Call, args []node) (node, error) {
	if err := c.checkArgs(e, 3, 3, sql.Boolean, e.Typ); err != nil {
		return nil, err
	}
	n := &caseNode{t: e.Typ, conds: []operand{newOperand(args[0])}, results: []node{args[1]}, els: args[2]}
	return n.simplify(), nil
}
