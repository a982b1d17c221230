package eval

import (
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/freshet/freshet/sql"
)

// This file holds NOW(), the extraction functions (EXTRACT, YEAR, MONTH,
// DAY, HOUR, MINUTE, SECOND) and DATE_FORMAT. Timestamps are milliseconds
// since the Unix epoch, read in UTC; dates are computed with integer
// arithmetic (civil), not through time.Time, except for ISO weeks.

const msPerDay = 86400000

// floorDiv is a / b rounded down (b > 0).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// civil returns the proleptic Gregorian date of a day number (days since
// 1970-01-01), by Howard Hinnant's days-to-civil algorithm.
func civil(days int64) (y int64, m, d int) {
	z := days + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		m = int(mp + 3)
	} else {
		m = int(mp - 9)
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

// daysFromCivil is the inverse of civil.
func daysFromCivil(y int64, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := int64(m + 9)
	if m > 2 {
		mp = int64(m - 3)
	}
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// isLeap reports whether y is a leap year.
func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// weekday returns the day of the week of a day number, 0 = Sunday.
func weekday(days int64) int { return int(((days+4)%7 + 7) % 7) }

// nowNode is NOW(): the batch's evaluation time.
type nowNode struct{}

func compileNow(c *compiler, e *sql.Call, args []node) (node, error) {
	if err := c.checkArgs(e, 0, 0, sql.Unknown); err != nil {
		return nil, err
	}
	return nowNode{}, nil
}

func (nowNode) typ() sql.Type { return sql.Timestamp }

func (nowNode) eval(b *batch) (arrow.Array, error) {
	return broadcast(b.mem, sql.Value{Type: sql.Timestamp, Int: b.now}, b.n), nil
}

// extractPart returns the function that takes the part unit of a
// timestamp in milliseconds, or nil for an unknown unit. The units of
// EXTRACT (and the functions named after them) are:
//
//	YEAR, QUARTER (1–4), MONTH (1–12), DAY (1–31), HOUR, MINUTE, SECOND
//	WEEK         the ISO 8601 week (1–53; weeks start on Monday)
//	DAYOFWEEK    1 = Sunday … 7 = Saturday, as MySQL's DAYOFWEEK
//	DAYOFYEAR    1–366
//	MILLISECOND  the milliseconds within the second (0–999)
//	EPOCH        seconds since 1970-01-01 UTC, rounded down
func extractPart(unit string) func(ms int64) int64 {
	inDay := func(ms int64) int64 { return ms - floorDiv(ms, msPerDay)*msPerDay }
	date := func(ms int64) (int64, int, int) { return civil(floorDiv(ms, msPerDay)) }
	switch unit {
	case "HOUR":
		return func(ms int64) int64 { return inDay(ms) / 3600000 }
	case "MINUTE":
		return func(ms int64) int64 { return inDay(ms) / 60000 % 60 }
	case "SECOND":
		return func(ms int64) int64 { return inDay(ms) / 1000 % 60 }
	case "MILLISECOND":
		return func(ms int64) int64 { return inDay(ms) % 1000 }
	case "EPOCH":
		return func(ms int64) int64 { return floorDiv(ms, 1000) }
	case "DAYOFWEEK":
		return func(ms int64) int64 { return int64(weekday(floorDiv(ms, msPerDay)) + 1) }
	case "WEEK":
		return func(ms int64) int64 {
			_, w := time.UnixMilli(ms).UTC().ISOWeek()
			return int64(w)
		}
	case "YEAR":
		return func(ms int64) int64 { y, _, _ := date(ms); return y }
	case "QUARTER":
		return func(ms int64) int64 { _, m, _ := date(ms); return int64((m-1)/3 + 1) }
	case "MONTH":
		return func(ms int64) int64 { _, m, _ := date(ms); return int64(m) }
	case "DAY":
		return func(ms int64) int64 { _, _, d := date(ms); return int64(d) }
	case "DAYOFYEAR":
		return func(ms int64) int64 {
			days := floorDiv(ms, msPerDay)
			y, _, _ := civil(days)
			return days - daysFromCivil(y, 1, 1) + 1
		}
	}
	return nil
}

// compileExtract compiles EXTRACT(unit FROM ts) and YEAR(ts), MONTH(ts), ….
func compileExtract(c *compiler, e *sql.Call, args []node) (node, error) {
	unit := strings.ToUpper(e.Name)
	if e.Name == "extract" {
		if err := c.checkArgs(e, 2, 2, sql.String, sql.Timestamp); err != nil {
			return nil, err
		}
		v, ok := asConst(args[0])
		if !ok || v.IsNull() {
			return nil, c.errorf(e, "the unit of EXTRACT must be a literal")
		}
		unit = strings.ToUpper(v.Str)
		args = args[1:]
	} else if err := c.checkArgs(e, 1, 1, sql.Timestamp); err != nil {
		return nil, err
	}
	part := extractPart(unit)
	if part == nil {
		return nil, c.errorf(e, "unknown unit %s", unit)
	}
	if anyNullConst(args) {
		return newConst(sql.NullOf(sql.Int64)), nil
	}
	return &funcNode{t: sql.Int64, args: args, i64: func(a *rowArgs, i int) (int64, bool) {
		return part(a.int(0, i)), true
	}}, nil
}

// compileDateFormat compiles DATE_FORMAT(ts, format) with MySQL's format
// specifiers (dateFormat); a constant format is parsed once.
func compileDateFormat(c *compiler, e *sql.Call, args []node) (node, error) {
	if err := c.checkArgs(e, 2, 2, sql.Timestamp, sql.String); err != nil {
		return nil, err
	}
	if anyNullConst(args) {
		return newConst(sql.NullOf(sql.String)), nil
	}
	if v, ok := asConst(args[1]); ok {
		f := parseDateFormat(v.Str)
		return &funcNode{t: sql.String, args: args[:1], str: func(a *rowArgs, i int, o *strOut) bool {
			f.appendTo(o, a.int(0, i))
			return true
		}}, nil
	}
	return &dateFormatNode{args: args}, nil
}

// dateFormatNode is DATE_FORMAT with a format that is not a constant: each
// row's format is parsed, unless it equals the previous row's.
type dateFormatNode struct{ args []node }

func (n *dateFormatNode) typ() sql.Type { return sql.String }

func (n *dateFormatNode) eval(b *batch) (arrow.Array, error) {
	var last []byte
	var f dateFormat
	fn := &funcNode{t: sql.String, args: n.args, str: func(a *rowArgs, i int, o *strOut) bool {
		if s := a.str(1, i); f == nil || string(s) != string(last) {
			f, last = parseDateFormat(string(s)), s
		}
		f.appendTo(o, a.int(0, i))
		return true
	}}
	return fn.eval(b)
}
