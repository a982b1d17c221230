package eval

import "testing"

func TestLogic(t *testing.T) { runCases(t, logicCases()) }

// logicCases are the cases of TestLogic.
func logicCases() []exprCase {
	T, F := true, false
	return []exprCase{
		{"b AND b2", []any{T, F, F, T, F}},
		{"b OR b2", []any{T, nil, nil, T, F}},
		{"b2 AND b", []any{T, F, F, T, F}},
		{"b2 OR b", []any{T, nil, nil, T, F}},
		{"NOT b", []any{F, T, nil, F, T}},
		{"NOT b2", []any{F, nil, T, F, T}},
		{"b IS NULL", []any{F, F, T, F, F}},
		{"b2 IS NOT NULL", []any{T, F, T, T, T}},
		{"s IS NULL", []any{F, F, T, F, F}},
		{"i + 1 IS NOT NULL", []any{T, T, F, T, T}},
		{"b AND NULL", []any{nil, F, nil, nil, F}},
		{"b OR NULL", []any{T, nil, nil, T, nil}},
		{"NULL AND b", []any{nil, F, nil, nil, F}},
		{"b OR TRUE", []any{T, T, T, T, T}},
		{"b AND FALSE", []any{F, F, F, F, F}},
		{"b AND TRUE", []any{T, F, nil, T, F}},
		{"b OR FALSE", []any{T, F, nil, T, F}},
		{"NOT (i > 0 AND f > 0)", []any{F, T, nil, T, F}},
		{"i > 100 AND s LIKE 'x%'", []any{F, F, nil, F, F}},
		{"i > 100 AND s LIKE 'H%'", []any{F, F, nil, F, F}},
		{"f IS NULL AND b2 IS NULL AND s LIKE 'H%'", []any{F, F, F, F, F}},
		{"f IS NOT NULL OR b2 IS NOT NULL OR s LIKE 'H%'", []any{T, T, T, T, T}},
		{"i > -100 OR s LIKE 'H%'", []any{T, T, nil, T, T}},
		{"i < 100 OR s LIKE 'x%'", []any{T, T, nil, F, T}},
		{"NOT NULL", []any{nil, nil, nil, nil, nil}},
		{"NULL IS NULL", []any{T, T, T, T, T}},
		{"TRUE AND NOT FALSE", []any{T, T, T, T, T}},
	}
}
