package eval

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/freshet/freshet/sql"
)

// ArrowType returns the Arrow type that holds values of the SQL type t:
// BOOLEAN is Boolean, BIGINT Int64, DOUBLE Float64, VARCHAR String (UTF-8,
// 32-bit offsets) and TIMESTAMP a millisecond Timestamp in UTC. The two
// types that only expressions have map too: the untyped NULL to Arrow's Null
// type and INTERVAL to a millisecond Duration.
func ArrowType(t sql.Type) (arrow.DataType, error) {
	switch t {
	case sql.Boolean:
		return arrow.FixedWidthTypes.Boolean, nil
	case sql.Int64:
		return arrow.PrimitiveTypes.Int64, nil
	case sql.Float64:
		return arrow.PrimitiveTypes.Float64, nil
	case sql.String:
		return arrow.BinaryTypes.String, nil
	case sql.Timestamp:
		return arrow.FixedWidthTypes.Timestamp_ms, nil
	case sql.Interval:
		return arrow.FixedWidthTypes.Duration_ms, nil
	case sql.Null:
		return arrow.Null, nil
	}
	return nil, fmt.Errorf("no Arrow type for SQL type %s", t)
}

// ArrowSchema returns the Arrow schema of rows of the SQL schema s: one
// nullable field per column, with the column's name and ArrowType.
func ArrowSchema(s sql.Schema) (*arrow.Schema, error) {
	fields := make([]arrow.Field, len(s))
	for i, c := range s {
		dt, err := ArrowType(c.Type)
		if err != nil {
			return nil, fmt.Errorf("arrow schema: column %s: %w", c.Name, err)
		}
		fields[i] = arrow.Field{Name: c.Name, Type: dt, Nullable: true}
	}
	return arrow.NewSchema(fields, nil), nil
}

// mustArrowType is ArrowType for types the compiler has already checked.
func mustArrowType(t sql.Type) arrow.DataType {
	dt, err := ArrowType(t)
	if err != nil {
		panic("eval: " + err.Error()) // the compiler only builds nodes of known types
	}
	return dt
}

// SQLType returns the SQL type whose values an Arrow type holds: the
// inverse of ArrowType.
func SQLType(dt arrow.DataType) (sql.Type, error) {
	for _, t := range []sql.Type{sql.Boolean, sql.Int64, sql.Float64, sql.String, sql.Timestamp, sql.Interval, sql.Null} {
		if arrow.TypeEqual(dt, mustArrowType(t)) {
			return t, nil
		}
	}
	return sql.Unknown, fmt.Errorf("no SQL type for Arrow type %s", dt)
}
