package eval

import "testing"

func TestInBetween(t *testing.T) { runCases(t, inBetweenCases()) }

// inBetweenCases are the cases of TestInBetween.
func inBetweenCases() []exprCase {
	T, F := true, false
	return []exprCase{
		{"i IN (1, 10, 99)", []any{T, F, nil, F, T}},
		{"i NOT IN (1, 10)", []any{F, T, nil, T, F}},
		{"i IN (1, NULL)", []any{T, nil, nil, nil, nil}},
		{"i NOT IN (1, NULL)", []any{F, nil, nil, nil, nil}},
		{"i IN (NULL)", []any{nil, nil, nil, nil, nil}},
		{"NULL IN (1, 2)", []any{nil, nil, nil, nil, nil}},
		{"s IN ('Hello', '', 'x')", []any{T, F, nil, T, F}},
		{"s NOT IN ('Hello', '', 'x')", []any{F, T, nil, F, T}},
		{"f IN (1.5, 0)", []any{T, F, nil, T, F}},
		{"i IN (1.5, 10)", []any{F, F, nil, F, T}},
		{"b IN (TRUE)", []any{T, F, nil, T, F}},
		{"b NOT IN (TRUE, NULL)", []any{F, nil, nil, F, nil}},
		{"ts IN ('2026-11-22 10:00:00.123', '1970-01-01')", []any{T, F, nil, T, F}},
		{"i IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 10)", []any{T, F, nil, F, T}},
		{"i IN (j, 10)", []any{F, F, nil, F, T}},
		{"i + 1 IN (j + 1, 2)", []any{T, F, nil, F, F}},
		{"i NOT IN (j, 10)", []any{T, T, nil, T, F}},
		{"i IN (j, NULL)", []any{nil, nil, nil, nil, nil}},
		{"s IN (s2, 'Hello')", []any{T, F, nil, T, F}},
		{"3 IN (1, 2, 3)", []any{T, T, T, T, T}},
		{"i BETWEEN 0 AND 10", []any{T, F, nil, F, T}},
		{"i NOT BETWEEN 0 AND 10", []any{F, T, nil, T, F}},
		{"f BETWEEN j AND 2", []any{T, F, nil, T, F}},
		{"i BETWEEN NULL AND 5", []any{nil, nil, nil, F, F}},
		{"i NOT BETWEEN NULL AND 5", []any{nil, nil, nil, T, T}},
		{"s BETWEEN 'A' AND 'Z'", []any{T, F, nil, F, F}},
		{"ts BETWEEN '1999-12-31' AND '2024-12-31'", []any{F, T, nil, F, T}},
		{"j BETWEEN j AND j", []any{T, T, nil, T, T}},
	}
}
