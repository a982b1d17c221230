package eval

import (
	"fmt"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/sql"
)

// Env is what evaluation needs besides the expression: where output arrays
// are allocated and what NOW() is. The zero Env works: Go-managed memory and
// the wall clock.
type Env struct {
	// Mem allocates the arrays an Evaluator returns; nil means
	// memory.DefaultAllocator.
	Mem memory.Allocator
	// Now returns NOW() in Unix milliseconds. It is called once per
	// evaluated batch, so every row of a batch sees the same NOW(); a
	// snapshot or alert evaluation passes a function that returns its fixed
	// evaluation time. Nil means the wall clock.
	Now func() int64
}

// Evaluator evaluates one compiled expression over record batches. It is
// safe for concurrent use.
type Evaluator interface {
	// Eval returns the expression's value for each row of rec: an array of
	// rec.NumRows() rows of type Type(). The caller owns the array and must
	// Release it; rec is only borrowed (it is not retained past the call).
	// A column reference returns the input column itself, retained.
	Eval(rec arrow.Record) (arrow.Array, error)
	// Type is the Arrow type of the arrays Eval returns.
	Type() arrow.DataType
}

// node is a compiled expression.
type node interface {
	// eval returns the node's value for each row of b; the caller owns it.
	eval(b *batch) (arrow.Array, error)
	// typ is the node's SQL type.
	typ() sql.Type
}

// batch is one evaluation: the input record and what the kernels need.
type batch struct {
	rec arrow.Record // nil when folding constants
	n   int
	mem memory.Allocator
	now int64
}

// evaluator is the Evaluator of a compiled expression.
type evaluator struct {
	root    node
	dt      arrow.DataType
	mem     memory.Allocator
	now     func() int64
	usesNow bool
	text    string
}

var _ Evaluator = (*evaluator)(nil)

// The nodes.
var (
	_ node = (*columnNode)(nil)
	_ node = (*constNode)(nil)
	_ node = (*notNode)(nil)
	_ node = (*logicNode)(nil)
	_ node = (*isNullNode)(nil)
	_ node = (*cmpNode)(nil)
	_ node = (*arithNode)(nil)
	_ node = (*negNode)(nil)
	_ node = (*inSetNode)(nil)
	_ node = (*inListNode)(nil)
	_ node = (*betweenNode)(nil)
	_ node = (*likeNode)(nil)
	_ node = (*caseNode)(nil)
	_ node = (*coalesceNode)(nil)
	_ node = (*castNode)(nil)
	_ node = (*funcNode)(nil)
	_ node = (*caseMapNode)(nil)
	_ node = (*jsonNode)(nil)
	_ node = (*dateFormatNode)(nil)
	_ node = nowNode{}
)

// Compile compiles the bound expression e, whose column references index
// the schema input, into an Evaluator. Compile once per query and evaluate
// every batch with the result. Constant sub-expressions are computed here,
// once. An expression the engine cannot evaluate is an error that names it
// and carries its position (a *sql.Error).
func Compile(e sql.Expr, input sql.Schema, env Env) (Evaluator, error) {
	c := &compiler{input: input}
	root, err := c.compile(e)
	if err != nil {
		return nil, err
	}
	dt, err := ArrowType(root.typ())
	if err != nil {
		return nil, c.errorf(e, "%v", err)
	}
	ev := &evaluator{root: root, dt: dt, mem: env.Mem, now: env.Now, usesNow: c.usesNow, text: e.String()}
	if ev.mem == nil {
		ev.mem = memory.DefaultAllocator
	}
	if ev.now == nil {
		ev.now = func() int64 { return time.Now().UnixMilli() }
	}
	return ev, nil
}

// CompileAll compiles a list of expressions over the same input, such as
// the output columns of a projection.
func CompileAll(exprs []sql.Expr, input sql.Schema, env Env) ([]Evaluator, error) {
	out := make([]Evaluator, len(exprs))
	for i, e := range exprs {
		ev, err := Compile(e, input, env)
		if err != nil {
			return nil, err
		}
		out[i] = ev
	}
	return out, nil
}

// Eval implements Evaluator.
func (ev *evaluator) Eval(rec arrow.Record) (arrow.Array, error) {
	b := &batch{rec: rec, n: int(rec.NumRows()), mem: ev.mem}
	if ev.usesNow {
		b.now = ev.now()
	}
	arr, err := ev.root.eval(b)
	if err != nil {
		return nil, fmt.Errorf("eval %s: %w", ev.text, err)
	}
	return arr, nil
}

