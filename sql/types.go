package sql

import (
	"strconv"
	"strings"
	"time"
)

// Type is the type of a column, literal or expression.
type Type int

// The types. Boolean, Int64, Float64, String and Timestamp are column types.
// Null is the type of the untyped NULL literal before it meets another type;
// Interval is the type of INTERVAL literals (a duration in milliseconds), which
// only appear as window sizes and in timestamp arithmetic; Unknown is the type
// of an expression that is not bound yet.
const (
	Unknown Type = iota
	Null
	Boolean
	Int64
	Float64
	String
	Timestamp
	Interval
)

// String returns the SQL name of the type.
func (t Type) String() string {
	switch t {
	case Null:
		return "NULL"
	case Boolean:
		return "BOOLEAN"
	case Int64:
		return "BIGINT"
	case Float64:
		return "DOUBLE"
	case String:
		return "VARCHAR"
	case Timestamp:
		return "TIMESTAMP"
	case Interval:
		return "INTERVAL"
	}
	return "UNKNOWN"
}

// IsNumeric reports whether t is Int64 or Float64.
func (t Type) IsNumeric() bool { return t == Int64 || t == Float64 }

// IsColumnType reports whether a stream column may have type t.
func (t Type) IsColumnType() bool { return t >= Boolean && t <= Timestamp }

// typeNames maps the accepted column type names to types.
var typeNames = map[string]Type{
	"boolean": Boolean, "bool": Boolean,
	"int": Int64, "integer": Int64, "bigint": Int64, "smallint": Int64, "tinyint": Int64,
	"double": Float64, "float": Float64, "real": Float64, "decimal": Float64, "numeric": Float64,
	"varchar": String, "text": String, "char": String, "string": String,
	"timestamp": Timestamp,
}

// ParseType returns the type named name (case-insensitive): BOOLEAN/BOOL,
// INT/INTEGER/BIGINT, DOUBLE/FLOAT/REAL/DECIMAL, VARCHAR/TEXT/CHAR/STRING or
// TIMESTAMP.
func ParseType(name string) (Type, bool) {
	t, ok := typeNames[strings.ToLower(name)]
	return t, ok
}

// Column is a named, typed column. Names are lower case.
type Column struct {
	Name string
	Type Type
}

// Schema is an ordered list of columns.
type Schema []Column

// Index returns the index of the column called name (case-insensitive), or
// -1. With duplicate names the first one wins.
func (s Schema) Index(name string) int {
	for i, c := range s {
		if strings.EqualFold(c.Name, name) {
			return i
		}
	}
	return -1
}

// Names returns the column names.
func (s Schema) Names() []string {
	out := make([]string, len(s))
	for i, c := range s {
		out[i] = c.Name
	}
	return out
}

// String formats the schema as "(a BIGINT, b VARCHAR)".
func (s Schema) String() string {
	parts := make([]string, len(s))
	for i, c := range s {
		parts[i] = c.Name + " " + c.Type.String()
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// Value is a typed constant: a literal, or a value of an INSERT row.
//
// Which field holds the value depends on Type: Bool for Boolean, Int for
// Int64, Timestamp (milliseconds since the Unix epoch, UTC) and Interval
// (milliseconds), Float for Float64, Str for String. Null marks a NULL of the
// type; Type Null is the untyped NULL literal.
type Value struct {
	Type  Type
	Null  bool
	Bool  bool
	Int   int64
	Float float64
	Str   string
}

// NullOf returns a NULL of type t.
func NullOf(t Type) Value { return Value{Type: t, Null: true} }

// BoolValue returns a BOOLEAN value.
func BoolValue(b bool) Value { return Value{Type: Boolean, Bool: b} }

// IntValue returns a BIGINT value.
func IntValue(i int64) Value { return Value{Type: Int64, Int: i} }

// FloatValue returns a DOUBLE value.
func FloatValue(f float64) Value { return Value{Type: Float64, Float: f} }

// StringValue returns a VARCHAR value.
func StringValue(s string) Value { return Value{Type: String, Str: s} }

// TimestampValue returns a TIMESTAMP value, truncated to milliseconds.
func TimestampValue(t time.Time) Value { return Value{Type: Timestamp, Int: t.UnixMilli()} }

// IntervalValue returns an INTERVAL value, truncated to milliseconds.
func IntervalValue(d time.Duration) Value { return Value{Type: Interval, Int: d.Milliseconds()} }

// IsNull reports whether v is a NULL (typed or not).
func (v Value) IsNull() bool { return v.Null || v.Type == Null }

// Time returns a TIMESTAMP value as a UTC time.
func (v Value) Time() time.Time { return time.UnixMilli(v.Int).UTC() }

// Duration returns an INTERVAL value as a duration.
func (v Value) Duration() time.Duration { return time.Duration(v.Int) * time.Millisecond }

// String formats v as a SQL literal.
func (v Value) String() string {
	if v.IsNull() {
		return "NULL"
	}
	switch v.Type {
	case Boolean:
		if v.Bool {
			return "TRUE"
		}
		return "FALSE"
	case Int64:
		return strconv.FormatInt(v.Int, 10)
	case Float64:
		s := strconv.FormatFloat(v.Float, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEN") { // keep it a float literal: 1 → 1.0
			s += ".0"
		}
		return s
	case String:
		return quoteString(v.Str)
	case Timestamp:
		return "TIMESTAMP " + quoteString(v.Time().Format("2006-01-02T15:04:05.000Z"))
	case Interval:
		return formatInterval(v.Duration())
	}
	return "?"
}

// quoteString quotes s as a single-quoted SQL string.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", "''") + "'"
}

// lower normalises an identifier: identifiers are case-insensitive.
func lower(s string) string { return strings.ToLower(s) }
