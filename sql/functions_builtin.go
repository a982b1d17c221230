package sql

import (
	"fmt"
	"regexp"
	"strings"
)

// checkFunc is the type of Func.Check.
type checkFunc = func(args []Type) (Type, []Type, error)

// sig is a fixed signature: argument i is coerced to params[i] (the last
// parameter repeats for extra arguments); the result is result.
func sig(result Type, params ...Type) checkFunc {
	return func(args []Type) (Type, []Type, error) {
		want := make([]Type, len(args))
		for i := range args {
			if i < len(params) {
				want[i] = params[i]
			} else {
				want[i] = params[len(params)-1]
			}
		}
		return result, want, nil
	}
}

// number returns the type a numeric argument keeps (NULL becomes DOUBLE).
func number(args []Type, i int) (Type, error) {
	switch t := args[i]; {
	case t.IsNumeric():
		return t, nil
	case t == Null:
		return Float64, nil
	default:
		return Unknown, &ArgError{i, "must be a number, got " + t.String()}
	}
}

// sameNumber: numeric arguments; the result has the type of the first;
// further arguments are BIGINT (ROUND's digits).
func sameNumber(args []Type) (Type, []Type, error) {
	t, err := number(args, 0)
	if err != nil {
		return Unknown, nil, err
	}
	want := []Type{t}
	for range args[1:] {
		want = append(want, Int64)
	}
	return t, want, nil
}

// common: every argument (from index from on) is coerced to their common
// type, which is the result (COALESCE, IFNULL, IF's branches).
func common(from int) checkFunc {
	return func(args []Type) (Type, []Type, error) {
		t := Null
		for i := from; i < len(args); i++ {
			if args[i] == Interval {
				return Unknown, nil, &ArgError{i, "cannot be an INTERVAL"}
			}
			nt, ok := commonType(t, args[i])
			if !ok || nt == Interval {
				return Unknown, nil, &ArgError{i, fmt.Sprintf("must have the type of the arguments before it (%s), got %s", t, args[i])}
			}
			t = nt
		}
		want := make([]Type, len(args))
		copy(want, args)
		for i := from; i < len(args); i++ {
			want[i] = t
		}
		if from > 0 {
			want[0] = Boolean
		}
		return t, want, nil
	}
}

// anyType accepts any column type and returns result.
func anyType(result Type) checkFunc {
	return func(args []Type) (Type, []Type, error) {
		for i, t := range args {
			if t == Interval {
				return Unknown, nil, &ArgError{i, "cannot be an INTERVAL"}
			}
		}
		return result, append([]Type(nil), args...), nil
	}
}

// sameAsArg returns the argument's own type (MIN, MAX, FIRST, LAST).
func sameAsArg(orderable bool) checkFunc {
	return func(args []Type) (Type, []Type, error) {
		t := args[0]
		switch {
		case t == Interval:
			return Unknown, nil, &ArgError{0, "cannot be an INTERVAL"}
		case orderable && t == Boolean:
			return Unknown, nil, &ArgError{0, "must be a number, string or timestamp, got BOOLEAN"}
		}
		return t, []Type{t}, nil
	}
}

// sum is BIGINT for integers, DOUBLE otherwise.
func sum(args []Type) (Type, []Type, error) {
	t, err := number(args, 0)
	return t, []Type{t}, err
}

func typeList(ts []Type) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.String()
	}
	return strings.Join(parts, ", ")
}

