package decode

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
)

// Format is the encoding of a stream's record blobs.
type Format int

// The formats a Decoder reads. The zero value is JSON.
const (
	JSON Format = iota // one JSON object per record
	CSV                // one RFC 4180 CSV line per record, fields in declared order
)

// ParseFormat reads a format name as CREATE STREAM … WITH (format = '…')
// spells it: "json" or "csv", in any case.
func ParseFormat(name string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "json":
		return JSON, nil
	case "csv":
		return CSV, nil
	}
	return 0, fmt.Errorf("parse format: %q is not a record format (want json or csv)", name)
}

// String is the format's name as ParseFormat reads it.
func (f Format) String() string {
	switch f {
	case JSON:
		return "json"
	case CSV:
		return "csv"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Column is one declared column of a stream. Type is one of
// arrow.FixedWidthTypes.Boolean, arrow.PrimitiveTypes.Int64,
// arrow.PrimitiveTypes.Float64, arrow.BinaryTypes.String or a millisecond
// timestamp (arrow.FixedWidthTypes.Timestamp_ms).
type Column struct {
	Name string
	Type arrow.DataType
}

// Options configure a Decoder.
type Options struct {
	// Format is the encoding of every record's Data.
	Format Format
	// Columns are the stream's declared columns, in declaration order (the
	// order of a CSV record's fields).
	Columns []Column
	// Output names the columns of the batches, in order: declared columns
	// and metadata columns (ColPartitionKey, …). Names are matched exactly,
	// then case-insensitively. Nil means every declared column followed by
	// every metadata column (Metadata's order).
	Output []string
	// EventTime names the declared column that holds a record's event time;
	// "" means the arrival time is the event time. The column may be a
	// TIMESTAMP, BIGINT, DOUBLE or VARCHAR: its value is read by the
	// TIMESTAMP rules (RFC 3339 text or epoch seconds/milliseconds) whatever
	// its declared type.
	EventTime string
}

// The metadata columns a Decoder can produce beside the declared ones.
const (
	ColPartitionKey = "_partition_key" // VARCHAR: the record's partition key
	ColShard        = "_shard"         // VARCHAR: the shard the record was read from
	ColSequence     = "_sequence"      // VARCHAR: the record's decimal sequence number
	ColArrival      = "_arrival"       // TIMESTAMP: when the store accepted the record
	ColEventTime    = "_event_time"    // TIMESTAMP: the event time (see Options.EventTime)
)

// Metadata lists the metadata columns with their types, in the order a nil
// Options.Output produces them.
func Metadata() []Column {
	return []Column{
		{Name: ColPartitionKey, Type: arrow.BinaryTypes.String},
		{Name: ColShard, Type: arrow.BinaryTypes.String},
		{Name: ColSequence, Type: arrow.BinaryTypes.String},
		{Name: ColArrival, Type: arrow.FixedWidthTypes.Timestamp_ms},
		{Name: ColEventTime, Type: arrow.FixedWidthTypes.Timestamp_ms},
	}
}

// kind is a column's value type, as the decoder handles it.
type kind uint8

const (
	kindBool kind = iota
	kindInt64
	kindFloat64
	kindString
	kindTimestamp
)

// sqlName is how error reasons name a kind.
func (k kind) sqlName() string {
	switch k {
	case kindBool:
		return "BOOLEAN"
	case kindInt64:
		return "BIGINT"
	case kindFloat64:
		return "DOUBLE"
	case kindString:
		return "VARCHAR"
	}
	return "TIMESTAMP"
}

// kindOf maps a supported Arrow type to its kind.
func kindOf(t arrow.DataType) (kind, error) {
	if t == nil {
		return 0, fmt.Errorf("no type")
	}
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
		ts := t.(*arrow.TimestampType)
		if ts.Unit != arrow.Millisecond || (ts.TimeZone != "" && ts.TimeZone != "UTC") {
			return 0, fmt.Errorf("type %s is not supported (timestamps are milliseconds, UTC)", t)
		}
		return kindTimestamp, nil
	}
	return 0, fmt.Errorf("type %s is not supported", t)
}

// metaKind identifies a metadata column; metaNone marks a declared one.
type metaKind uint8

const (
	metaNone metaKind = iota
	metaPartitionKey
	metaShard
	metaSequence
	metaArrival
	metaEventTime
)

func metaOf(name string) metaKind {
	switch strings.ToLower(name) {
	case ColPartitionKey:
		return metaPartitionKey
	case ColShard:
		return metaShard
	case ColSequence:
		return metaSequence
	case ColArrival:
		return metaArrival
	case ColEventTime:
		return metaEventTime
	}
	return metaNone
}
