package rules

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// durationUnits are Prometheus's duration units, longest-named first where
// one is a prefix of another ("ms" before "m").
var durationUnits = []struct {
	name string
	d    time.Duration
}{
	{"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour},
	{"d", 24 * time.Hour}, {"w", 7 * 24 * time.Hour}, {"y", 365 * 24 * time.Hour},
}

// ParseDuration reads a duration as Prometheus writes them: whole numbers
// with units y, w, d, h, m, s, ms, largest first ("1h30m", "5m", "2d"), or
// "0". Go's forms with fractions ("1.5h") are accepted too.
func ParseDuration(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if t == "0" {
		return 0, nil
	}
	if d, ok := parsePromDuration(t); ok {
		return d, nil
	}
	if d, err := time.ParseDuration(t); err == nil && d >= 0 {
		return d, nil
	}
	return 0, fmt.Errorf("bad duration %q (want e.g. 30s, 5m, 1h30m, 2d)", s)
}

func parsePromDuration(s string) (time.Duration, bool) {
	if s == "" {
		return 0, false
	}
	var total time.Duration
	last := time.Duration(1<<63 - 1)
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, false
		}
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil {
			return 0, false
		}
		s = s[i:]
		unit := time.Duration(0)
		for _, u := range durationUnits {
			if strings.HasPrefix(s, u.name) {
				unit, s = u.d, s[len(u.name):]
				break
			}
		}
		if unit == 0 || unit >= last || n > int64((1<<63-1)/unit) {
			return 0, false
		}
		last = unit
		total += time.Duration(n) * unit
	}
	return total, true
}

// FormatDuration writes d the way ParseDuration reads it ("1h30m", "2d").
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	var b strings.Builder
	for i := len(durationUnits) - 1; i >= 0; i-- {
		u := durationUnits[i]
		if u.name == "y" || u.name == "w" {
			continue
		}
		if n := d / u.d; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.name)
			d -= n * u.d
		}
	}
	if d > 0 {
		return b.String() + d.String()
	}
	return b.String()
}
