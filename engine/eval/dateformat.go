package eval

import (
	"strconv"
	"time"
)

// This file holds DATE_FORMAT's formats. The specifiers are MySQL's:
//
//	%a Sun…Sat          %b Jan…Dec           %c month 1…12
//	%D 1st, 2nd, …      %d day 01…31         %e day 1…31
//	%f microseconds     %H hour 00…23        %h, %I hour 01…12
//	%i minutes 00…59    %j day of year 001…  %k hour 0…23
//	%l hour 1…12        %M January…          %m month 01…12
//	%p AM or PM         %r hh:mm:ss AM       %S, %s seconds 00…59
//	%T hh:mm:ss         %U week 00…53, Sunday first
//	%u week 00…53, Monday first              %V week 01…53, Sunday first, with %X
//	%v week 01…53, Monday first, with %x     %W Sunday…Saturday
//	%w 0 = Sunday…6     %X, %x the year of %V, %v
//	%Y year             %y year, 2 digits    %% a %
//
// Any other character after % stands for itself, as in MySQL.

// dateFormat is a parsed format: literal text and specifiers.
type dateFormat []fmtPart

// fmtPart is literal text, or the specifier spec when spec is not 0.
type fmtPart struct {
	lit  string
	spec byte
}

// parseDateFormat parses a DATE_FORMAT format.
func parseDateFormat(f string) dateFormat {
	var out dateFormat
	lit := make([]byte, 0, len(f))
	flush := func() {
		if len(lit) > 0 {
			out = append(out, fmtPart{lit: string(lit)})
			lit = lit[:0]
		}
	}
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 == len(f) {
			lit = append(lit, f[i])
			continue
		}
		i++
		switch c := f[i]; c {
		case 'a', 'b', 'c', 'D', 'd', 'e', 'f', 'H', 'h', 'I', 'i', 'j', 'k', 'l', 'M', 'm', 'p',
			'r', 'S', 's', 'T', 'U', 'u', 'V', 'v', 'W', 'w', 'X', 'x', 'Y', 'y':
			flush()
			out = append(out, fmtPart{spec: c})
		default:
			lit = append(lit, c) // %% and unknown specifiers: the character
		}
	}
	flush()
	return out
}

// appendTo writes the timestamp ms (UTC) in the format.
func (f dateFormat) appendTo(o *strOut, ms int64) {
	days := floorDiv(ms, msPerDay)
	inDay := ms - days*msPerDay
	y, m, d := civil(days)
	hour, minute, sec, milli := int(inDay/3600000), int(inDay/60000%60), int(inDay/1000%60), int(inDay%1000)
	var buf [32]byte
	for _, p := range f {
		if p.spec == 0 {
			o.addString(p.lit)
			continue
		}
		b := buf[:0]
		switch p.spec {
		case 'a':
			b = append(b, time.Weekday(weekday(days)).String()[:3]...)
		case 'b':
			b = append(b, time.Month(m).String()[:3]...)
		case 'c':
			b = strconv.AppendInt(b, int64(m), 10)
		case 'D':
			b = strconv.AppendInt(b, int64(d), 10)
			b = append(b, ordinalSuffix(d)...)
		case 'd':
			b = appendPadded(b, d, 2)
		case 'e':
			b = strconv.AppendInt(b, int64(d), 10)
		case 'f':
			b = appendPadded(b, milli*1000, 6)
		case 'H':
			b = appendPadded(b, hour, 2)
		case 'h', 'I':
			b = appendPadded(b, hour12(hour), 2)
		case 'i':
			b = appendPadded(b, minute, 2)
		case 'j':
			b = appendPadded(b, int(days-daysFromCivil(y, 1, 1)+1), 3)
		case 'k':
			b = strconv.AppendInt(b, int64(hour), 10)
		case 'l':
			b = strconv.AppendInt(b, int64(hour12(hour)), 10)
		case 'M':
			b = append(b, time.Month(m).String()...)
		case 'm':
			b = appendPadded(b, m, 2)
		case 'p':
			b = append(b, ampm(hour)...)
		case 'r':
			b = appendPadded(b, hour12(hour), 2)
			b = append(b, ':')
			b = appendPadded(b, minute, 2)
			b = append(b, ':')
			b = appendPadded(b, sec, 2)
			b = append(b, ' ')
			b = append(b, ampm(hour)...)
		case 'S', 's':
			b = appendPadded(b, sec, 2)
		case 'T':
			b = appendPadded(b, hour, 2)
			b = append(b, ':')
			b = appendPadded(b, minute, 2)
			b = append(b, ':')
			b = appendPadded(b, sec, 2)
		case 'U', 'u', 'V', 'v', 'X', 'x':
			b = appendWeek(b, p.spec, y, m, d, days)
		case 'W':
			b = append(b, time.Weekday(weekday(days)).String()...)
		case 'w':
			b = strconv.AppendInt(b, int64(weekday(days)), 10)
		case 'Y':
			b = appendYear(b, y, 4)
		case 'y':
			b = appendPadded(b, int(((y%100)+100)%100), 2)
		}
		o.add(b)
	}
}

