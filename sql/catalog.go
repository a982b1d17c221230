package sql

// Catalog gives the planner the streams that exist. The engine implements
// it over its persistent catalog; Streams is a simple in-memory one.
type Catalog interface {
	// Stream returns the stream called name (lower case), if it exists.
	Stream(name string) (*StreamDef, bool)
}

// DatasetCatalog is a Catalog that can also describe Parquet datasets
// (FROM s3.`bucket/prefix`, file.`/path`). The engine implements it by
// reading the dataset's files.
type DatasetCatalog interface {
	Catalog
	// Dataset describes the dataset at url (s3://… or file://…): a
	// StreamDef whose Name and Options.Archive are url and whose Dataset
	// is set.
	Dataset(url string) (*StreamDef, error)
}

// StreamDef is a stream's definition: its columns and options.
type StreamDef struct {
	Name    string
	Columns Schema
	Options StreamOptions
	// Dataset is set when the definition describes a Parquet dataset
	// rather than a stream (never stored in the catalog).
	Dataset *Dataset `json:",omitempty"`
}

// Dataset describes a Hive-partitioned Parquet dataset read as a table.
// Its definition's Columns are the files' columns followed by the
// partition columns found in the paths (key=value directories); the
// metadata columns read as NULL except _event_time, which holds the
// TimeColumn's values.
type Dataset struct {
	// URL locates the dataset: s3://bucket/prefix or file:///path.
	URL string
	// TimeColumn is the column whose values are the rows' event time (what
	// windows group by): _event_time in Freshet's own archives, else the
	// files' first TIMESTAMP column; "" when there is none, and then the
	// dataset cannot be windowed.
	TimeColumn string
	// Partitions names the partition columns, in path order.
	Partitions []string
}

// Names of the metadata columns.
const (
	ColPartitionKey = "_partition_key"
	ColShard        = "_shard"
	ColSequence     = "_sequence"
	ColArrival      = "_arrival"
	ColEventTime    = "_event_time"
)

// MetadataColumns returns the columns every stream exposes besides its own,
// after them in the scan schema and not expanded by SELECT *:
//
//	_partition_key VARCHAR    the record's partition key
//	_shard         VARCHAR    the id of the shard that holds it
//	_sequence      VARCHAR    its sequence number (a decimal string)
//	_arrival       TIMESTAMP  when the store accepted it
//	_event_time    TIMESTAMP  the value of the event-time column (as a
//	                          timestamp, also for a BIGINT column), else the
//	                          arrival time
func MetadataColumns() Schema {
	return Schema{
		{ColPartitionKey, String},
		{ColShard, String},
		{ColSequence, String},
		{ColArrival, Timestamp},
		{ColEventTime, Timestamp},
	}
}

// ScanSchema returns the schema a scan of the stream produces: the stream's
// columns, then the metadata columns.
func (d *StreamDef) ScanSchema() Schema {
	out := make(Schema, 0, len(d.Columns)+5)
	out = append(out, d.Columns...)
	return append(out, MetadataColumns()...)
}

// Streams is a Catalog held in a map from lower-case name to definition.
type Streams map[string]*StreamDef

// Stream implements Catalog.
func (s Streams) Stream(name string) (*StreamDef, bool) {
	d, ok := s[lower(name)]
	return d, ok
}

var _ Catalog = Streams(nil)
