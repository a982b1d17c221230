package sql

import (
	"regexp"
)

// binder binds unbound expressions: it resolves column references, looks
// up functions, checks types and inserts implicit conversions.
type binder struct {
	fns *Functions
	// clause names where the expression is, for messages ("WHERE").
	clause string
	// column resolves a column reference.
	column func(*ColumnRef) (Expr, *Error)
	// special, if set, may take over any node before the default rules
	// (the aggregate scope maps group keys, aggregates and window bounds
	// to columns of the aggregate's output).
	special func(Expr) (Expr, bool, *Error)
}

// bind returns the bound form of e. INTERVAL values exist only as literals
// (the engine needs no interval arithmetic).
func (b *binder) bind(e Expr) (Expr, *Error) {
	out, err := b.bindNode(e)
	if err != nil {
		return nil, err
	}
	if _, lit := out.(*Literal); !lit && out.Type() == Interval {
		return nil, errorf(out.Pos(), "an INTERVAL can only be a literal added to or subtracted from a TIMESTAMP, or a window size")
	}
	return out, nil
}

// bindNode binds one node.
func (b *binder) bindNode(e Expr) (Expr, *Error) {
	if b.special != nil {
		if out, done, err := b.special(e); done || err != nil {
			return out, err
		}
	}
	switch e := e.(type) {
	case *ColumnRef:
		return b.column(e)
	case *Literal:
		return e, nil
	case *Unary:
		return b.unary(e)
	case *Binary:
		return b.binary(e)
	case *IsNull:
		x, err := b.bind(e.X)
		if err != nil {
			return nil, err
		}
		return &IsNull{X: x, Not: e.Not, At: e.At}, nil
	case *In:
		return b.in(e)
	case *Between:
		return b.between(e)
	case *Like:
		return b.like(e)
	case *Case:
		return b.caseExpr(e)
	case *Cast:
		return b.cast(e)
	case *Call:
		return b.call(e)
	}
	return nil, errorf(e.Pos(), "unsupported expression %s", e)
}

// bindAll binds a list.
func (b *binder) bindAll(list []Expr) ([]Expr, *Error) {
	out := make([]Expr, len(list))
	for i, e := range list {
		x, err := b.bind(e)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// mismatch is the error for operands that do not go together.
func mismatch(pos Pos, format string, args ...any) *Error {
	return errorf(pos, "type mismatch: "+format, args...)
}

// condition checks that a bound expression is a BOOLEAN (or NULL).
func condition(e Expr, what string) (Expr, *Error) {
	switch e.Type() {
	case Boolean:
		return e, nil
	case Null:
		out, _, _ := coerce(e, Boolean)
		return out, nil
	}
	return nil, mismatch(e.Pos(), "%s must be BOOLEAN, got %s", what, e.Type())
}

func (b *binder) unary(e *Unary) (Expr, *Error) {
	x, err := b.bind(e.X)
	if err != nil {
		return nil, err
	}
	if e.Op == OpNot {
		if x, err = condition(x, "the operand of NOT"); err != nil {
			return nil, err
		}
		return &Unary{Op: OpNot, X: x, Typ: Boolean, At: e.At}, nil
	}
	t := x.Type()
	switch {
	case t == Null:
		x, _, _ = coerce(x, Int64)
		t = Int64
	case !t.IsNumeric() && t != Interval:
		return nil, mismatch(e.At, "cannot negate %s", t)
	}
	if l, ok := x.(*Literal); ok && !l.Value.IsNull() { // fold -literal
		v := l.Value
		v.Int, v.Float = -v.Int, -v.Float
		return &Literal{Value: v, At: e.At}, nil
	}
	return &Unary{Op: OpNeg, X: x, Typ: t, At: e.At}, nil
}

// isStringLiteral reports whether e is a non-NULL string literal.
func isStringLiteral(e Expr) bool {
	l, ok := e.(*Literal)
	return ok && l.Value.Type == String && !l.Value.IsNull()
}

func (b *binder) binary(e *Binary) (Expr, *Error) {
	l, err := b.bind(e.L)
	if err != nil {
		return nil, err
	}
	r, err := b.bind(e.R)
	if err != nil {
		return nil, err
	}
	out := &Binary{Op: e.Op, At: e.At}
	switch {
	case e.Op.IsLogical():
		if l, err = condition(l, "the operand of "+e.Op.String()); err != nil {
			return nil, err
		}
		if r, err = condition(r, "the operand of "+e.Op.String()); err != nil {
			return nil, err
		}
		out.L, out.R, out.Typ = l, r, Boolean
		return out, nil
	case e.Op.IsComparison():
		t, ok := commonType(l.Type(), r.Type())
		if !ok || t == Interval {
			return nil, mismatch(e.At, "cannot compare %s with %s", l.Type(), r.Type())
		}
		if t == Null {
			t = Boolean
		}
		if out.L, out.R, err = coerceBoth(l, r, t, e.At, "cannot compare %s with %s"); err != nil {
			return nil, err
		}
		out.Typ = Boolean
		return out, nil
	}
	return b.arithmetic(out, l, r)
}

// coerceBoth converts both operands to t, or fails with msg (which takes
// the two types).
func coerceBoth(l, r Expr, t Type, at Pos, msg string) (Expr, Expr, *Error) {
	lt, rt := l.Type(), r.Type()
	l2, ok, err := coerce(l, t)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, mismatch(at, msg, lt, rt)
	}
	r2, ok, err := coerce(r, t)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, mismatch(at, msg, lt, rt)
	}
	return l2, r2, nil
}

