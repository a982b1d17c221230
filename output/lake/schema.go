package lake

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding"

	"github.com/freshet/freshet/engine/decode"
)

// kind is how a column's Arrow values become Parquet values.
type kind int

const (
	kindBool kind = iota
	kindInt64
	kindFloat64
	kindString
	kindTimestamp
)

// column is one column of a lake file.
type column struct {
	name     string
	kind     kind
	optional bool // declared columns are optional, metadata required
}

// fileColumns lists the columns of a stream's lake files: the declared
// columns in order, then the metadata columns in decode.Metadata order.
func fileColumns(declared []decode.Column) ([]column, error) {
	var cols []column
	seen := map[string]bool{}
	add := func(c decode.Column, optional bool) error {
		k, err := kindOf(c.Type)
		if err != nil {
			return fmt.Errorf("column %s: %w", c.Name, err)
		}
		name := strings.ToLower(c.Name)
		if seen[name] {
			return fmt.Errorf("column %s: declared twice", c.Name)
		}
		seen[name] = true
		cols = append(cols, column{name: c.Name, kind: k, optional: optional})
		return nil
	}
	for _, c := range declared {
		if strings.HasPrefix(c.Name, "_") && isMetadata(c.Name) {
			return nil, fmt.Errorf("column %s: the name is taken by a metadata column", c.Name)
		}
		if err := add(c, true); err != nil {
			return nil, err
		}
	}
	for _, c := range decode.Metadata() {
		if err := add(c, false); err != nil {
			return nil, err
		}
	}
	return cols, nil
}

func isMetadata(name string) bool {
	for _, c := range decode.Metadata() {
		if strings.EqualFold(c.Name, name) {
			return true
		}
	}
	return false
}

func kindOf(t arrow.DataType) (kind, error) {
	switch t.ID() {
	case arrow.BOOL:
		return kindBool, nil
	case arrow.INT64:
		return kindInt64, nil
	case arrow.FLOAT64:
		return kindFloat64, nil
	case arrow.STRING:
		return kindString, nil
	case arrow.TIMESTAMP:
		if t.(*arrow.TimestampType).Unit != arrow.Millisecond {
			return 0, fmt.Errorf("timestamp unit %s (want ms)", t.(*arrow.TimestampType).Unit)
		}
		return kindTimestamp, nil
	}
	return 0, fmt.Errorf("type %s cannot be archived", t)
}

// parquetSchema is the Parquet schema of the columns, in their order;
// the string columns dict marks are dictionary-encoded (nil: none).
func parquetSchema(cols []column, dict []bool) *parquet.Schema {
	fields := make(orderedGroup, len(cols))
	for i, c := range cols {
		var n parquet.Node
		switch c.kind {
		case kindBool:
			n = parquet.Leaf(parquet.BooleanType)
		case kindInt64:
			n = parquet.Int(64)
		case kindFloat64:
			n = parquet.Leaf(parquet.DoubleType)
		case kindString:
			n = parquet.String()
			if dict != nil && dict[i] {
				n = parquet.Encoded(n, &parquet.RLEDictionary)
			}
		case kindTimestamp:
			n = parquet.TimestampAdjusted(parquet.Millisecond, true)
		}
		if c.optional {
			n = parquet.Optional(n)
		} else {
			n = parquet.Required(n)
		}
		fields[i] = field{Node: n, name: c.name}
	}
	return parquet.NewSchema("schema", fields)
}

// orderedGroup is a Parquet group whose fields keep the order given
// (parquet.Group sorts them by name), so files list the stream's columns in
// declaration order, as CREATE STREAM gave them.
type orderedGroup []field

type field struct {
	parquet.Node
	name string
}

func (f field) Name() string                           { return f.name }
func (f field) Value(base reflect.Value) reflect.Value { return base.FieldByName(exportName(f.name)) }

func (g orderedGroup) ID() int                     { return 0 }
func (g orderedGroup) String() string              { return "group" }
func (g orderedGroup) Type() parquet.Type          { return parquet.Group{}.Type() }
func (g orderedGroup) Optional() bool              { return false }
func (g orderedGroup) Repeated() bool              { return false }
func (g orderedGroup) Required() bool              { return true }
func (g orderedGroup) Leaf() bool                  { return false }
func (g orderedGroup) Encoding() encoding.Encoding { return nil }
func (g orderedGroup) Compression() compress.Codec { return nil }
func (g orderedGroup) Fields() []parquet.Field {
	out := make([]parquet.Field, len(g))
	for i := range g {
		out[i] = g[i]
	}
	return out
}

// GoType is a struct with one exported field per column; parquet-go only
// uses it for reflection-based reads and writes, which the lake does not do.
func (g orderedGroup) GoType() reflect.Type {
	fs := make([]reflect.StructField, len(g))
	for i, f := range g {
		fs[i] = reflect.StructField{Name: exportName(f.name) + fmt.Sprint(i), Type: f.GoType()}
	}
	return reflect.StructOf(fs)
}

func exportName(name string) string {
	var b strings.Builder
	b.WriteString("F")
	for _, r := range name {
		if r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
	}
	return b.String()
}
