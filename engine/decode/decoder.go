package decode

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/buger/jsonparser"

	"github.com/freshet/freshet/ingest"
)

// Batch is what Decode makes of one slice of records.
type Batch struct {
	// Record holds the decoded rows, one per record that decoded, in input
	// order; nil when no record decoded. The caller owns it and must
	// Release it. It does not alias the input records' memory.
	Record arrow.Record
	// EventTimes holds each row's event time in Unix milliseconds (index i
	// is Record's row i). It is a fresh slice the caller may keep.
	EventTimes []int64
	// Errors lists the records that could not be decoded, in input order.
	Errors []RecordError
}

// RecordError is a record that could not be decoded, and why. A decoder
// never drops a record silently: every input record is either a row of the
// batch or a RecordError.
type RecordError struct {
	Seq          ingest.SequenceNumber
	Shard        string
	PartitionKey string
	Data         []byte // a copy of the record's data
	Reason       string // e.g. `field "price": "abc" is not a DOUBLE`
}

// Error describes the failure with the record's position.
func (e RecordError) Error() string {
	return fmt.Sprintf("decode record %s in %s: %s", e.Seq, e.Shard, e.Reason)
}

// tok is the syntactic kind of a field's value in a record.
type tok uint8

const (
	tokAbsent tok = iota // the record has no such field
	tokNull              // JSON null, or an empty unquoted CSV field
	tokString            // JSON string (unescaped) or CSV field
	tokNumber            // JSON number, as written
	tokBool              // JSON true or false
	tokRaw               // JSON object or array, as written
)

// field is a declared column the decoder reads: one that is output or holds
// the event time. It carries the current record's value while that record
// is decoded.
type field struct {
	name   string
	nameB  []byte
	ascii  bool
	kind   kind
	output bool // converted to its declared type and appended

	// The current record's value: the token, its text (which may point into
	// the record's data or into buf), and the converted value.
	tok   tok
	exact bool // the value came from an exactly named JSON field
	text  []byte
	buf   []byte // unescaping scratch
	fix   []byte // UTF-8 repair scratch
	i     int64  // BIGINT value, or TIMESTAMP as Unix milliseconds
	f     float64
	b     bool
}

// outCol is one column of the output batches and its builder.
type outCol struct {
	meta  metaKind
	field int // index in Decoder.fields when meta is metaNone
	kind  kind

	bools   *array.BooleanBuilder
	ints    *array.Int64Builder
	floats  *array.Float64Builder
	strs    *array.StringBuilder
	stamps  *array.TimestampBuilder
	avgData int // average string bytes per row in the last batch
}

// Decoder turns record blobs of one stream into Arrow batches. It keeps its
// Arrow builders between calls, so it is not safe for concurrent use: give
// each source reader its own. Release it when done.
type Decoder struct {
	format Format
	schema *arrow.Schema
	rb     *array.RecordBuilder
	fields []field
	out    []outCol
	// byDecl maps a declared column's position to its index in fields, or
	// -1 when the decoder does not read that column (CSV).
	byDecl     []int
	eventField int // index in fields of the event-time column, -1 for arrival

	// Per-record scratch.
	event   int64
	jsonEnd int
	jsonErr string
	onField func(key, value []byte, typ jsonparser.ValueType, offset int) error
	seqBuf  []byte
}

