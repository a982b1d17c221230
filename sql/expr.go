package sql

import "strings"

// Expr is an expression of our own syntax tree. The parser produces unbound
// expressions (column references by name, Type() Unknown); the planner binds
// them against a schema, which resolves column references to indexes, checks
// and coerces types and fixes every node's result type.
//
// In a bound tree both operands of an arithmetic or comparison operator have
// the same type, except TIMESTAMP ± INTERVAL; the binder inserts Casts (and
// converts literals directly) to get there. INTERVAL values appear only as
// literals.
type Expr interface {
	// Type is the result type (Unknown before binding).
	Type() Type
	// Pos is the position of the expression's main token: the column name,
	// the literal, the function name, or the operator.
	Pos() Pos
	// String formats the expression as SQL.
	String() string
	expr()
}

// ColumnRef is a reference to a column. Index is its index in the input
// schema of the plan node that evaluates the expression; -1 if unbound.
type ColumnRef struct {
	Name      string
	Qualifier string // the stream or alias before the dot, if written
	Index     int
	Typ       Type
	At        Pos
}

// Literal is a constant.
type Literal struct {
	Value Value
	At    Pos
}

// UnaryOp is a prefix operator.
type UnaryOp int

// The prefix operators.
const (
	OpNot UnaryOp = iota + 1 // NOT x, !x
	OpNeg                    // -x
)

// Unary is NOT x or -x.
type Unary struct {
	Op  UnaryOp
	X   Expr
	Typ Type
	At  Pos
}

// BinaryOp is an infix operator.
type BinaryOp int

// The infix operators.
const (
	OpAdd BinaryOp = iota + 1
	OpSub
	OpMul
	OpDiv // always DOUBLE, as in MySQL
	OpMod
	OpEq
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpAnd
	OpOr
)

var binaryOpText = map[BinaryOp]string{
	OpAdd: "+", OpSub: "-", OpMul: "*", OpDiv: "/", OpMod: "%",
	OpEq: "=", OpNe: "!=", OpLt: "<", OpLe: "<=", OpGt: ">", OpGe: ">=",
	OpAnd: "AND", OpOr: "OR",
}

// String returns the operator as written in SQL.
func (op BinaryOp) String() string { return binaryOpText[op] }

// IsArithmetic reports whether op is + - * / %.
func (op BinaryOp) IsArithmetic() bool { return op >= OpAdd && op <= OpMod }

// IsComparison reports whether op is = != < <= > >=.
func (op BinaryOp) IsComparison() bool { return op >= OpEq && op <= OpGe }

// IsLogical reports whether op is AND or OR.
func (op BinaryOp) IsLogical() bool { return op == OpAnd || op == OpOr }

// Binary is an arithmetic, comparison or logical operation.
type Binary struct {
	Op   BinaryOp
	L, R Expr
	Typ  Type
	At   Pos
}

// IsNull is x IS [NOT] NULL.
type IsNull struct {
	X   Expr
	Not bool
	At  Pos
}

// In is x [NOT] IN (list).
type In struct {
	X    Expr
	List []Expr
	Not  bool
	At   Pos
}

// Between is x [NOT] BETWEEN lo AND hi (inclusive).
type Between struct {
	X, Lo, Hi Expr
	Not       bool
	At        Pos
}

// Like is x [NOT] LIKE pattern, or x [NOT] REGEXP pattern when Regexp is
// set (a Go regular expression, matched anywhere in x).
type Like struct {
	X, Pattern Expr
	Not        bool
	Regexp     bool
	At         Pos
}

// When is one WHEN … THEN … arm of a CASE.
type When struct {
	Cond, Result Expr
}

// Case is CASE [operand] WHEN … THEN … [ELSE …] END. With an operand (a
// simple CASE) each Cond is compared with it; without (a searched CASE)
// each Cond is a BOOLEAN.
type Case struct {
	Operand Expr // nil for a searched CASE
	Whens   []When
	Else    Expr // nil: NULL
	Typ     Type
	At      Pos
}

