package sql

import "time"

// Statement is one parsed statement of a script: one of *CreateStream,
// *AlterStream, *DropStream, *ShowStreams, *ShowQueries, *ShowAlerts, *StopQuery, *Describe, *Explain,
// *Insert, *InsertSelect or *Select.
type Statement interface {
	// Source returns the statement's text and where it starts.
	Source() Span
	statement()
}

// Span is the source of a statement: its text (without the terminating
// semicolon) and the position of its first character in the script.
type Span struct {
	Text  string
	Start Pos
}

// Source returns s; statements embed a Span to implement Statement.
func (s Span) Source() Span { return s }

// CreateStream is CREATE STREAM [IF NOT EXISTS] name (col TYPE, …) WITH (…).
type CreateStream struct {
	Span
	Name        string
	IfNotExists bool
	Columns     Schema
	Options     StreamOptions
}

// Def returns the stream definition the statement creates.
func (s *CreateStream) Def() *StreamDef {
	return &StreamDef{Name: s.Name, Columns: s.Columns, Options: s.Options}
}

// StreamOptions are the WITH options of CREATE STREAM. The parser fills in
// the defaults (DefaultStreamOptions) for options that are not given.
type StreamOptions struct {
	// Shards is the number of shards (shards = 4); default 1.
	Shards int
	// Format is how records are encoded: "json" (default) or "csv".
	Format string
	// EventTime names the column holding the event time (event_time = 'ts'),
	// a TIMESTAMP or a BIGINT of epoch milliseconds; empty means the arrival
	// time is the event time.
	EventTime string
	// WatermarkDelay is how far the watermark trails the largest event time
	// seen (watermark_delay = '5s'); default 0.
	WatermarkDelay time.Duration
	// IdleTimeout is how long a shard may stay silent before it stops
	// holding the watermark back (idle_timeout = '30s'); default 30 s.
	IdleTimeout time.Duration
	// Retention is how long records are kept (retention = '24h'); default
	// 24 h, from 24 h to 8760 h.
	Retention time.Duration
	// LateStream names the stream that receives late records; empty means
	// late records are only counted.
	LateStream string
	// PartitionKey names the column whose value is the record's partition
	// key; empty means a hash of the whole row.
	PartitionKey string
	// Archive is where the lake keeps the stream (archive = 's3://lake/raw'
	// or 'file:///…'); empty means the stream is not archived.
	Archive string
	// ArchiveBufferSize and ArchiveBufferInterval are the lake's buffering
	// hints, as Firehose's: a file is written when either is reached
	// (defaults 64 MiB and 60 s).
	ArchiveBufferSize     int64
	ArchiveBufferInterval time.Duration
	// ArchiveCompression is snappy (default), zstd, gzip or none.
	ArchiveCompression string
	// ArchivePartitionBy lists columns whose values partition the lake
	// below dt=/hr= (archive_partition_by = 'country,device').
	ArchivePartitionBy []string
	// ArchiveSSE asks S3 for server-side encryption: AES256 or aws:kms
	// (with ArchiveSSEKMSKeyID).
	ArchiveSSE         string
	ArchiveSSEKMSKeyID string
}

// DefaultStreamOptions returns the options of a stream created without WITH.
func DefaultStreamOptions() StreamOptions {
	return StreamOptions{Shards: 1, Format: "json", IdleTimeout: 30 * time.Second, Retention: 24 * time.Hour,
		ArchiveBufferSize: 64 << 20, ArchiveBufferInterval: 60 * time.Second, ArchiveCompression: "snappy"}
}

// DropStream is DROP STREAM [IF EXISTS] name.
type DropStream struct {
	Span
	Name     string
	IfExists bool
}

// ShowStreams is SHOW STREAMS.
type ShowStreams struct{ Span }

// ShowQueries is SHOW QUERIES.
type ShowQueries struct{ Span }

// ShowAlerts is SHOW ALERTS: the alert-rule instances and their states.
type ShowAlerts struct{ Span }

// StopQuery is STOP QUERY id.
type StopQuery struct {
	Span
	ID string
}

// Describe is DESCRIBE name (or DESC name), or DESCRIBE of a dataset
// (s3.`bucket/prefix`, file.`/path`): then Name is its URL.
type Describe struct {
	Span
	Name    string
	Dataset bool
}

// Explain is EXPLAIN <select> or EXPLAIN INSERT INTO s <select>. Into is
// the INSERT … SELECT when one was explained, else nil; Query is the select
// in both cases.
type Explain struct {
	Span
	Query *Select
	Into  *InsertSelect
}

// Insert is INSERT INTO stream [(col, …)] VALUES (…), (…). Rows hold
// unbound expressions; PlanInsert turns them into typed values.
type Insert struct {
	Span
	Stream    string
	StreamPos Pos
	Columns   []string // empty: all columns in order
	ColumnPos []Pos    // position of each name in Columns
	Rows      [][]Expr
	RowPos    []Pos // position of each row's opening parenthesis
}

// InsertSelect is INSERT INTO stream [(col, …)] SELECT …: a persistent query.
type InsertSelect struct {
	Span
	Stream    string
	StreamPos Pos
	Columns   []string // empty: match the query's columns to the stream's by name
	ColumnPos []Pos
	Query     *Select
}

// Select is a SELECT statement before planning: our own syntax tree, with
// unbound expressions (column references by name, types Unknown).
type Select struct {
	Span
	Distinct bool
	Items    []SelectItem
	From     TableRef
	Where    Expr // nil if none
	GroupBy  []Expr
	Having   Expr // nil if none
	OrderBy  []OrderItem
	OrderPos Pos // the ORDER keyword, if any
	Limit    int // -1: none
	LimitPos Pos
	Emit     bool // EMIT CHANGES: a push query
	EmitPos  Pos
}

// SelectItem is one entry of the select list: an expression with an
// optional alias, or a star (*, or stream.*).
type SelectItem struct {
	Expr      Expr   // nil for a star
	Alias     string // "" if none
	Star      bool
	Qualifier string // stream or alias of "name.*"
	Pos       Pos
}

// TableRef is the FROM clause: a stream, or archive.<stream> for the lake's
// copy of it, with an optional alias.
type TableRef struct {
	// Stream names the stream, or for a dataset its URL.
	Stream string
	// Archive is set when the query reads the lake: archive.<stream>, or a
	// dataset.
	Archive bool
	// Dataset is set for FROM s3.`bucket/prefix` or file.`/path`: any
	// Hive-partitioned Parquet dataset, its schema taken from the files.
	Dataset bool
	Alias   string
	Pos     Pos
}

// OrderItem is one ORDER BY key.
type OrderItem struct {
	Expr Expr
	Desc bool
}

func (*CreateStream) statement() {}
func (*DropStream) statement()   {}
func (*AlterStream) statement()  {}
func (*ShowStreams) statement()  {}
func (*ShowQueries) statement()  {}
func (*ShowAlerts) statement()   {}
func (*StopQuery) statement()    {}
func (*Describe) statement()     {}
func (*Explain) statement()      {}
func (*Insert) statement()       {}
func (*InsertSelect) statement() {}
func (*Select) statement()       {}
