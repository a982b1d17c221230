package eval

import "testing"

func TestCompare(t *testing.T) { runCases(t, compareCases()) }

// compareCases are the cases of TestCompare.
func compareCases() []exprCase {
	T, F := true, false
	return []exprCase{
		{"i > 0", []any{T, F, nil, T, T}},
		{"0 < i", []any{T, F, nil, T, T}},
		{"i >= j", []any{T, F, nil, T, T}},
		{"i = 10", []any{F, F, nil, F, T}},
		{"i != 10", []any{T, T, nil, T, F}},
		{"i <> j", []any{T, T, nil, T, T}},
		{"j <= 2", []any{T, T, nil, T, F}},
		{"2 >= j", []any{T, T, nil, T, F}},
		{"f <= 1.5", []any{T, T, nil, T, F}},
		{"f > i", []any{T, T, nil, F, T}},
		{"f = 0", []any{F, F, nil, T, F}},
		{"f < f", []any{F, F, nil, F, F}},
		{"s = 'Hello'", []any{T, F, nil, F, F}},
		{"s != 'Hello'", []any{F, T, nil, T, T}},
		{"s < 'b'", []any{T, F, nil, T, T}},
		{"'b' > s", []any{T, F, nil, T, T}},
		{"s >= ''", []any{T, T, nil, T, T}},
		{"s <> s2", []any{T, T, nil, F, T}},
		{"s > s2", []any{F, T, nil, F, F}},
		{"s <= s2", []any{T, F, nil, T, T}},
		{"ts > '2000-01-01'", []any{T, F, nil, F, T}},
		{"ts = '1970-01-01'", []any{F, F, nil, T, F}},
		{"ts <= ts", []any{T, T, nil, T, T}},
		{"b = b2", []any{T, nil, nil, T, T}},
		{"b < b2", []any{F, nil, nil, F, F}},
		{"b > b2", []any{F, nil, nil, F, F}},
		{"b >= b2", []any{T, nil, nil, T, T}},
		{"b <= FALSE", []any{F, T, nil, F, T}},
		{"b = FALSE", []any{F, T, nil, F, T}},
		{"b != TRUE", []any{F, T, nil, F, T}},
		{"TRUE > b", []any{F, T, nil, F, T}},
		{"i = NULL", []any{nil, nil, nil, nil, nil}},
		{"NULL <> s", []any{nil, nil, nil, nil, nil}},
		{"1 < 2", []any{T, T, T, T, T}},
		{"'a' > 'b'", []any{F, F, F, F, F}},
	}
}