// Cast is CAST(x AS type).
type Cast struct {
	X  Expr
	To Type
	At Pos
}

// Call is a function call. After planning only scalar functions remain as
// Calls: aggregates become columns of an Aggregate node and window functions
// its WindowSpec. Name is the function's canonical lower-case name in the
// registry (aliases resolved).
type Call struct {
	Name     string
	Args     []Expr
	Distinct bool // COUNT(DISTINCT x)
	Star     bool // COUNT(*)
	Typ      Type
	At       Pos
}

func (e *ColumnRef) Type() Type { return e.Typ }
func (e *Literal) Type() Type   { return e.Value.Type }
func (e *Unary) Type() Type     { return e.Typ }
func (e *Binary) Type() Type    { return e.Typ }
func (e *IsNull) Type() Type    { return Boolean }
func (e *In) Type() Type        { return Boolean }
func (e *Between) Type() Type   { return Boolean }
func (e *Like) Type() Type      { return Boolean }
func (e *Case) Type() Type      { return e.Typ }
func (e *Cast) Type() Type      { return e.To }
func (e *Call) Type() Type      { return e.Typ }

func (e *ColumnRef) Pos() Pos { return e.At }
func (e *Literal) Pos() Pos   { return e.At }
func (e *Unary) Pos() Pos     { return e.At }
func (e *Binary) Pos() Pos    { return e.At }
func (e *IsNull) Pos() Pos    { return e.At }
func (e *In) Pos() Pos        { return e.At }
func (e *Between) Pos() Pos   { return e.At }
func (e *Like) Pos() Pos      { return e.At }
func (e *Case) Pos() Pos      { return e.At }
func (e *Cast) Pos() Pos      { return e.At }
func (e *Call) Pos() Pos      { return e.At }

func (*ColumnRef) expr() {}
func (*Literal) expr()   {}
func (*Unary) expr()     {}
func (*Binary) expr()    {}
func (*IsNull) expr()    {}
func (*In) expr()        {}
func (*Between) expr()   {}
func (*Like) expr()      {}
func (*Case) expr()      {}
func (*Cast) expr()      {}
func (*Call) expr()      {}

// Children returns the direct sub-expressions of e, in source order.
func Children(e Expr) []Expr {
	switch e := e.(type) {
	case *Unary:
		return []Expr{e.X}
	case *Binary:
		return []Expr{e.L, e.R}
	case *IsNull:
		return []Expr{e.X}
	case *In:
		return append([]Expr{e.X}, e.List...)
	case *Between:
		return []Expr{e.X, e.Lo, e.Hi}
	case *Like:
		return []Expr{e.X, e.Pattern}
	case *Case:
		var out []Expr
		if e.Operand != nil {
			out = append(out, e.Operand)
		}
		for _, w := range e.Whens {
			out = append(out, w.Cond, w.Result)
		}
		if e.Else != nil {
			out = append(out, e.Else)
		}
		return out
	case *Cast:
		return []Expr{e.X}
	case *Call:
		return e.Args
	}
	return nil
}

// Walk calls fn for e and, while fn returns true, for its sub-expressions,
// depth first in source order.
func Walk(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	for _, c := range Children(e) {
		Walk(c, fn)
	}
}

// withChildren returns a copy of e with its sub-expressions replaced by
// kids (in the order Children returns them), types left as they were.
func withChildren(e Expr, kids []Expr) Expr {
	switch e := e.(type) {
	case *Unary:
		c := *e
		c.X = kids[0]
		return &c
	case *Binary:
		c := *e
		c.L, c.R = kids[0], kids[1]
		return &c
	case *IsNull:
		c := *e
		c.X = kids[0]
		return &c
	case *In:
		c := *e
		c.X, c.List = kids[0], kids[1:]
		return &c
	case *Between:
		c := *e
		c.X, c.Lo, c.Hi = kids[0], kids[1], kids[2]
		return &c
	case *Like:
		c := *e
		c.X, c.Pattern = kids[0], kids[1]
		return &c
	case *Case:
		c := *e
		i := 0
		if c.Operand != nil {
			c.Operand = kids[0]
			i++
		}
		c.Whens = make([]When, len(e.Whens))
		for j := range e.Whens {
			c.Whens[j] = When{Cond: kids[i], Result: kids[i+1]}
			i += 2
		}
		if c.Else != nil {
			c.Else = kids[i]
		}
		return &c
	case *Cast:
		c := *e
		c.X = kids[0]
		return &c
	case *Call:
		c := *e
		c.Args = kids
		return &c
	}
	return e
}

