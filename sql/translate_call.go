package sql

import (
	"strings"

	"github.com/xwb1989/sqlparser"
)

// call translates a function call; the rewritten CAST and SUBSTRING come
// back here under their internal names.
func (tr *translator) call(c *cursor, e *sqlparser.FuncExpr) (Expr, *Error) {
	name := e.Name.Lowered()
	pos := c.call(name)
	if !e.Qualifier.IsEmpty() {
		return nil, errorf(pos, "unsupported qualified function %s.%s", e.Qualifier.String(), name)
	}
	var args []sqlparser.Expr
	star := false
	for _, se := range e.Exprs {
		switch a := se.(type) {
		case *sqlparser.AliasedExpr:
			if !a.As.IsEmpty() {
				return nil, errorf(pos, "unexpected alias in the arguments of %s", strings.ToUpper(name))
			}
			args = append(args, a.Expr)
		case *sqlparser.StarExpr:
			if len(e.Exprs) != 1 || !a.TableName.IsEmpty() {
				return nil, errorf(c.op("*"), "* is only allowed as in COUNT(*)")
			}
			star = true
			c.op("*")
		default:
			return nil, errorf(pos, "unsupported argument of %s", strings.ToUpper(name))
		}
	}
	switch {
	case name == castFunc:
		return tr.cast(c, pos, args)
	case name == "mod" && len(args) == 2 && !e.Distinct: // MOD(a, b) is a % b
		l, err := tr.expr(c, args[0])
		if err != nil {
			return nil, err
		}
		r, err := tr.expr(c, args[1])
		if err != nil {
			return nil, err
		}
		c.op(")")
		return &Binary{Op: OpMod, L: l, R: r, At: pos}, nil
	case name == substrFunc:
		name = "substring"
	}
	if star {
		return &Call{Name: name, Star: true, At: pos}, nil
	}
	return tr.callArgs(c, name, pos, e.Distinct, args)
}

// callArgs translates the arguments of a call.
func (tr *translator) callArgs(c *cursor, name string, pos Pos, distinct bool, args []sqlparser.Expr) (Expr, *Error) {
	call := &Call{Name: name, Distinct: distinct, At: pos}
	for _, a := range args {
		x, err := tr.expr(c, a)
		if err != nil {
			return nil, err
		}
		call.Args = append(call.Args, x)
	}
	c.op(")")
	return call, nil
}

// cast translates the rewritten CAST: __freshet_cast(x, 'TYPE').
func (tr *translator) cast(c *cursor, pos Pos, args []sqlparser.Expr) (Expr, *Error) {
	if len(args) != 2 {
		return nil, errorf(pos, "CAST needs the form CAST(x AS type)")
	}
	x, err := tr.expr(c, args[0])
	if err != nil {
		return nil, err
	}
	tv, ok := args[1].(*sqlparser.SQLVal)
	if !ok || tv.Type != sqlparser.StrVal {
		return nil, errorf(pos, "CAST needs the form CAST(x AS type)")
	}
	tpos := c.str(string(tv.Val))
	c.op(")")
	typ, err := castType(tpos, string(tv.Val))
	if err != nil {
		return nil, err
	}
	return &Cast{X: x, To: typ, At: pos}, nil
}

// castType reads the target type of CAST: a column type name, possibly with
// a length (VARCHAR(10), DECIMAL(10, 2)), or MySQL's SIGNED/UNSIGNED
// [INTEGER] and DATETIME.
func castType(pos Pos, text string) (Type, *Error) {
	words := strings.Fields(strings.ToLower(text))
	if len(words) == 0 {
		return Unknown, errorf(pos, "CAST needs a type")
	}
	name := words[0]
	if i := strings.IndexByte(name, '('); i > 0 {
		name = name[:i]
	}
	switch name {
	case "signed", "unsigned":
		return Int64, nil
	case "datetime":
		return Timestamp, nil
	}
	if t, ok := ParseType(name); ok {
		return t, nil
	}
	return Unknown, errorf(pos, "unknown type %s in CAST (use BOOLEAN, BIGINT, DOUBLE, VARCHAR or TIMESTAMP)", strings.ToUpper(name))
}

// convert translates CONVERT(x, type), which the parser reads natively.
func (tr *translator) convert(c *cursor, e *sqlparser.ConvertExpr) (Expr, *Error) {
	pos := c.word("convert")
	x, err := tr.expr(c, e.Expr)
	if err != nil {
		return nil, err
	}
	c.op(",")
	tpos := c.here()
	c.op(")")
	typ, err := castType(tpos, e.Type.Type)
	if err != nil {
		return nil, err
	}
	return &Cast{X: x, To: typ, At: pos}, nil
}

// caseExpr translates CASE [x] WHEN … THEN … [ELSE …] END.
func (tr *translator) caseExpr(c *cursor, e *sqlparser.CaseExpr) (Expr, *Error) {
	out := &Case{At: c.word("case")}
	var err *Error
	if e.Expr != nil {
		if out.Operand, err = tr.expr(c, e.Expr); err != nil {
			return nil, err
		}
	}
	for _, w := range e.Whens {
		c.word("when")
		cond, err := tr.expr(c, w.Cond)
		if err != nil {
			return nil, err
		}
		c.word("then")
		val, err := tr.expr(c, w.Val)
		if err != nil {
			return nil, err
		}
		out.Whens = append(out.Whens, When{Cond: cond, Result: val})
	}
	if e.Else != nil {
		c.word("else")
		if out.Else, err = tr.expr(c, e.Else); err != nil {
			return nil, err
		}
	}
	c.word("end")
	return out, nil
}
