package decode

import (
	"math"
	"strconv"
)

// parseTimeText reads a timestamp written as text and returns it as Unix
// milliseconds. It accepts RFC 3339 ("2026-11-22T10:00:00.123Z",
// "2026-11-22T10:00:00+01:00"), the same with a space or a lower-case 't'
// between date and time, without seconds ("2026-11-22T10:00"), without a
// zone (read as UTC), and a bare date ("2026-11-22", midnight UTC). Digits
// of a fraction beyond milliseconds are truncated toward the past. It does
// not allocate.
func parseTimeText(b []byte) (int64, bool) {
	// YYYY-MM-DD
	if len(b) < 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return 0, false
	}
	days := daysFromCivil(year, month, day)
	if len(b) == 10 {
		return days * msPerDay, true
	}
	// [T t space]HH:MM[:SS[.fff…]]
	if b[10] != 'T' && b[10] != 't' && b[10] != ' ' {
		return 0, false
	}
	b = b[11:]
	if len(b) < 5 || b[2] != ':' {
		return 0, false
	}
	hour, ok1 := digits(b[0:2])
	minute, ok2 := digits(b[3:5])
	if !ok1 || !ok2 || hour > 23 || minute > 59 {
		return 0, false
	}
	b = b[5:]
	var second, milli int64
	if len(b) >= 3 && b[0] == ':' {
		s, ok := digits(b[1:3])
		if !ok || s > 59 {
			return 0, false
		}
		second = s
		b = b[3:]
		if len(b) > 0 && (b[0] == '.' || b[0] == ',') {
			i := 1
			scale := int64(100)
			for i < len(b) && b[i] >= '0' && b[i] <= '9' {
				milli += int64(b[i]-'0') * scale
				scale /= 10
				i++
			}
			if i == 1 {
				return 0, false
			}
			b = b[i:]
		}
	}
	ms := ((days*24+hour)*60+minute)*60000 + second*1000 + milli
	// zone
	switch {
	case len(b) == 0:
		return ms, true
	case len(b) == 1 && (b[0] == 'Z' || b[0] == 'z'):
		return ms, true
	case len(b) == 6 && (b[0] == '+' || b[0] == '-') && b[3] == ':':
		oh, ok1 := digits(b[1:3])
		om, ok2 := digits(b[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return 0, false
		}
		off := (oh*60 + om) * 60000
		if b[0] == '+' {
			return ms - off, true
		}
		return ms + off, true
	}
	return 0, false
}

const msPerDay = 24 * 60 * 60 * 1000

// digits reads an unsigned decimal of a few digits.
func digits(b []byte) (int64, bool) {
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func daysIn(year, month int64) int64 {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the number of days from 1970-01-01 to the given
// proleptic Gregorian date (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// epochMillis turns an epoch number into Unix milliseconds: seconds when
// its magnitude is below 1e11 (until the year 5138), else milliseconds.
// Fractions are allowed and rounded to the nearest millisecond.
func epochMillis(b []byte) (int64, bool) {
	if n, ok := parseInt(b); ok {
		if n > -1e11 && n < 1e11 {
			return n * 1000, true
		}
		return n, true
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	if math.Abs(f) < 1e11 {
		f *= 1000
	}
	f = math.Round(f)
	if f < -9.2e18 || f > 9.2e18 {
		return 0, false
	}
	return int64(f), true
}

// parseInt reads an optionally signed run of decimal digits into an int64,
// failing on anything else or on overflow.
func parseInt(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 19 {
		if len(b) > 19 {
			// Leading zeros aside, this overflows; let the slow path decide.
			return parseIntSlow(b, neg)
		}
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if neg {
		if n > 1<<63 {
			return 0, false
		}
		return -int64(n), true
	}
	if n > math.MaxInt64 {
		return 0, false
	}
	return int64(n), true
}

func parseIntSlow(b []byte, neg bool) (int64, bool) {
	for len(b) > 1 && b[0] == '0' {
		b = b[1:]
	}
	if len(b) > 19 {
		return 0, false
	}
	n, ok := parseInt(b)
	if !ok {
		// -9223372036854775808 does not fit as a positive number.
		if neg && string(b) == "9223372036854775808" {
			return math.MinInt64, true
		}
		return 0, false
	}
	if neg {
		return -n, true
	}
	return n, true
}