// precedence of the operators for printing, higher binds tighter.
func precedence(e Expr) int {
	switch e := e.(type) {
	case *Binary:
		switch {
		case e.Op == OpOr:
			return 1
		case e.Op == OpAnd:
			return 2
		case e.Op.IsComparison():
			return 4
		case e.Op == OpAdd || e.Op == OpSub:
			return 5
		}
		return 6
	case *Unary:
		if e.Op == OpNot {
			return 3
		}
		return 7
	case *IsNull, *In, *Between, *Like:
		return 4
	}
	return 8
}

// sub formats a sub-expression of parent, in parentheses when it binds
// looser (or as tight, on the right of a left-associative operator).
func sub(parent, child Expr, right bool) string {
	p, c := precedence(parent), precedence(child)
	if c < p || c == p && right && c != 8 {
		return "(" + child.String() + ")"
	}
	return child.String()
}

func (e *ColumnRef) String() string { return quoteIdent(e.Name) }
func (e *Literal) String() string   { return e.Value.String() }

func (e *Unary) String() string {
	if e.Op == OpNot {
		return "NOT " + sub(e, e.X, true)
	}
	return "-" + sub(e, e.X, true)
}

func (e *Binary) String() string {
	return sub(e, e.L, false) + " " + e.Op.String() + " " + sub(e, e.R, true)
}

func (e *IsNull) String() string {
	if e.Not {
		return sub(e, e.X, false) + " IS NOT NULL"
	}
	return sub(e, e.X, false) + " IS NULL"
}

func (e *In) String() string {
	op := " IN ("
	if e.Not {
		op = " NOT IN ("
	}
	return sub(e, e.X, false) + op + joinExprs(e.List) + ")"
}

func (e *Between) String() string {
	op := " BETWEEN "
	if e.Not {
		op = " NOT BETWEEN "
	}
	return sub(e, e.X, false) + op + sub(e, e.Lo, true) + " AND " + sub(e, e.Hi, true)
}

func (e *Like) String() string {
	op := " LIKE "
	if e.Regexp {
		op = " REGEXP "
	}
	if e.Not {
		op = " NOT" + op
	}
	return sub(e, e.X, false) + op + sub(e, e.Pattern, true)
}

func (e *Case) String() string {
	var b strings.Builder
	b.WriteString("CASE")
	if e.Operand != nil {
		b.WriteString(" " + e.Operand.String())
	}
	for _, w := range e.Whens {
		b.WriteString(" WHEN " + w.Cond.String() + " THEN " + w.Result.String())
	}
	if e.Else != nil {
		b.WriteString(" ELSE " + e.Else.String())
	}
	b.WriteString(" END")
	return b.String()
}

func (e *Cast) String() string { return "CAST(" + e.X.String() + " AS " + e.To.String() + ")" }

func (e *Call) String() string {
	name := strings.ToUpper(e.Name)
	switch {
	case e.Star:
		return name + "(*)"
	case e.Distinct:
		return name + "(DISTINCT " + joinExprs(e.Args) + ")"
	}
	return name + "(" + joinExprs(e.Args) + ")"
}

func joinExprs(list []Expr) string {
	parts := make([]string, len(list))
	for i, e := range list {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}

// quoteIdent back-quotes a name that is not a plain lower-case word.
func quoteIdent(name string) string {
	plain := name != ""
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || c == '_' || i > 0 && isDigit(c)) {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}
