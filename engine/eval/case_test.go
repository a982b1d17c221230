package eval

import (
	"math"
	"testing"
)

func TestCase(t *testing.T) { runCases(t, caseCases()) }

// caseCases are the cases of TestCase.
func caseCases() []exprCase {
	T, F := true, false
	const maxInt = int64(math.MaxInt64)
	return []exprCase{
		{"CASE WHEN i > 5 THEN 'big' WHEN i > 0 THEN 'small' ELSE 'neg' END", []any{"small", "neg", "neg", "big", "big"}},
		{"CASE WHEN i > 5 THEN 'big' END", []any{nil, nil, nil, "big", "big"}},
		{"CASE WHEN i > 1000 THEN 'big' ELSE s END", []any{"Hello", "wörld", nil, "big", "  a_b%c  "}},
		{"CASE j WHEN 0 THEN 'zero' WHEN 2 THEN 'two' ELSE 'other' END", []any{"zero", "two", "other", "other", "other"}},
		{"CASE j WHEN i THEN 'same' WHEN 3 THEN 'three' END", []any{nil, nil, nil, nil, "three"}},
		{"CASE j WHEN 0 THEN 'a' WHEN 2.5 THEN 'b' WHEN 3 THEN 'd' ELSE 'c' END", []any{"a", "c", "c", "c", "d"}},
		{"CASE i WHEN j THEN 'same' WHEN 10.0 THEN 'ten' END", []any{nil, nil, nil, nil, "ten"}},
		{"CASE s WHEN 'Hello' THEN 1 WHEN '' THEN 2 END", []any{1, nil, nil, 2, nil}},
		{"CASE WHEN j = 0 THEN NULL ELSE i / j END", []any{nil, -3.5, nil, -9.223372036854775807e18, 10.0 / 3}},
		{"CASE WHEN j <> 0 THEN i % j ELSE -1 END", []any{-1, -1, -1, 0, 1}},
		{"CASE WHEN b THEN f ELSE i END", []any{1.5, -7.0, nil, 0.0, 10.0}},
		{"CASE WHEN b THEN b2 ELSE NOT b2 END", []any{T, nil, T, T, T}},
		{"CASE WHEN FALSE THEN 1 WHEN TRUE THEN 2 END", []any{2, 2, 2, 2, 2}},
		{"CASE WHEN NULL THEN 1 WHEN i > 0 THEN 2 END", []any{2, nil, nil, 2, 2}},
		{"CASE WHEN i > 0 THEN 1 WHEN TRUE THEN 2 ELSE 3 END", []any{1, 2, 2, 1, 1}},
		{"CASE NULL WHEN 1 THEN 'one' ELSE 'else' END", []any{"else", "else", "else", "else", "else"}},
		{"CASE WHEN b THEN ts END", []any{ts("2026-11-22T10:00:00.123Z"), nil, nil, ts("1970-01-01T00:00:00.000Z"), nil}},
		{"CASE WHEN s IS NOT NULL THEN i ELSE j END", []any{1, -7, nil, maxInt, 10}},
		{"IF(i > 0, 'pos', 'neg')", []any{"pos", "neg", "neg", "pos", "pos"}},
		{"IF(b, i, NULL)", []any{1, nil, nil, maxInt, nil}},
		{"IF(b2, b, NOT b)", []any{T, T, nil, T, T}},
		{"COALESCE(i, j, 42)", []any{1, -7, 42, maxInt, 10}},
		{"COALESCE(NULL, s, s2)", []any{"Hello", "wörld", nil, "", "  a_b%c  "}},
		{"COALESCE(b, b2)", []any{T, F, F, T, F}},
		{"COALESCE(NULL, 5, i)", []any{5, 5, 5, 5, 5}},
		{"COALESCE(i)", []any{1, -7, nil, maxInt, 10}},
		{"IFNULL(f, -1)", []any{1.5, -2.5, -1.0, 0.0, 100.25}},
		{"IFNULL(ts, '2000-01-01')", []any{ts("2026-11-22T10:00:00.123Z"), ts("1999-12-31T23:59:59.999Z"), ts("2000-01-01T00:00:00.000Z"), ts("1970-01-01T00:00:00.000Z"), ts("2024-02-29T13:05:09.000Z")}},
		{"IFNULL(b2, b)", []any{T, F, F, T, F}},
	}
}
