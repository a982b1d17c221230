package sql

import (
	"errors"
	"strings"
)

// call binds a scalar function call. Aggregates and window functions reach
// this only where they are not allowed.
func (b *binder) call(e *Call) (Expr, *Error) {
	f, ok := b.fns.Lookup(e.Name)
	if !ok {
		return nil, errorf(e.At, "unknown function %s", strings.ToUpper(e.Name))
	}
	switch f.Kind {
	case AggregateFunc:
		if b.clause == "aggregate" {
			return nil, errorf(e.At, "aggregate function %s cannot be nested in another aggregate", f.upperName())
		}
		return nil, errorf(e.At, "aggregate function %s is not allowed in %s", f.upperName(), b.clause)
	case WindowFunc:
		return nil, errorf(e.At, "window function %s is only allowed in GROUP BY (use %s_START or %s_END, or window_start and window_end, in the select list)", f.upperName(), f.upperName(), f.upperName())
	case WindowBoundFunc:
		return nil, errorf(e.At, "%s needs a GROUP BY window: GROUP BY …, %s(…)", f.upperName(), strings.ToUpper(strings.Split(f.Name, "_")[0]))
	}
	args, err := b.bindAll(e.Args)
	if err != nil {
		return nil, err
	}
	return checkCall(f, e, args)
}

// checkCall checks a call of f with bound args: DISTINCT and *, the number
// of arguments, literal arguments and types. It returns the call with the
// canonical name, coerced arguments and result type.
func checkCall(f *Func, e *Call, args []Expr) (*Call, *Error) {
	if e.Star && !f.Star {
		return nil, errorf(e.At, "%s(*) is not allowed: only COUNT(*)", f.upperName())
	}
	if e.Distinct && !f.Distinct {
		return nil, errorf(e.At, "DISTINCT is not supported in %s", f.upperName())
	}
	out := &Call{Name: f.Name, Distinct: e.Distinct, Star: e.Star, At: e.At}
	if e.Star {
		out.Typ = Int64
		return out, nil
	}
	if len(args) < f.MinArgs || f.MaxArgs >= 0 && len(args) > f.MaxArgs {
		return nil, errorf(e.At, "%s takes %s, got %d: %s", f.upperName(), f.arity(), len(args), f.Synopsis)
	}
	for _, i := range f.ConstArgs {
		if i < len(args) {
			if _, ok := args[i].(*Literal); !ok {
				return nil, errorf(args[i].Pos(), "argument %d of %s must be a literal: %s", i+1, f.upperName(), f.Synopsis)
			}
		}
	}
	types := make([]Type, len(args))
	for i, a := range args {
		types[i] = a.Type()
	}
	result, want, err := f.Check(types)
	if err != nil {
		return nil, argError(f, args, e.At, err)
	}
	for i, a := range args {
		c, ok, cerr := coerce(a, want[i])
		if cerr != nil {
			return nil, cerr
		}
		if !ok {
			return nil, mismatch(a.Pos(), "argument %d of %s must be %s, got %s: %s", i+1, f.upperName(), want[i], a.Type(), f.Synopsis)
		}
		if l, isLit := c.(*Literal); isLit && f.CheckConst != nil {
			if err := f.CheckConst(i, l.Value); err != nil {
				return nil, argError(f, args, e.At, err)
			}
		}
		out.Args = append(out.Args, c)
	}
	out.Typ = result
	return out, nil
}

// argError positions an error from a function's checks at the argument it
// is about.
func argError(f *Func, args []Expr, at Pos, err error) *Error {
	var ae *ArgError
	if errors.As(err, &ae) && ae.Arg >= 0 && ae.Arg < len(args) {
		sep := ": "
		if strings.HasPrefix(ae.Msg, "must ") || strings.HasPrefix(ae.Msg, "cannot ") {
			sep = " "
		}
		return errorf(args[ae.Arg].Pos(), "argument %d of %s%s%s", ae.Arg+1, f.upperName(), sep, ae.Msg)
	}
	return errorf(at, "%s: %v", f.upperName(), err)
}
