package engine

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine/eval"
	"github.com/freshet/freshet/sql"
)

// buildRecord makes an Arrow record batch of rows of values (for SHOW,
// DESCRIBE and EXPLAIN results).
func buildRecord(mem memory.Allocator, cols sql.Schema, rows [][]sql.Value) (arrow.Record, error) {
	schema, err := eval.ArrowSchema(cols)
	if err != nil {
		return nil, err
	}
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for _, row := range rows {
		for i, v := range row {
			if err := appendValue(b.Field(i), v); err != nil {
				return nil, fmt.Errorf("column %s: %w", cols[i].Name, err)
			}
		}
	}
	return b.NewRecord(), nil
}

func appendValue(b array.Builder, v sql.Value) error {
	if v.IsNull() {
		b.AppendNull()
		return nil
	}
	switch bb := b.(type) {
	case *array.BooleanBuilder:
		bb.Append(v.Bool)
	case *array.Int64Builder:
		bb.Append(v.Int)
	case *array.Float64Builder:
		if v.Type == sql.Int64 {
			bb.Append(float64(v.Int))
		} else {
			bb.Append(v.Float)
		}
	case *array.StringBuilder:
		bb.Append(v.Str)
	case *array.TimestampBuilder:
		bb.Append(arrow.Timestamp(v.Int))
	default:
		return fmt.Errorf("append value: unsupported builder %T", b)
	}
	return nil
}

func str(s string) sql.Value { return sql.StringValue(s) }
func num(i int64) sql.Value  { return sql.IntValue(i) }