// Type implements Evaluator.
func (ev *evaluator) Type() arrow.DataType { return ev.dt }

// String returns the expression's SQL text.
func (ev *evaluator) String() string { return ev.text }

// compiler turns a bound expression into nodes.
type compiler struct {
	input   sql.Schema
	usesNow bool
}

// errorf returns an error about e at its position.
func (c *compiler) errorf(e sql.Expr, format string, args ...any) error {
	return &sql.Error{Pos: e.Pos(), Msg: fmt.Sprintf("cannot evaluate %s: %s", e, fmt.Sprintf(format, args...))}
}

// compile compiles e and folds it to a constant when all its inputs are
// constants.
func (c *compiler) compile(e sql.Expr) (node, error) {
	if e == nil {
		return nil, fmt.Errorf("compile: nil expression")
	}
	if e.Type() == sql.Null {
		// An expression of the untyped NULL type is NULL on every row.
		return newConst(sql.Value{Type: sql.Null}), nil
	}
	n, err := c.compileNode(e)
	if err != nil {
		return nil, err
	}
	if _, isConst := n.(*constNode); isConst || !c.foldable(e) {
		return n, nil
	}
	return fold(n)
}

// foldable reports whether e depends on neither the input row nor NOW().
func (c *compiler) foldable(e sql.Expr) bool {
	ok := true
	sql.Walk(e, func(x sql.Expr) bool {
		switch x := x.(type) {
		case *sql.ColumnRef:
			ok = false
		case *sql.Call:
			if x.Name == "now" {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// fold evaluates a node without inputs on one row and returns the value as
// a constant.
func fold(n node) (node, error) {
	arr, err := n.eval(&batch{n: 1, mem: memory.DefaultAllocator})
	if err != nil {
		return nil, err
	}
	defer arr.Release()
	return newConst(valueAt(arr, 0, n.typ())), nil
}

// compileNode compiles one expression node.
func (c *compiler) compileNode(e sql.Expr) (node, error) {
	switch e := e.(type) {
	case *sql.ColumnRef:
		return c.column(e)
	case *sql.Literal:
		if e.Value.Type == sql.Unknown {
			return nil, c.errorf(e, "literal without a type")
		}
		return newConst(e.Value), nil
	case *sql.Unary:
		return c.unary(e)
	case *sql.Binary:
		return c.binary(e)
	case *sql.IsNull:
		return c.isNull(e)
	case *sql.In:
		return c.in(e)
	case *sql.Between:
		return c.between(e)
	case *sql.Like:
		return c.like(e)
	case *sql.Case:
		return c.caseExpr(e)
	case *sql.Cast:
		return c.cast(e)
	case *sql.Call:
		return c.call(e)
	}
	return nil, c.errorf(e, "unsupported expression %T", e)
}

// compileAll compiles a list of expressions.
func (c *compiler) compileAll(list []sql.Expr) ([]node, error) {
	out := make([]node, len(list))
	for i, e := range list {
		n, err := c.compile(e)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// columnNode is a column reference: the input column itself.
type columnNode struct {
	index int
	name  string
	t     sql.Type
	dt    arrow.DataType
}

func (c *compiler) column(e *sql.ColumnRef) (node, error) {
	if e.Index < 0 || e.Index >= len(c.input) {
		return nil, c.errorf(e, "column %s is not bound to the input schema %s", e.Name, c.input)
	}
	if t := c.input[e.Index].Type; t != e.Typ {
		return nil, c.errorf(e, "column %s has type %s in the input schema, but the expression expects %s", e.Name, t, e.Typ)
	}
	dt, err := ArrowType(e.Typ)
	if err != nil {
		return nil, c.errorf(e, "%v", err)
	}
	return &columnNode{index: e.Index, name: e.Name, t: e.Typ, dt: dt}, nil
}

func (n *columnNode) typ() sql.Type { return n.t }

func (n *columnNode) eval(b *batch) (arrow.Array, error) {
	if b.rec == nil || n.index >= int(b.rec.NumCols()) {
		return nil, fmt.Errorf("column %s: the batch has no column %d", n.name, n.index)
	}
	col := b.rec.Column(n.index)
	if !arrow.TypeEqual(col.DataType(), n.dt) {
		return nil, fmt.Errorf("column %s: the batch holds %s, want %s", n.name, col.DataType(), n.dt)
	}
	col.Retain()
	return col, nil
}

// errorf returns an evaluation error; Evaluator.Eval adds the expression.
func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
