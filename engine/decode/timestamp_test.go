package decode

import (
	"math"
	"testing"
	"time"
)

func TestParseTimeText(t *testing.T) {
	good := map[string]string{ // input → RFC 3339 it equals
		"2026-11-22T10:00:00Z":           "2026-11-22T10:00:00Z",
		"2026-11-22T10:00:00.123Z":       "2026-11-22T10:00:00.123Z",
		"2026-11-22T10:00:00.1Z":         "2026-11-22T10:00:00.1Z",
		"2026-11-22T10:00:00.123456789Z": "2026-11-22T10:00:00.123Z",
		"2026-11-22T10:00:00,5Z":         "2026-11-22T10:00:00.5Z",
		"2026-11-22t10:00:00z":           "2026-11-22T10:00:00Z",
		"2026-11-22T10:00:00+05:30":      "2026-11-22T04:30:00Z",
		"2026-11-22T01:00:00-02:00":      "2026-11-22T03:00:00Z",
		"2026-11-22 10:00:00":            "2026-11-22T10:00:00Z",
		"2026-11-22 10:00:00.999":        "2026-11-22T10:00:00.999Z",
		"2026-11-22T10:00":               "2026-11-22T10:00:00Z",
		"2026-11-22":                     "2026-11-22T00:00:00Z",
		"2024-02-29":                     "2024-02-29T00:00:00Z",
		"2000-02-29T23:59:59Z":           "2000-02-29T23:59:59Z",
		"1970-01-01T00:00:00Z":           "1970-01-01T00:00:00Z",
		"1969-12-31T23:59:59.999Z":       "1969-12-31T23:59:59.999Z",
		"1600-03-01T00:00:00Z":           "1600-03-01T00:00:00Z",
		"0001-01-01T00:00:00Z":           "0001-01-01T00:00:00Z",
		"9999-12-31T23:59:59.999Z":       "9999-12-31T23:59:59.999Z",
	}
	for in, want := range good {
		got, ok := parseTimeText([]byte(in))
		if !ok || got != ms(want) {
			t.Errorf("parseTimeText(%q) = %d, %v; want %d", in, got, ok, ms(want))
		}
	}
	for _, in := range []string{
		"", "2026", "2026-11", "2026-13-01", "2026-00-10", "2026-11-31", "2025-02-29", "1900-02-29",
		"2026-11-22X10:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T10:60:00Z", "2026-11-22T10:00:60Z",
		"2026-11-22T10:00:00.Z", "2026-11-22T10:00:00+0100", "2026-11-22T10:00:00 UTC", "2026-11-22T1:00:00Z",
		"2026-11-22T10:00:00Z ", "+2026-11-22", "2026-1-22", "yesterday", "1700000000",
	} {
		if got, ok := parseTimeText([]byte(in)); ok {
			t.Errorf("parseTimeText(%q) = %d; want failure", in, got)
		}
	}
}

// TestParseTimeTextMatchesTime checks the fast parser against package time
// over a spread of instants.
func TestParseTimeTextMatchesTime(t *testing.T) {
	for s := int64(-5e10); s < 5e10; s += 7777777 {
		tm := time.Unix(s, (s%1000)*1e6).UTC()
		text := tm.Format("2006-01-02T15:04:05.000Z07:00")
		got, ok := parseTimeText([]byte(text))
		if !ok || got != tm.UnixMilli() {
			t.Fatalf("parseTimeText(%q) = %d, %v; want %d", text, got, ok, tm.UnixMilli())
		}
	}
}

func TestEpochMillis(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"1700000000", 1700000000000, true},
		{"-1700000000", -1700000000000, true},
		{"99999999999", 99999999999000, true},
		{"100000000000", 100000000000, true},
		{"1700000000123", 1700000000123, true},
		{"1700000000.5", 1700000000500, true},
		{"1700000000.0004", 1700000000000, true},
		{"1.7e9", 1700000000000, true},
		{"1.7e12", 1700000000000, true},
		{"1700000000123.6", 1700000000124, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"1e19", 0, false},
		{"NaN", 0, false},
		{"Inf", 0, false},
		{"", 0, false},
		{"abc", 0, false},
		{"12 ", 0, false},
	}
	for _, tc := range cases {
		got, ok := epochMillis([]byte(tc.in))
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("epochMillis(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseInt(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"-0", 0, true}, {"+5", 5, true}, {"123", 123, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"-9223372036854775808", math.MinInt64, true},
		{"00000000000000000000042", 42, true},
		{"-00000000000000000009223372036854775808", math.MinInt64, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"99999999999999999999", 0, false},
		{"", 0, false}, {"-", 0, false}, {"1.0", 0, false}, {"1e3", 0, false}, {"0x1", 0, false},
	}
	for _, tc := range cases {
		got, ok := parseInt([]byte(tc.in))
		if ok != tc.ok || got != tc.want {
			t.Errorf("parseInt(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func BenchmarkParseTimeText(b *testing.B) {
	in := []byte("2026-11-22T10:00:00.123Z")
	for i := 0; i < b.N; i++ {
		if _, ok := parseTimeText(in); !ok {
			b.Fatal("bad")
		}
	}
}
