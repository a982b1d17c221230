package sql

import (
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// unsupported returns "<what> is not supported" at pos.
func unsupported(pos Pos, what string) *Error { return errorf(pos, "%s is not supported", what) }

// expr translates a parser expression, locating its tokens with c.
func (tr *translator) expr(c *cursor, e sqlparser.Expr) (Expr, *Error) {
	switch e := e.(type) {
	case *sqlparser.AndExpr:
		return tr.binary(c, OpAnd, e.Left, e.Right, func() Pos { return c.find(func(t token) bool { return t.is("and") || t.isOp("&&") }) })
	case *sqlparser.OrExpr:
		return tr.binary(c, OpOr, e.Left, e.Right, func() Pos { return c.find(func(t token) bool { return t.is("or") || t.isOp("||") }) })
	case *sqlparser.NotExpr:
		pos := c.find(func(t token) bool { return t.is("not") || t.isOp("!") })
		x, err := tr.expr(c, e.Expr)
		if err != nil {
			return nil, err
		}
		return &Unary{Op: OpNot, X: x, At: pos}, nil
	case *sqlparser.ParenExpr:
		c.op("(")
		x, err := tr.expr(c, e.Expr)
		c.op(")")
		return x, err
	case *sqlparser.ComparisonExpr:
		return tr.comparison(c, e)
	case *sqlparser.RangeCond:
		x, err := tr.expr(c, e.Left)
		if err != nil {
			return nil, err
		}
		pos := c.word("not", "between")
		c.word("between")
		lo, err := tr.expr(c, e.From)
		if err != nil {
			return nil, err
		}
		c.word("and")
		hi, err := tr.expr(c, e.To)
		if err != nil {
			return nil, err
		}
		return &Between{X: x, Lo: lo, Hi: hi, Not: e.Operator == sqlparser.NotBetweenStr, At: pos}, nil
	case *sqlparser.IsExpr:
		x, err := tr.expr(c, e.Expr)
		if err != nil {
			return nil, err
		}
		pos := c.word("is")
		switch e.Operator {
		case sqlparser.IsNullStr, sqlparser.IsNotNullStr:
			return &IsNull{X: x, Not: e.Operator == sqlparser.IsNotNullStr, At: pos}, nil
		}
		return nil, unsupported(pos, strings.ToUpper(e.Operator))
	case *sqlparser.ExistsExpr:
		return nil, unsupported(c.word("exists"), "EXISTS (subqueries)")
	case *sqlparser.Subquery:
		return nil, unsupported(c.word("select"), "a subquery")
	case *sqlparser.SQLVal:
		return tr.literal(c, e)
	case *sqlparser.NullVal:
		return &Literal{Value: Value{Type: Null}, At: c.word("null")}, nil
	case sqlparser.BoolVal:
		if e {
			return &Literal{Value: BoolValue(true), At: c.word("true")}, nil
		}
		return &Literal{Value: BoolValue(false), At: c.word("false")}, nil
	case *sqlparser.ColName:
		return tr.column(c, e)
	case sqlparser.ValTuple:
		return nil, unsupported(c.op("("), "a row value")
	case sqlparser.ListArg:
		return nil, unsupported(c.here(), "a list parameter")
	case *sqlparser.BinaryExpr:
		return tr.binaryExpr(c, e)
	case *sqlparser.UnaryExpr:
		return tr.unary(c, e)
	case *sqlparser.IntervalExpr:
		return tr.interval(c, e)
	case *sqlparser.CollateExpr:
		return nil, unsupported(c.word("collate"), "COLLATE")
	case *sqlparser.FuncExpr:
		return tr.call(c, e)
	case *sqlparser.CaseExpr:
		return tr.caseExpr(c, e)
	case *sqlparser.ConvertExpr:
		return tr.convert(c, e)
	case *sqlparser.SubstrExpr:
		pos := c.find(func(t token) bool { return t.is("substr") || t.is("substring") })
		args := []sqlparser.Expr{e.Name, e.From}
		if e.To != nil {
			args = append(args, e.To)
		}
		return tr.callArgs(c, "substring", pos, false, args)
	case *sqlparser.ConvertUsingExpr:
		return nil, unsupported(c.word("convert"), "CONVERT … USING")
	case *sqlparser.MatchExpr:
		return nil, unsupported(c.word("match"), "MATCH … AGAINST")
	case *sqlparser.GroupConcatExpr:
		return nil, unsupported(c.word("group_concat"), "GROUP_CONCAT")
	case *sqlparser.ValuesFuncExpr:
		return nil, unsupported(c.word("values"), "VALUES()")
	case *sqlparser.Default:
		return nil, unsupported(c.word("default"), "DEFAULT")
	}
	return nil, unsupported(c.here(), "this expression")
}

// binary translates left op right, finding the operator between them.
func (tr *translator) binary(c *cursor, op BinaryOp, l, r sqlparser.Expr, findOp func() Pos) (Expr, *Error) {
	left, err := tr.expr(c, l)
	if err != nil {
		return nil, err
	}
	pos := findOp()
	right, err := tr.expr(c, r)
	if err != nil {
		return nil, err
	}
	return &Binary{Op: op, L: left, R: right, At: pos}, nil
}

// comparisonOps maps the parser's comparison operators to ours.
var comparisonOps = map[string]BinaryOp{
	sqlparser.EqualStr: OpEq, sqlparser.NotEqualStr: OpNe, sqlparser.LessThanStr: OpLt,
	sqlparser.LessEqualStr: OpLe, sqlparser.GreaterThanStr: OpGt, sqlparser.GreaterEqualStr: OpGe,
}

// comparison translates = != < … IN LIKE REGEXP.
func (tr *translator) comparison(c *cursor, e *sqlparser.ComparisonExpr) (Expr, *Error) {
	if op, ok := comparisonOps[e.Operator]; ok {
		ops := []string{e.Operator}
		if op == OpNe {
			ops = []string{"!=", "<>"}
		}
		return tr.binary(c, op, e.Left, e.Right, func() Pos { return c.op(ops...) })
	}
	left, err := tr.expr(c, e.Left)
	if err != nil {
		return nil, err
	}
	not := strings.HasPrefix(e.Operator, "not ")
	var pos Pos
	switch e.Operator {
	case sqlparser.InStr, sqlparser.NotInStr:
		pos = c.word("not", "in")
		c.word("in")
		tuple, ok := e.Right.(sqlparser.ValTuple)
		if !ok {
			return nil, unsupported(c.here(), "IN with a subquery")
		}
		c.op("(")
		in := &In{X: left, Not: not, At: pos}
		for _, v := range tuple {
			x, err := tr.expr(c, v)
			if err != nil {
				return nil, err
			}
			in.List = append(in.List, x)
		}
		c.op(")")
		return in, nil
	case sqlparser.LikeStr, sqlparser.NotLikeStr, sqlparser.RegexpStr, sqlparser.NotRegexpStr:
		pos = c.word("not", "like", "regexp", "rlike")
		c.word("like", "regexp", "rlike")
		right, err := tr.expr(c, e.Right)
		if err != nil {
			return nil, err
		}
		if e.Escape != nil {
			return nil, unsupported(c.word("escape"), "LIKE … ESCAPE")
		}
		regexp := e.Operator == sqlparser.RegexpStr || e.Operator == sqlparser.NotRegexpStr
		return &Like{X: left, Pattern: right, Not: not, Regexp: regexp, At: pos}, nil
	case sqlparser.NullSafeEqualStr:
		return nil, unsupported(c.op("<=>"), "<=>")
	}
	return nil, unsupported(c.here(), "operator "+strings.ToUpper(e.Operator))
}

// arithmeticOps maps the parser's arithmetic operators to ours and the
// tokens that spell them.
var arithmeticOps = map[string]struct {
	op  BinaryOp
	tok []string
}{
	sqlparser.PlusStr: {OpAdd, []string{"+"}}, sqlparser.MinusStr: {OpSub, []string{"-"}},
	sqlparser.MultStr: {OpMul, []string{"*"}}, sqlparser.DivStr: {OpDiv, []string{"/"}},
	sqlparser.ModStr: {OpMod, []string{"%", "mod"}},
}

// binaryExpr translates arithmetic and the JSON operators.
func (tr *translator) binaryExpr(c *cursor, e *sqlparser.BinaryExpr) (Expr, *Error) {
	if a, ok := arithmeticOps[e.Operator]; ok {
		return tr.binary(c, a.op, e.Left, e.Right, func() Pos {
			return c.find(func(t token) bool {
				for _, s := range a.tok {
					if t.isOp(s) || t.is(s) {
						return true
					}
				}
				return false
			})
		})
	}
	left, err := tr.expr(c, e.Left)
	if err != nil {
		return nil, err
	}
	switch e.Operator {
	case sqlparser.JSONExtractOp, sqlparser.JSONUnquoteExtractOp:
		// col->'$.a' and col->>'$.a' are JSON_EXTRACT(col, '$.a'): we have
		// no JSON type, both give text.
		pos := c.op("->", "->>")
		right, err := tr.expr(c, e.Right)
		if err != nil {
			return nil, err
		}
		return &Call{Name: "json_extract", Args: []Expr{left, right}, At: pos}, nil
	case sqlparser.IntDivStr:
		return nil, errorf(c.word("div"), "DIV is not supported (use FLOOR(a / b))")
	}
	return nil, unsupported(c.op(e.Operator), "bitwise operator "+e.Operator)
}

// unary translates -x, +x, !x.
func (tr *translator) unary(c *cursor, e *sqlparser.UnaryExpr) (Expr, *Error) {
	switch e.Operator {
	case sqlparser.UMinusStr, sqlparser.UPlusStr:
		pos := c.op(e.Operator)
		x, err := tr.expr(c, e.Expr)
		if err != nil {
			return nil, err
		}
		if e.Operator == sqlparser.UPlusStr {
			return x, nil
		}
		if l, ok := x.(*Literal); ok && l.Value.Type == Float64 {
			return &Literal{Value: FloatValue(-l.Value.Float), At: pos}, nil
		}
		return &Unary{Op: OpNeg, X: x, At: pos}, nil
	case sqlparser.BangStr:
		pos := c.op("!")
		x, err := tr.expr(c, e.Expr)
		if err != nil {
			return nil, err
		}
		return &Unary{Op: OpNot, X: x, At: pos}, nil
	}
	return nil, unsupported(c.here(), "operator "+strings.TrimSpace(e.Operator))
}

// literal translates a number or string.
func (tr *translator) literal(c *cursor, v *sqlparser.SQLVal) (Expr, *Error) {
	s := string(v.Val)
	switch v.Type {
	case sqlparser.StrVal:
		return &Literal{Value: StringValue(s), At: c.str(s)}, nil
	case sqlparser.IntVal:
		pos := c.number(strings.TrimPrefix(s, "-"))
		n, err := parseInt(s)
		if err != nil {
			return nil, errorf(pos, "integer %s is out of range", s)
		}
		return &Literal{Value: IntValue(n), At: pos}, nil
	case sqlparser.FloatVal:
		pos := c.number(strings.TrimPrefix(s, "-"))
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, errorf(pos, "bad number %s", s)
		}
		return &Literal{Value: FloatValue(f), At: pos}, nil
	case sqlparser.HexNum:
		pos := c.number(s)
		n, err := strconv.ParseInt(s[2:], 16, 64)
		if err != nil {
			return nil, errorf(pos, "hexadecimal number %s is out of range", s)
		}
		return &Literal{Value: IntValue(n), At: pos}, nil
	case sqlparser.ValArg:
		return nil, unsupported(c.op("?", ":"), "a bind parameter")
	}
	return nil, unsupported(c.here(), "a hexadecimal or bit string")
}