// New builds a Decoder for o. It checks the column types, the output names
// and the event-time column, and returns an error naming the problem.
func New(mem memory.Allocator, o Options) (*Decoder, error) {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	if o.Format != JSON && o.Format != CSV {
		return nil, fmt.Errorf("new decoder: unknown format %v", o.Format)
	}
	d := &Decoder{format: o.Format, eventField: -1}
	kinds := make([]kind, len(o.Columns))
	for i, c := range o.Columns {
		if c.Name == "" {
			return nil, fmt.Errorf("new decoder: column %d has no name", i+1)
		}
		if metaOf(c.Name) != metaNone {
			return nil, fmt.Errorf("new decoder: column name %q is reserved for record metadata", c.Name)
		}
		k, err := kindOf(c.Type)
		if err != nil {
			return nil, fmt.Errorf("new decoder: column %q: %w", c.Name, err)
		}
		kinds[i] = k
		for _, p := range o.Columns[:i] {
			if strings.EqualFold(p.Name, c.Name) {
				return nil, fmt.Errorf("new decoder: column %q is declared twice", c.Name)
			}
		}
	}

	// Declared column positions to field indexes, filled as fields are added.
	d.byDecl = make([]int, len(o.Columns))
	for i := range d.byDecl {
		d.byDecl[i] = -1
	}
	addField := func(decl int) int {
		if fi := d.byDecl[decl]; fi >= 0 {
			return fi
		}
		name := o.Columns[decl].Name
		d.fields = append(d.fields, field{name: name, nameB: []byte(name), ascii: isASCII(name), kind: kinds[decl]})
		d.byDecl[decl] = len(d.fields) - 1
		return len(d.fields) - 1
	}

	names := o.Output
	if names == nil {
		for _, c := range o.Columns {
			names = append(names, c.Name)
		}
		for _, c := range Metadata() {
			names = append(names, c.Name)
		}
	}
	var fs []arrow.Field
	for _, name := range names {
		for _, prev := range fs {
			if strings.EqualFold(prev.Name, name) {
				return nil, fmt.Errorf("new decoder: output column %q is listed twice", name)
			}
		}
		if m := metaOf(name); m != metaNone {
			c := Metadata()[m-1]
			k, _ := kindOf(c.Type)
			d.out = append(d.out, outCol{meta: m, kind: k})
			fs = append(fs, arrow.Field{Name: c.Name, Type: c.Type, Nullable: true})
			continue
		}
		decl := lookup(o.Columns, name)
		if decl < 0 {
			return nil, fmt.Errorf("new decoder: output column %q is not a column of the stream", name)
		}
		fi := addField(decl)
		d.fields[fi].output = true
		d.out = append(d.out, outCol{field: fi, kind: kinds[decl]})
		fs = append(fs, arrow.Field{Name: o.Columns[decl].Name, Type: o.Columns[decl].Type, Nullable: true})
	}
	if o.EventTime != "" {
		decl := lookup(o.Columns, o.EventTime)
		if decl < 0 {
			return nil, fmt.Errorf("new decoder: event-time column %q is not a column of the stream", o.EventTime)
		}
		if kinds[decl] == kindBool {
			return nil, fmt.Errorf("new decoder: event-time column %q is a BOOLEAN", o.EventTime)
		}
		d.eventField = addField(decl)
	}

	d.schema = arrow.NewSchema(fs, nil)
	d.rb = array.NewRecordBuilder(mem, d.schema)
	for i := range d.out {
		c := &d.out[i]
		switch b := d.rb.Field(i).(type) {
		case *array.BooleanBuilder:
			c.bools = b
		case *array.Int64Builder:
			c.ints = b
		case *array.Float64Builder:
			c.floats = b
		case *array.StringBuilder:
			c.strs = b
		case *array.TimestampBuilder:
			c.stamps = b
		default:
			d.rb.Release()
			return nil, fmt.Errorf("new decoder: unexpected builder %T for column %q", b, fs[i].Name)
		}
	}
	d.onField = d.jsonField
	return d, nil
}