// extractUnits are the units of EXTRACT(unit FROM ts).
var extractUnits = []string{"YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "DAYOFWEEK", "DAYOFYEAR", "HOUR", "MINUTE", "SECOND", "MILLISECOND", "EPOCH"}

// positiveInterval checks window sizes, slides and gaps.
func positiveInterval(arg int, v Value) error {
	if v.Type == Interval && (v.IsNull() || v.Int <= 0) {
		return &ArgError{arg, "must be a positive INTERVAL"}
	}
	return nil
}

// builtinFunctions lists the built-in functions.
func builtinFunctions() []Func {
	window := func(name string, params ...Type) Func {
		return Func{Name: name, Kind: WindowFunc, MinArgs: len(params), MaxArgs: len(params), ConstArgs: []int{1, 2}[:len(params)-1],
			Check: sig(Timestamp, params...), CheckConst: positiveInterval,
			Synopsis: strings.ToUpper(name) + "(time TIMESTAMP, " + strings.Repeat("INTERVAL, ", len(params)-2) + "INTERVAL)"}
	}
	bound := func(name string, params ...Type) Func {
		f := window(name, params...)
		f.Kind = WindowBoundFunc
		f.Synopsis += " → TIMESTAMP"
		return f
	}
	return []Func{
		// Strings.
		{Name: "lower", Kind: ScalarFunc, MinArgs: 1, MaxArgs: 1, Check: sig(String, String), Synopsis: "LOWER(s VARCHAR) → VARCHAR"},
		{Name: "upper", Kind: ScalarFunc, MinArgs: 1, MaxArgs: 1, Check: sig(String, String), Synopsis: "UPPER(s VARCHAR) → VARCHAR"},
		{Name: "concat", Kind: ScalarFunc, MinArgs: 1, MaxArgs: -1, Check: anyType(String), Synopsis: "CONCAT(x, …) → VARCHAR (each argument as text)"},
		{Name: "substring", Aliases: []string{"substr"}, Kind: ScalarFunc, MinArgs: 2, MaxArgs: 3, Check: sig(String, String, Int64, Int64), Synopsis: "SUBSTRING(s VARCHAR, start BIGINT [, length BIGINT]) → VARCHAR (start is 1-based)"},
		{Name: "length", Aliases: []string{"char_length", "character_length"}, Kind: ScalarFunc, MinArgs: 1, MaxArgs: 1, Check: sig(Int64, String), Synopsis: "LENGTH(s VARCHAR) → BIGINT (characters)"},
		{Name: "trim", Kind: ScalarFunc, MinArgs: 1, MaxArgs: 1, Check: sig(String, String), Synopsis: "TRIM(s VARCHAR) → VARCHAR"},
		{Name: "ltrim", Kind: ScalarFunc, MinArgs: 1, MaxArgs: 1, Check: sig(String, String), Synopsis: "LTRIM(s VARCHAR) → VARCHAR"},
		{Name: "rtrim", Kind: ScalarFunc, MinArgs: 1, MaxArgs: 1, Check: sig(String, String), Synopsis: "RTRIM(s VARCHAR) → VARCHAR"},
		{Name: "replace", Kind: ScalarFunc, MinArgs: 3, MaxArgs: 3, Check: sig(String, String, String, String), Synopsis: "REPLACE(s VARCHAR, from VARCHAR, to VARCHAR) → VARCHAR"},
		{Name: "regexp_like", Kind: ScalarFunc, MinArgs: 2, MaxArgs: 2, Check: sig(Boolean, String, String), CheckConst: checkRegexpArg(1), Synopsis: "REGEXP_LIKE(s VARCHAR, pattern VARCHAR) → BOOLEAN"},
		{Name: "json_extract", Kind: ScalarFunc, MinArgs: 2, MaxArgs: 2, Check: sig(String, String, String), CheckConst: checkJSONPath, Synopsis: "JSON_EXTRACT(json VARCHAR, path VARCHAR) → VARCHAR (also json->>'$.path')"},
		// Numbers.
		{Name: "abs", Kind: ScalarFunc, MinArgs: 1, MaxArgs: 1, Check: sameNumber, Synopsis: "ABS(x number) → same type"},
		{Name: "round", Kind: ScalarFunc, MinArgs: 1, MaxArgs: 2, Check: sameNumber, Synopsis: "ROUND(x number [, digits BIGINT]) → same type"},
		{Name: "floor", Kind: ScalarFunc, MinArgs: 1, MaxArgs: 1, Check: sameNumber, Synopsis: "FLOOR(x number) → same type"},
		{Name: "ceil", Aliases: []string{"ceiling"}, Kind: ScalarFunc, MinArgs: 1, MaxArgs: 1, Check: sameNumber, Synopsis: "CEIL(x number) → same type"},
		{Name: "power", Aliases: []string{"pow"}, Kind: ScalarFunc, MinArgs: 2, MaxArgs: 2, Check: sig(Float64, Float64, Float64), Synopsis: "POWER(x DOUBLE, y DOUBLE) → DOUBLE"},
		{Name: "sqrt", Kind: ScalarFunc, MinArgs: 1, MaxArgs: 1, Check: sig(Float64, Float64), Synopsis: "SQRT(x DOUBLE) → DOUBLE"},
		// Nulls and conditions.
		{Name: "coalesce", Kind: ScalarFunc, MinArgs: 1, MaxArgs: -1, Check: common(0), Synopsis: "COALESCE(x, …) → common type"},
		{Name: "ifnull", Kind: ScalarFunc, MinArgs: 2, MaxArgs: 2, Check: common(0), Synopsis: "IFNULL(x, y) → common type"},
		{Name: "if", Kind: ScalarFunc, MinArgs: 3, MaxArgs: 3, Check: common(1), Synopsis: "IF(cond BOOLEAN, x, y) → common type"},
		// Time.
		{Name: "now", Aliases: []string{"current_timestamp"}, Kind: ScalarFunc, MinArgs: 0, MaxArgs: 0, Check: sig(Timestamp), Synopsis: "NOW() → TIMESTAMP (the query's evaluation time)"},
		{Name: "date_format", Kind: ScalarFunc, MinArgs: 2, MaxArgs: 2, Check: sig(String, Timestamp, String), Synopsis: "DATE_FORMAT(ts TIMESTAMP, format VARCHAR) → VARCHAR (MySQL format: %Y-%m-%d %H:%i:%s)"},
		{Name: "extract", Kind: ScalarFunc, MinArgs: 2, MaxArgs: 2, ConstArgs: []int{0}, Check: sig(Int64, String, Timestamp), CheckConst: checkExtractUnit,
			Synopsis: "EXTRACT(unit FROM ts TIMESTAMP) → BIGINT (unit: " + strings.Join(extractUnits, ", ") + ")"},
		{Name: "year", Kind: ScalarFunc, MinArgs: 1, MaxArgs: 1, Check: sig(Int64, Timestamp), Synopsis: "YEAR(ts TIMESTAMP) → BIGINT"},
		{Name: "month", Kind: ScalarFunc, MinArgs: 1, MaxArgs: 1, Check: sig(Int64, Timestamp), Synopsis: "MONTH(ts TIMESTAMP) → BIGINT"},
		{Name: "day", Aliases: []string{"dayofmonth"}, Kind: ScalarFunc, MinArgs: 1, MaxArgs: 1, Check: sig(Int64, Timestamp), Synopsis: "DAY(ts TIMESTAMP) → BIGINT"},
		{Name: "hour", Kind: ScalarFunc, MinArgs: 1, MaxArgs: 1, Check: sig(Int64, Timestamp), Synopsis: "HOUR(ts TIMESTAMP) → BIGINT"},
		{Name: "minute", Kind: ScalarFunc, MinArgs: 1, MaxArgs: 1, Check: sig(Int64, Timestamp), Synopsis: "MINUTE(ts TIMESTAMP) → BIGINT"},
		{Name: "second", Kind: ScalarFunc, MinArgs: 1, MaxArgs: 1, Check: sig(Int64, Timestamp), Synopsis: "SECOND(ts TIMESTAMP) → BIGINT"},
		// Aggregates.
		{Name: "count", Kind: AggregateFunc, MinArgs: 1, MaxArgs: 1, Star: true, Distinct: true, Check: anyType(Int64), Synopsis: "COUNT(*), COUNT(x), COUNT(DISTINCT x) → BIGINT"},
		{Name: "sum", Kind: AggregateFunc, MinArgs: 1, MaxArgs: 1, Distinct: true, Check: sum, Synopsis: "SUM(x number) → BIGINT or DOUBLE"},
		{Name: "avg", Kind: AggregateFunc, MinArgs: 1, MaxArgs: 1, Distinct: true, Check: sig(Float64, Float64), Synopsis: "AVG(x number) → DOUBLE"},
		{Name: "min", Kind: AggregateFunc, MinArgs: 1, MaxArgs: 1, Check: sameAsArg(true), Synopsis: "MIN(x) → same type"},
		{Name: "max", Kind: AggregateFunc, MinArgs: 1, MaxArgs: 1, Check: sameAsArg(true), Synopsis: "MAX(x) → same type"},
		{Name: "stddev", Aliases: []string{"stddev_samp", "std"}, Kind: AggregateFunc, MinArgs: 1, MaxArgs: 1, Check: sig(Float64, Float64), Synopsis: "STDDEV(x number) → DOUBLE (sample standard deviation)"},
		{Name: "stddev_pop", Kind: AggregateFunc, MinArgs: 1, MaxArgs: 1, Check: sig(Float64, Float64), Synopsis: "STDDEV_POP(x number) → DOUBLE (population standard deviation)"},
		{Name: "first", Kind: AggregateFunc, MinArgs: 1, MaxArgs: 1, Check: sameAsArg(false), Synopsis: "FIRST(x) → same type (the value with the earliest event time)"},
		{Name: "last", Kind: AggregateFunc, MinArgs: 1, MaxArgs: 1, Check: sameAsArg(false), Synopsis: "LAST(x) → same type (the value with the latest event time)"},
		{Name: "approx_count_distinct", Kind: AggregateFunc, MinArgs: 1, MaxArgs: 1, Check: anyType(Int64), Synopsis: "APPROX_COUNT_DISTINCT(x) → BIGINT (HyperLogLog)"},
		{Name: "approx_percentile", Kind: AggregateFunc, MinArgs: 2, MaxArgs: 2, ConstArgs: []int{1}, Check: sig(Float64, Float64, Float64), CheckConst: checkFraction,
			Synopsis: "APPROX_PERCENTILE(x number, q DOUBLE literal in [0, 1]) → DOUBLE"},
		// Windows.
		window("tumble", Timestamp, Interval),
		window("hop", Timestamp, Interval, Interval),
		window("session", Timestamp, Interval),
		bound("tumble_start", Timestamp, Interval),
		bound("tumble_end", Timestamp, Interval),
		bound("hop_start", Timestamp, Interval, Interval),
		bound("hop_end", Timestamp, Interval, Interval),
		bound("session_start", Timestamp, Interval),
		bound("session_end", Timestamp, Interval),
	}
}

// checkRegexpArg validates a literal regular expression argument.
func checkRegexpArg(arg int) func(int, Value) error {
	return func(i int, v Value) error {
		if i != arg || v.Type != String || v.IsNull() {
			return nil
		}
		if _, err := regexp.Compile(v.Str); err != nil {
			return &ArgError{i, "bad regular expression: " + err.Error()}
		}
		return nil
	}
}

// checkJSONPath validates a literal JSON path: $ followed by .key or [n].
func checkJSONPath(i int, v Value) error {
	if i != 1 || v.Type != String || v.IsNull() {
		return nil
	}
	if !strings.HasPrefix(v.Str, "$") {
		return &ArgError{i, fmt.Sprintf("bad JSON path %s (want $.key, $.a.b or $.list[0])", quoteString(v.Str))}
	}
	return nil
}

// checkExtractUnit validates the unit of EXTRACT.
func checkExtractUnit(i int, v Value) error {
	if i == 0 && v.IsNull() {
		return &ArgError{i, "must name a unit (" + strings.Join(extractUnits, ", ") + ")"}
	}
	if i == 0 && !contains(extractUnits, strings.ToUpper(v.Str)) {
		return &ArgError{i, fmt.Sprintf("unknown unit %s (use %s)", strings.ToUpper(v.Str), strings.Join(extractUnits, ", "))}
	}
	return nil
}

// checkFraction validates APPROX_PERCENTILE's q.
func checkFraction(i int, v Value) error {
	if i == 1 && (v.IsNull() || v.Float < 0 || v.Float > 1) {
		return &ArgError{i, "must be a number from 0 to 1"}
	}
	return nil
}
