package eval

import (
	"math"
	"testing"
)

func TestArithmetic(t *testing.T) { runCases(t, arithmeticCases()) }

// arithmeticCases are the cases of TestArithmetic.
func arithmeticCases() []exprCase {
	const maxInt = int64(math.MaxInt64)
	return []exprCase{
		{"i + j", []any{1, -5, nil, maxInt - 1, 13}},
		{"i * 2", []any{2, -14, nil, -2, 20}}, // wraps
		{"i - j", []any{1, -9, nil, int64(math.MinInt64), 7}},
		{"2 - i", []any{1, 9, nil, -maxInt + 2, -8}},
		{"3 * j", []any{0, 6, nil, -3, 9}},
		{"i % j", []any{nil, -1, nil, 0, 1}},
		{"i % 3", []any{1, -1, nil, 1, 1}},
		{"MOD(i, -3)", []any{1, -1, nil, 1, 1}},
		{"100 % j", []any{nil, 0, nil, 0, 1}},
		{"i % 0", []any{nil, nil, nil, nil, nil}},
		{"i / j", []any{nil, -3.5, nil, -9.223372036854775807e18, 10.0 / 3}},
		{"i / 2", []any{0.5, -3.5, nil, 4.611686018427388e18, 5.0}},
		{"6 / j", []any{nil, 3.0, nil, -6.0, 2.0}},
		{"f / 0", []any{nil, nil, nil, nil, nil}},
		{"f / f", []any{1.0, 1.0, nil, nil, 1.0}},
		{"f * 2 + 1", []any{4.0, -4.0, nil, 1.0, 201.5}},
		{"10 - f", []any{8.5, 12.5, nil, 10.0, -90.25}},
		{"f - 10", []any{-8.5, -12.5, nil, -10.0, 90.25}},
		{"f + f", []any{3.0, -5.0, nil, 0.0, 200.5}},
		{"f * f", []any{2.25, 6.25, nil, 0.0, 10050.0625}},
		{"f - f", []any{0.0, 0.0, nil, 0.0, 0.0}},
		{"f % 2", []any{1.5, -0.5, nil, 0.0, 0.25}},
		{"f % f", []any{0.0, -0.0, nil, nil, 0.0}},
		{"-i", []any{-1, 7, nil, -maxInt, -10}},
		{"-f", []any{-1.5, 2.5, nil, 0.0, -100.25}},
		{"-(i + j)", []any{-1, 5, nil, -maxInt + 1, -13}},
		{"i + NULL", []any{nil, nil, nil, nil, nil}},
		{"1 + 2 * 3", []any{7, 7, 7, 7, 7}},
		{"ts + INTERVAL 1 DAY", []any{ts("2026-11-23T10:00:00.123Z"), ts("2000-01-01T23:59:59.999Z"), nil, ts("1970-01-02T00:00:00.000Z"), ts("2024-03-01T13:05:09.000Z")}},
		{"ts - INTERVAL 1 SECOND", []any{ts("2026-11-22T09:59:59.123Z"), ts("1999-12-31T23:59:58.999Z"), nil, ts("1969-12-31T23:59:59.000Z"), ts("2024-02-29T13:05:08.000Z")}},
		{"INTERVAL 1 HOUR + ts", []any{ts("2026-11-22T11:00:00.123Z"), ts("2000-01-01T00:59:59.999Z"), nil, ts("1970-01-01T01:00:00.000Z"), ts("2024-02-29T14:05:09.000Z")}},
		{"ts + INTERVAL 1.5 SECOND", []any{ts("2026-11-22T10:00:01.623Z"), ts("2000-01-01T00:00:01.499Z"), nil, ts("1970-01-01T00:00:01.500Z"), ts("2024-02-29T13:05:10.500Z")}},
		{"ts - ts", []any{0, 0, nil, 0, 0}},
		{"ts - -INTERVAL 1 DAY", []any{ts("2026-11-23T10:00:00.123Z"), ts("2000-01-01T23:59:59.999Z"), nil, ts("1970-01-02T00:00:00.000Z"), ts("2024-03-01T13:05:09.000Z")}},
		{"ts - CAST('2000-01-01' AS TIMESTAMP)", []any{
			ts("2026-11-22T10:00:00.123Z").ms() - ts("2000-01-01").ms(),
			ts("1999-12-31T23:59:59.999Z").ms() - ts("2000-01-01").ms(), nil,
			-ts("2000-01-01").ms(), ts("2024-02-29T13:05:09Z").ms() - ts("2000-01-01").ms()}},
		{"'2000-01-01' + INTERVAL 1 DAY", []any{ts("2000-01-02T00:00:00.000Z"), ts("2000-01-02T00:00:00.000Z"), ts("2000-01-02T00:00:00.000Z"), ts("2000-01-02T00:00:00.000Z"), ts("2000-01-02T00:00:00.000Z")}},
	}
}
