package sql

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// timestampLayouts are the accepted forms of a timestamp literal. A literal
// without a zone is UTC. Fractional seconds are accepted after the seconds
// by every layout that has seconds.
var timestampLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
}

// ParseTimestamp parses a timestamp literal: RFC 3339 ('2026-11-22T10:00:00Z',
// '2026-11-22T10:00:00.123+01:00'), the same with a space instead of the T,
// without a zone (UTC), or a date ('2026-11-01', midnight UTC). It returns
// milliseconds since the Unix epoch.
func ParseTimestamp(s string) (int64, error) {
	s = strings.TrimSpace(s)
	for _, layout := range timestampLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixMilli(), nil
		}
	}
	return 0, fmt.Errorf("bad timestamp %q (want RFC 3339 like '2026-11-22T10:00:00Z' or a date like '2026-11-22')", s)
}

// intervalUnits maps INTERVAL units (singular and plural) to their length.
// MONTH and YEAR are missing on purpose: they have no fixed length.
var intervalUnits = map[string]time.Duration{
	"millisecond": time.Millisecond, "milliseconds": time.Millisecond,
	"second": time.Second, "seconds": time.Second,
	"minute": time.Minute, "minutes": time.Minute,
	"hour": time.Hour, "hours": time.Hour,
	"day": 24 * time.Hour, "days": 24 * time.Hour,
	"week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
}

// intervalUnitNames lists the units for error messages.
const intervalUnitNames = "MILLISECOND, SECOND, MINUTE, HOUR, DAY, WEEK"

// makeInterval turns the quantity and unit of an INTERVAL literal into a
// duration. The quantity is a number, possibly with a fraction and a sign
// (INTERVAL 1.5 SECOND, INTERVAL '5' MINUTE).
func makeInterval(quantity, unit string) (time.Duration, error) {
	per, ok := intervalUnits[strings.ToLower(unit)]
	if !ok {
		return 0, fmt.Errorf("unsupported INTERVAL unit %s (use %s)", strings.ToUpper(unit), intervalUnitNames)
	}
	q, err := strconv.ParseFloat(strings.TrimSpace(quantity), 64)
	if err != nil || math.IsNaN(q) || math.IsInf(q, 0) {
		return 0, fmt.Errorf("bad INTERVAL quantity %q", quantity)
	}
	ms := q * float64(per/time.Millisecond)
	if math.Abs(ms) > float64(math.MaxInt64/int64(time.Millisecond)) {
		return 0, fmt.Errorf("INTERVAL %s %s is too large", quantity, strings.ToUpper(unit))
	}
	return time.Duration(math.Round(ms)) * time.Millisecond, nil
}

// ParseDuration parses a duration option value: Go's form ('500ms', '5s',
// '1m30s', '2h') plus days ('7d').
func ParseDuration(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if strings.HasSuffix(t, "d") {
		n, err := strconv.ParseFloat(strings.TrimSuffix(t, "d"), 64)
		if err == nil && n >= 0 && n < 1e6 {
			return time.Duration(n * float64(24*time.Hour)), nil
		}
	}
	d, err := time.ParseDuration(t)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q (want a number and a unit: '500ms', '5s', '1m', '2h', '7d')", s)
	}
	return d, nil
}

// formatInterval writes d as an INTERVAL literal in the largest unit that
// divides it exactly.
func formatInterval(d time.Duration) string {
	ms := d.Milliseconds()
	units := []struct {
		name string
		ms   int64
	}{{"WEEK", 7 * 86400000}, {"DAY", 86400000}, {"HOUR", 3600000}, {"MINUTE", 60000}, {"SECOND", 1000}}
	for _, u := range units {
		if ms != 0 && ms%u.ms == 0 {
			return fmt.Sprintf("INTERVAL %d %s", ms/u.ms, u.name)
		}
	}
	return fmt.Sprintf("INTERVAL %d MILLISECOND", ms)
}

// formatDuration writes an option duration the way ParseDuration reads it.
func formatDuration(d time.Duration) string {
	if d != 0 && d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return d.String()
}
