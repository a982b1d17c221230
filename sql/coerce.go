package sql

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// commonType returns the type values of the given types meet in (a
// comparison, IN list, CASE arms, COALESCE): their shared type, DOUBLE for
// a mix of BIGINT and DOUBLE, TIMESTAMP for a mix of TIMESTAMP and VARCHAR
// (string literals become timestamps), ignoring NULLs. All NULLs give Null.
func commonType(ts ...Type) (Type, bool) {
	out := Null
	for _, t := range ts {
		switch {
		case t == Null || t == out:
		case out == Null:
			out = t
		case t.IsNumeric() && out.IsNumeric():
			out = Float64
		case t == Timestamp && out == String || t == String && out == Timestamp:
			out = Timestamp
		default:
			return Unknown, false
		}
	}
	return out, true
}

// coerce converts e to type to, implicitly: NULL to a typed NULL, BIGINT to
// DOUBLE, a string literal to a TIMESTAMP (parsed now) or to an INTERVAL
// ('5s'). It returns ok false when the conversion is not implicit, and an
// error when a literal does not parse.
func coerce(e Expr, to Type) (Expr, bool, *Error) {
	from := e.Type()
	if from == to {
		return e, true, nil
	}
	lit, isLit := e.(*Literal)
	switch {
	case isLit && lit.Value.IsNull():
		return &Literal{Value: NullOf(to), At: lit.At}, true, nil
	case from == Null:
		return &Cast{X: e, To: to, At: e.Pos()}, true, nil
	case from == Int64 && to == Float64:
		if isLit {
			return &Literal{Value: FloatValue(float64(lit.Value.Int)), At: lit.At}, true, nil
		}
		return &Cast{X: e, To: Float64, At: e.Pos()}, true, nil
	case isLit && from == String && to == Timestamp:
		ms, err := ParseTimestamp(lit.Value.Str)
		if err != nil {
			return nil, false, errorf(lit.At, "%v", err)
		}
		return &Literal{Value: Value{Type: Timestamp, Int: ms}, At: lit.At}, true, nil
	case isLit && from == String && to == Interval:
		d, err := ParseDuration(lit.Value.Str)
		if err != nil {
			return nil, false, errorf(lit.At, "%v", err)
		}
		return &Literal{Value: IntervalValue(d), At: lit.At}, true, nil
	}
	return nil, false, nil
}

// castable reports whether CAST(x AS to) is allowed for x of type from.
func castable(from, to Type) bool {
	switch {
	case from == to || from == Null || to == String && from != Interval:
		return true
	case from.IsNumeric() && to.IsNumeric():
		return true
	case from == String:
		return to == Boolean || to == Int64 || to == Float64 || to == Timestamp
	case from == Int64:
		return to == Boolean || to == Timestamp
	case from == Boolean:
		return to == Int64
	case from == Timestamp:
		return to == Int64
	}
	return false
}

// foldCast evaluates a CAST of a literal where that is cheap and can fail
// (string to timestamp, number, boolean), so that a bad literal is reported
// at plan time with its position. Other casts are left to the engine.
func foldCast(lit *Literal, to Type, at Pos) (Expr, *Error) {
	v := lit.Value
	if v.IsNull() {
		return &Literal{Value: NullOf(to), At: at}, nil
	}
	bad := func(err error) *Error {
		return errorf(lit.At, "cannot CAST %s AS %s: %v", v, to, err)
	}
	switch {
	case v.Type == String && to == Timestamp:
		ms, err := ParseTimestamp(v.Str)
		if err != nil {
			return nil, errorf(lit.At, "%v", err)
		}
		return &Literal{Value: Value{Type: Timestamp, Int: ms}, At: at}, nil
	case v.Type == String && (to == Int64 || to == Float64 || to == Boolean):
		val, err := assignValue(v, to, true)
		if err != nil {
			return nil, bad(err)
		}
		return &Literal{Value: val, At: at}, nil
	case v.Type == Int64 && to == Float64:
		return &Literal{Value: FloatValue(float64(v.Int)), At: at}, nil
	}
	return &Cast{X: lit, To: to, At: at}, nil
}

// assignValue converts a literal value to type to. Implicitly (INSERT …
// VALUES) it is stricter than MySQL: only NULL, BIGINT to DOUBLE, an
// integral DOUBLE to BIGINT, and a string or epoch milliseconds to a
// TIMESTAMP convert. Explicitly (CAST of a literal) strings also convert to
// numbers and booleans, and booleans to numbers.
func assignValue(v Value, to Type, explicit bool) (Value, error) {
	if v.IsNull() {
		return NullOf(to), nil
	}
	if v.Type == to {
		return v, nil
	}
	switch to {
	case Float64:
		switch {
		case v.Type == Int64:
			return FloatValue(float64(v.Int)), nil
		case v.Type == String && explicit:
			f, err := strconv.ParseFloat(strings.TrimSpace(v.Str), 64)
			if err != nil {
				return Value{}, fmt.Errorf("%s is not a number", v)
			}
			return FloatValue(f), nil
		}
	case Int64:
		switch {
		case v.Type == Float64:
			if v.Float == math.Trunc(v.Float) && math.Abs(v.Float) < 1<<62 {
				return IntValue(int64(v.Float)), nil
			}
			return Value{}, fmt.Errorf("%s is not an integer", v)
		case v.Type == Boolean && explicit:
			if v.Bool {
				return IntValue(1), nil
			}
			return IntValue(0), nil
		case v.Type == String && explicit:
			n, err := parseInt(strings.TrimSpace(v.Str))
			if err != nil {
				return Value{}, fmt.Errorf("%s is not an integer", v)
			}
			return IntValue(n), nil
		}
	case Boolean:
		if v.Type == String && explicit && (lower(v.Str) == "true" || lower(v.Str) == "false") {
			return BoolValue(lower(v.Str) == "true"), nil
		}
	case Timestamp:
		switch v.Type {
		case String:
			ms, err := ParseTimestamp(v.Str)
			return Value{Type: Timestamp, Int: ms}, err
		case Int64:
			return Value{Type: Timestamp, Int: v.Int}, nil // epoch milliseconds
		}
	}
	return Value{}, fmt.Errorf("a %s does not convert to %s", v.Type, to)
}