// appendYear writes a year with at least width digits (and a sign if
// negative).
func appendYear(b []byte, y int64, width int) []byte {
	if y < 0 {
		b = append(b, '-')
		y = -y
	}
	return appendPadded(b, int(y), width)
}

func hour12(h int) int {
	if h%12 == 0 {
		return 12
	}
	return h % 12
}

func ampm(h int) string {
	if h < 12 {
		return "AM"
	}
	return "PM"
}

// ordinalSuffix is the English suffix of a day of the month: st, nd, rd, th.
func ordinalSuffix(d int) string {
	if d >= 11 && d <= 13 {
		return "th"
	}
	switch d % 10 {
	case 1:
		return "st"
	case 2:
		return "nd"
	case 3:
		return "rd"
	}
	return "th"
}

// The week modes of MySQL's calc_week.
const (
	weekMondayFirst  = 1
	weekYear         = 2
	weekFirstWeekday = 4
)

// appendWeek writes %U %u %V %v (the week) or %X %x (the year of the week).
func appendWeek(b []byte, spec byte, y int64, m, d int, days int64) []byte {
	var mode int
	switch spec {
	case 'U':
		mode = weekFirstWeekday
	case 'u':
		mode = weekMondayFirst
	case 'V', 'X':
		mode = weekYear | weekFirstWeekday
	case 'v', 'x':
		mode = weekYear | weekMondayFirst
	}
	week, year := calcWeek(y, m, d, days, mode)
	if spec == 'X' || spec == 'x' {
		return appendYear(b, year, 4)
	}
	return appendPadded(b, week, 2)
}

// calcWeek is MySQL's calc_week: the week of the date y-m-d (day number
// days) and the year it belongs to, under a mode of week* flags.
func calcWeek(y int64, m, d int, days int64, mode int) (week int, year int64) {
	firstDays := daysFromCivil(y, 1, 1)
	mondayFirst := mode&weekMondayFirst != 0
	weekYearMode := mode&weekYear != 0
	firstWeekday := mode&weekFirstWeekday != 0
	// wd is the weekday of January 1st: 0 = Monday, or 0 = Sunday.
	wd := weekday(firstDays)
	if mondayFirst {
		wd = (wd + 6) % 7
	}
	year = y
	if m == 1 && d <= 7-wd {
		if !weekYearMode && (firstWeekday && wd != 0 || !firstWeekday && wd >= 4) {
			return 0, year
		}
		weekYearMode = true
		year--
		n := daysInYear(year)
		firstDays -= int64(n)
		wd = (wd + 53*7 - n) % 7
	}
	var diff int64
	if firstWeekday && wd != 0 || !firstWeekday && wd >= 4 {
		diff = days - (firstDays + int64(7-wd))
	} else {
		diff = days - (firstDays - int64(wd))
	}
	if weekYearMode && diff >= 52*7 {
		wd = (wd + daysInYear(year)) % 7
		if !firstWeekday && wd < 4 || firstWeekday && wd == 0 {
			return 1, year + 1
		}
	}
	return int(diff/7) + 1, year
}

func daysInYear(y int64) int {
	if isLeap(y) {
		return 366
	}
	return 365
}