// arithmetic types + - * / %: numbers, and TIMESTAMP ± INTERVAL.
func (b *binder) arithmetic(out *Binary, l, r Expr) (Expr, *Error) {
	op := out.Op
	lt, rt := l.Type(), r.Type()
	// A string literal next to an INTERVAL is a timestamp.
	if rt == Interval && isStringLiteral(l) {
		var err *Error
		if l, _, err = coerce(l, Timestamp); err != nil {
			return nil, err
		}
		lt = Timestamp
	}
	if lt == Interval && isStringLiteral(r) && op == OpAdd {
		var err *Error
		if r, _, err = coerce(r, Timestamp); err != nil {
			return nil, err
		}
		rt = Timestamp
	}
	switch {
	case lt == Timestamp && rt == Interval && (op == OpAdd || op == OpSub),
		lt == Interval && rt == Timestamp && op == OpAdd:
		out.L, out.R, out.Typ = l, r, Timestamp
		return out, nil
	case lt == Timestamp && rt == Timestamp && op == OpSub:
		out.L, out.R, out.Typ = l, r, Int64 // milliseconds
		return out, nil
	case lt == Null && (rt.IsNumeric() || rt == Null), rt == Null && lt.IsNumeric(), lt.IsNumeric() && rt.IsNumeric():
		t, _ := commonType(lt, rt)
		if t == Null {
			t = Int64
		}
		if op == OpDiv {
			t = Float64
		}
		var err *Error
		if out.L, out.R, err = coerceBoth(l, r, t, out.At, "cannot apply "+op.String()+" to %s and %s"); err != nil {
			return nil, err
		}
		out.Typ = t
		return out, nil
	}
	return nil, mismatch(out.At, "cannot apply %s to %s and %s", op, lt, rt)
}

func (b *binder) in(e *In) (Expr, *Error) {
	x, err := b.bind(e.X)
	if err != nil {
		return nil, err
	}
	list, err := b.bindAll(e.List)
	if err != nil {
		return nil, err
	}
	t := x.Type()
	for _, v := range list {
		nt, ok := commonType(t, v.Type())
		if !ok || nt == Interval {
			return nil, mismatch(v.Pos(), "IN list value of type %s does not match %s", v.Type(), x.Type())
		}
		t = nt
	}
	out := &In{Not: e.Not, At: e.At}
	if out.X, err = coerceTo(x, t, "IN"); err != nil {
		return nil, err
	}
	for _, v := range list {
		c, err := coerceTo(v, t, "IN")
		if err != nil {
			return nil, err
		}
		out.List = append(out.List, c)
	}
	return out, nil
}

// coerceTo converts e to t or fails at e.
func coerceTo(e Expr, t Type, what string) (Expr, *Error) {
	if t == Null {
		return e, nil
	}
	out, ok, err := coerce(e, t)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, mismatch(e.Pos(), "%s: %s does not match %s", what, e.Type(), t)
	}
	return out, nil
}