// lookup finds a declared column by name: exactly, else case-insensitively.
func lookup(cols []Column, name string) int {
	for i, c := range cols {
		if c.Name == name {
			return i
		}
	}
	for i, c := range cols {
		if strings.EqualFold(c.Name, name) {
			return i
		}
	}
	return -1
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Schema is the schema of the batches the decoder makes.
func (d *Decoder) Schema() *arrow.Schema { return d.schema }

// Release frees the decoder's builders. The decoder cannot be used after.
func (d *Decoder) Release() {
	if d.rb != nil {
		d.rb.Release()
		d.rb = nil
	}
}

var errReleased = errors.New("decode: decoder is released")

// Decode decodes recs, read from shard shardID, into one batch. Records that
// cannot be decoded become Batch.Errors; they never stop the others. The
// error result is reserved for misuse (a released decoder).
func (d *Decoder) Decode(shardID string, recs []ingest.Record) (Batch, error) {
	var out Batch
	if d.rb == nil {
		return out, errReleased
	}
	if len(recs) == 0 {
		return out, nil
	}
	d.reserve(len(recs))
	times := make([]int64, 0, len(recs))
	for i := range recs {
		r := &recs[i]
		reason := d.scan(r.Data)
		if reason == "" {
			reason = d.finish(r)
		}
		if reason != "" {
			out.Errors = append(out.Errors, RecordError{
				Seq:          r.Seq,
				Shard:        shardID,
				PartitionKey: r.PartitionKey,
				Data:         bytes.Clone(r.Data),
				Reason:       reason,
			})
			continue
		}
		d.appendRow(shardID, r)
		times = append(times, d.event)
	}
	if len(times) > 0 {
		for i := range d.out {
			if c := &d.out[i]; c.strs != nil {
				c.avgData = c.strs.DataLen() / len(times)
			}
		}
	}
	// NewRecord also resets the builders (freeing what reserve took when no
	// record decoded).
	rec := d.rb.NewRecord()
	if len(times) == 0 {
		rec.Release()
		return out, nil
	}
	if len(d.out) == 0 {
		// No columns (say, for COUNT(*)): the builders cannot know the
		// row count, so make the record by hand.
		rec.Release()
		rec = array.NewRecord(d.schema, nil, int64(len(times)))
	}
	out.Record = rec
	out.EventTimes = times
	return out, nil
}

// reserve sizes the builders for n rows, with string space by the last
// batch's average.
func (d *Decoder) reserve(n int) {
	d.rb.Reserve(n)
	for i := range d.out {
		if c := &d.out[i]; c.strs != nil && c.avgData > 0 {
			c.strs.ReserveData(c.avgData * n)
		}
	}
}

// scan reads a record's fields into d.fields, returning "" or why the record
// cannot be read.
func (d *Decoder) scan(data []byte) string {
	for i := range d.fields {
		d.fields[i].tok = tokAbsent
		d.fields[i].exact = false
	}
	if d.format == CSV {
		return d.scanCSV(data)
	}
	return d.scanJSON(data)
}

// finish converts the scanned fields and computes the event time.
func (d *Decoder) finish(r *ingest.Record) string {
	for i := range d.fields {
		f := &d.fields[i]
		if f.output {
			if reason := f.convert(); reason != "" {
				return reason
			}
		}
	}
	if d.eventField < 0 {
		d.event = r.Arrival.UnixMilli()
		return ""
	}
	f := &d.fields[d.eventField]
	switch f.tok {
	case tokAbsent:
		return fmt.Sprintf("event time field %q is missing", f.name)
	case tokNull:
		return fmt.Sprintf("event time field %q is null", f.name)
	}
	if f.output && f.kind == kindTimestamp {
		d.event = f.i
		return ""
	}
	ms, ok := f.timestamp()
	if !ok {
		return f.notA(kindTimestamp)
	}
	d.event = ms
	return ""
}

// appendRow appends the current record's values to the builders.
func (d *Decoder) appendRow(shardID string, r *ingest.Record) {
	for i := range d.out {
		c := &d.out[i]
		switch c.meta {
		case metaNone:
			f := &d.fields[c.field]
			if f.tok == tokAbsent || f.tok == tokNull {
				d.rb.Field(i).AppendNull()
				continue
			}
			switch c.kind {
			case kindBool:
				c.bools.Append(f.b)
			case kindInt64:
				c.ints.Append(f.i)
			case kindFloat64:
				c.floats.Append(f.f)
			case kindString:
				c.strs.BinaryBuilder.Append(f.text)
			case kindTimestamp:
				c.stamps.Append(arrow.Timestamp(f.i))
			}
		case metaPartitionKey:
			c.strs.Append(r.PartitionKey)
		case metaShard:
			c.strs.Append(shardID)
		case metaSequence:
			d.seqBuf = r.Seq.AppendText(d.seqBuf[:0])
			c.strs.BinaryBuilder.Append(d.seqBuf)
		case metaArrival:
			c.stamps.Append(arrow.Timestamp(r.Arrival.UnixMilli()))
		case metaEventTime:
			c.stamps.Append(arrow.Timestamp(d.event))
		}
	}
}
