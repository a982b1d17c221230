package eval

import (
	"math"
	"testing"
)

func TestCast(t *testing.T) { runCases(t, castCases()) }

// castCases are the cases of TestCast.
func castCases() []exprCase {
	T, F := true, false
	return []exprCase{
		{"CAST(i AS VARCHAR)", []any{"1", "-7", nil, "9223372036854775807", "10"}},
		{"CAST(f AS VARCHAR)", []any{"1.5", "-2.5", nil, "0", "100.25"}},
		{"CAST(f * 1e20 AS CHAR)", []any{"1.5e20", "-2.5e20", nil, "0", "1.0025e22"}},
		{"CAST(f / 1e7 AS CHAR)", []any{"1.5e-7", "-2.5e-7", nil, "0", "0.000010025"}},
		{"CAST(b AS VARCHAR)", []any{"true", "false", nil, "true", "false"}},
		{"CAST(ts AS VARCHAR)", []any{"2026-11-22 10:00:00.123", "1999-12-31 23:59:59.999", nil, "1970-01-01 00:00:00.000", "2024-02-29 13:05:09.000"}},
		{"CAST(CONCAT(' ', f, ' ') AS BIGINT)", []any{2, -3, nil, 0, 100}},
		{"CAST(CONCAT(j, '') AS SIGNED)", []any{0, 2, nil, -1, 3}},
		{"CAST(CONCAT(i, '0') AS BIGINT)", []any{10, -70, nil, nil, 100}}, // overflow is NULL
		{"CAST(CONCAT(f) AS DOUBLE)", []any{1.5, -2.5, nil, 0.0, 100.25}},
		{"CAST(s AS BIGINT)", []any{nil, nil, nil, nil, nil}},
		{"CAST(s AS DOUBLE)", []any{nil, nil, nil, nil, nil}},
		{"CAST(CAST(b AS VARCHAR) AS BOOLEAN)", []any{T, F, nil, T, F}},
		{"CAST(CAST(j AS VARCHAR) AS BOOLEAN)", []any{F, nil, nil, nil, nil}},
		{"CAST(s AS BOOLEAN)", []any{nil, nil, nil, nil, nil}},
		{"CAST(CAST(ts AS VARCHAR) AS TIMESTAMP)", []any{ts("2026-11-22T10:00:00.123Z"), ts("1999-12-31T23:59:59.999Z"), nil, ts("1970-01-01T00:00:00.000Z"), ts("2024-02-29T13:05:09.000Z")}},
		{"CAST(s AS TIMESTAMP)", []any{nil, nil, nil, nil, nil}},
		{"CAST(f AS BIGINT)", []any{2, -3, nil, 0, 100}},
		{"CAST(f * 1e300 * 1e300 AS BIGINT)", []any{nil, nil, nil, 0, nil}},
		{"CAST(i AS DOUBLE)", []any{1.0, -7.0, nil, 9.223372036854775807e18, 10.0}},
		{"CAST(i AS BOOLEAN)", []any{T, T, nil, T, T}},
		{"CAST(j AS BOOLEAN)", []any{F, T, nil, T, T}},
		{"CAST(b AS BIGINT)", []any{1, 0, nil, 1, 0}},
		{"CAST(ts AS BIGINT)", []any{ts("2026-11-22T10:00:00.123Z").ms(), ts("1999-12-31T23:59:59.999Z").ms(), nil, 0, ts("2024-02-29T13:05:09Z").ms()}},
		{"CAST(j AS TIMESTAMP)", []any{ts("1970-01-01T00:00:00.000Z"), ts("1970-01-01T00:00:00.002Z"), nil, ts("1969-12-31T23:59:59.999Z"), ts("1970-01-01T00:00:00.003Z")}},
		{"CAST(s AS VARCHAR)", []any{"Hello", "wörld", nil, "", "  a_b%c  "}},
		{"CAST(NULL AS BIGINT)", []any{nil, nil, nil, nil, nil}},
		{"CAST('12' AS BIGINT) + i", []any{13, 5, nil, int64(math.MinInt64) + 11, 22}},
	}
}

func TestTextConversions(t *testing.T) {
	for _, c := range []struct {
		f    float64
		want string
	}{
		{0, "0"}, {1, "1"}, {-1.5, "-1.5"}, {100, "100"}, {0.1, "0.1"}, {1e15, "1e15"}, {123456789012345, "123456789012345"},
		{1e-5, "0.00001"}, {1.5e-7, "1.5e-7"}, {1e21, "1e21"}, {math.NaN(), "NaN"}, {math.Inf(1), "Infinity"}, {math.Inf(-1), "-Infinity"},
	} {
		if got := string(appendFloat(nil, c.f)); got != c.want {
			t.Errorf("appendFloat(%v) = %q, want %q", c.f, got, c.want)
		}
	}
	for _, c := range []struct {
		s    string
		want int64
		ok   bool
	}{
		{"12", 12, true}, {" -12 ", -12, true}, {"+7", 7, true}, {"9223372036854775807", math.MaxInt64, true},
		{"-9223372036854775808", math.MinInt64, true}, {"9223372036854775808", 0, false}, {"1.5", 2, true},
		{"-2.5", -3, true}, {"1e3", 1000, true}, {"", 0, false}, {"-", 0, false}, {"12a", 0, false}, {"NaN", 0, false},
	} {
		got, ok := parseInt([]byte(c.s))
		if got != c.want || ok != c.ok {
			t.Errorf("parseInt(%q) = %d, %v, want %d, %v", c.s, got, ok, c.want, c.ok)
		}
	}
	for _, c := range []struct {
		ms   int64
		want string
	}{
		{0, "1970-01-01 00:00:00.000"}, {-1, "1969-12-31 23:59:59.999"}, {ts("2026-11-22T10:00:00.123Z").ms(), "2026-11-22 10:00:00.123"},
	} {
		if got := string(appendTimestamp(nil, c.ms)); got != c.want {
			t.Errorf("appendTimestamp(%d) = %q, want %q", c.ms, got, c.want)
		}
	}
}