// parseInt parses a decimal integer literal.
func parseInt(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }

// column translates a column reference, possibly qualified.
func (tr *translator) column(c *cursor, e *sqlparser.ColName) (Expr, *Error) {
	name := lower(e.Name.String())
	if !e.Qualifier.Qualifier.IsEmpty() {
		pos := c.name(lower(e.Qualifier.Qualifier.String()))
		return nil, errorf(pos, "unsupported column reference %s.%s.%s (use stream.column)", e.Qualifier.Qualifier.String(), e.Qualifier.Name.String(), name)
	}
	q := lower(e.Qualifier.Name.String())
	var pos Pos
	if q != "" {
		pos = c.name(q)
		c.name(name)
	} else {
		pos = c.name(name)
	}
	return &ColumnRef{Name: name, Qualifier: q, Index: -1, At: pos}, nil
}

// interval translates INTERVAL n UNIT into an INTERVAL literal.
func (tr *translator) interval(c *cursor, e *sqlparser.IntervalExpr) (Expr, *Error) {
	pos := c.word("interval")
	qpos := c.here()
	var q string
	switch v := e.Expr.(type) {
	case *sqlparser.SQLVal:
		if v.Type != sqlparser.StrVal && v.Type != sqlparser.IntVal && v.Type != sqlparser.FloatVal {
			return nil, errorf(qpos, "INTERVAL needs a number, like INTERVAL 5 MINUTE")
		}
		q = string(v.Val)
		if _, err := tr.literal(c, v); err != nil {
			return nil, err
		}
	default:
		return nil, errorf(qpos, "INTERVAL needs a literal number, like INTERVAL 5 MINUTE")
	}
	upos := c.word(lower(e.Unit))
	d, err := makeInterval(q, e.Unit)
	if err != nil {
		if _, unit := intervalUnits[lower(e.Unit)]; !unit {
			return nil, errorf(upos, "%v", err)
		}
		return nil, errorf(qpos, "%v", err)
	}
	return &Literal{Value: IntervalValue(d), At: pos}, nil
}