func (b *binder) between(e *Between) (Expr, *Error) {
	parts, err := b.bindAll([]Expr{e.X, e.Lo, e.Hi})
	if err != nil {
		return nil, err
	}
	t, ok := commonType(parts[0].Type(), parts[1].Type(), parts[2].Type())
	if !ok || t == Interval {
		return nil, mismatch(e.At, "cannot compare %s BETWEEN %s AND %s", parts[0].Type(), parts[1].Type(), parts[2].Type())
	}
	for i := range parts {
		if parts[i], err = coerceTo(parts[i], t, "BETWEEN"); err != nil {
			return nil, err
		}
	}
	return &Between{X: parts[0], Lo: parts[1], Hi: parts[2], Not: e.Not, At: e.At}, nil
}

func (b *binder) like(e *Like) (Expr, *Error) {
	op := "LIKE"
	if e.Regexp {
		op = "REGEXP"
	}
	parts, err := b.bindAll([]Expr{e.X, e.Pattern})
	if err != nil {
		return nil, err
	}
	for i, p := range parts {
		if p.Type() != String && p.Type() != Null {
			return nil, mismatch(p.Pos(), "%s needs VARCHAR operands, got %s", op, p.Type())
		}
		parts[i], _, _ = coerce(p, String)
	}
	if l, ok := parts[1].(*Literal); ok && e.Regexp && !l.Value.IsNull() {
		if _, err := regexp.Compile(l.Value.Str); err != nil {
			return nil, errorf(l.At, "bad regular expression: %v", err)
		}
	}
	return &Like{X: parts[0], Pattern: parts[1], Not: e.Not, Regexp: e.Regexp, At: e.At}, nil
}

func (b *binder) caseExpr(e *Case) (Expr, *Error) {
	out := &Case{At: e.At}
	var err *Error
	var operand Expr
	if e.Operand != nil {
		if operand, err = b.bind(e.Operand); err != nil {
			return nil, err
		}
	}
	var results []Expr
	for _, w := range e.Whens {
		cond, err := b.bind(w.Cond)
		if err != nil {
			return nil, err
		}
		if operand != nil {
			t, ok := commonType(operand.Type(), cond.Type())
			if !ok || t == Interval {
				return nil, mismatch(cond.Pos(), "CASE compares %s with %s", operand.Type(), cond.Type())
			}
			if cond, err = coerceTo(cond, t, "CASE"); err != nil {
				return nil, err
			}
		} else if cond, err = condition(cond, "a WHEN condition"); err != nil {
			return nil, err
		}
		res, err := b.bind(w.Result)
		if err != nil {
			return nil, err
		}
		out.Whens = append(out.Whens, When{Cond: cond, Result: res})
		results = append(results, res)
	}
	if e.Else != nil {
		if out.Else, err = b.bind(e.Else); err != nil {
			return nil, err
		}
		results = append(results, out.Else)
	}
	types := make([]Type, len(results))
	for i, r := range results {
		types[i] = r.Type()
	}
	t, ok := commonType(types...)
	if !ok {
		return nil, mismatch(e.At, "CASE results have no common type (%s)", typeList(types))
	}
	if operand != nil {
		// Compare the operand in the type of the conditions.
		ct := operand.Type()
		for _, w := range out.Whens {
			ct, _ = commonType(ct, w.Cond.Type())
		}
		if out.Operand, err = coerceTo(operand, ct, "CASE"); err != nil {
			return nil, err
		}
		// Every WHEN value in that same type, so the operand and each value
		// compare as equals (a BIGINT WHEN meeting a later DOUBLE one).
		for i := range out.Whens {
			if out.Whens[i].Cond, err = coerceTo(out.Whens[i].Cond, ct, "CASE"); err != nil {
				return nil, err
			}
		}
	}
	for i := range out.Whens {
		if out.Whens[i].Result, err = coerceTo(out.Whens[i].Result, t, "CASE"); err != nil {
			return nil, err
		}
	}
	if out.Else != nil {
		if out.Else, err = coerceTo(out.Else, t, "CASE"); err != nil {
			return nil, err
		}
	}
	out.Typ = t
	return out, nil
}

func (b *binder) cast(e *Cast) (Expr, *Error) {
	x, err := b.bind(e.X)
	if err != nil {
		return nil, err
	}
	if !castable(x.Type(), e.To) {
		return nil, mismatch(e.At, "cannot CAST %s AS %s", x.Type(), e.To)
	}
	if l, ok := x.(*Literal); ok {
		return foldCast(l, e.To, e.At)
	}
	return &Cast{X: x, To: e.To, At: e.At}, nil
}
