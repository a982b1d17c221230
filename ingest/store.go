package ingest

import (
	"context"
	"time"
)

// Kinesis limits, as AWS documents them. A Store enforces them.
const (
	MaxPartitionKeyLen      = 256             // Unicode characters
	DefaultMaxRecordSize    = 1 << 20         // bytes of data + partition key
	MaxRecordSizeLimit      = 10 << 20        // the largest MaxRecordSize a stream may have
	MaxPutRecordsEntries    = 500             // records per PutRecords
	MaxPutRecordsBytes      = 10 << 20        // bytes per PutRecords request
	MaxGetRecordsLimit      = 10000           // records per GetRecords
	MaxGetRecordsBytes      = 10 << 20        // bytes per GetRecords response
	DefaultRetentionHours   = 24              // a new stream's retention
	MinRetentionHours       = 24              // the shortest retention
	MaxRetentionHours       = 8760            // the longest retention (365 days)
	DefaultMaxShards        = 1000            // open shards per stream, by default
	IteratorTTL             = 5 * time.Minute // a shard iterator's lifetime
	ShardWriteBytesPerSec   = 1 << 20         // per-shard write limit, when enabled
	ShardWriteRecordsPerSec = 1000            // per-shard write limit, when enabled
	MaxTagsPerStream        = 50
)

// StreamStatus is a stream's state as DescribeStream reports it.
type StreamStatus string

// Stream states. Freshet applies changes synchronously, so a stream is ACTIVE
// whenever a call returns.
const (
	StatusCreating StreamStatus = "CREATING"
	StatusActive   StreamStatus = "ACTIVE"
	StatusUpdating StreamStatus = "UPDATING"
	StatusDeleting StreamStatus = "DELETING"
)

// CreateStreamInput describes a new stream.
type CreateStreamInput struct {
	Name           string
	ShardCount     int               // 1..the store's shard limit
	RetentionHours int               // 0 means DefaultRetentionHours
	MaxRecordSize  int               // bytes; 0 means DefaultMaxRecordSize
	Tags           map[string]string // optional
}

// Shard is one shard of a stream, open or closed.
type Shard struct {
	ID                    string
	Ordinal               uint32
	ParentShardID         string // "" for an original shard
	AdjacentParentShardID string // set for a shard made by a merge
	HashKeyRange          HashRange
	// StartingSequenceNumber is the sequence number of the shard's first
	// record (offset 1), EndingSequenceNumber that of its last once it is
	// closed ("" while open).
	StartingSequenceNumber string
	EndingSequenceNumber   string
	Closed                 bool
	CreatedAt              time.Time
}

// StreamDescription is a stream's metadata.
type StreamDescription struct {
	Name           string
	ARN            string
	Status         StreamStatus
	CreatedAt      time.Time
	RetentionHours int
	MaxRecordSize  int
	Shards         []Shard // every shard, closed ones included, by ordinal
	OpenShardCount int
	Tags           map[string]string
}

// PutEntry is one record to write.
type PutEntry struct {
	PartitionKey              string
	ExplicitHashKey           string // decimal; overrides the partition key's hash when set
	SequenceNumberForOrdering string // optional; see Store.PutRecords
	Data                      []byte
}

// PutResult is the outcome of one PutEntry. Err is nil on success; otherwise
// it is an *Error of kind ErrThrottled or an internal failure, and the other
// fields are empty.
type PutResult struct {
	ShardID        string
	SequenceNumber string
	Err            error
}

// Record is a record read back from a shard. Data must not be modified.
type Record struct {
	Seq          SequenceNumber
	PartitionKey string
	Data         []byte
	Arrival      time.Time
}

// SequenceNumber is the record's sequence number in its decimal form.
func (r *Record) SequenceNumber() string { return r.Seq.String() }

// IteratorType names where a shard iterator starts.
type IteratorType string

// The Kinesis iterator types.
const (
	TrimHorizon         IteratorType = "TRIM_HORIZON"
	Latest              IteratorType = "LATEST"
	AtSequenceNumber    IteratorType = "AT_SEQUENCE_NUMBER"
	AfterSequenceNumber IteratorType = "AFTER_SEQUENCE_NUMBER"
	AtTimestamp         IteratorType = "AT_TIMESTAMP"
)

// IteratorSpec says where in a shard to start reading.
type IteratorSpec struct {
	Type           IteratorType
	SequenceNumber string    // for AT_/AFTER_SEQUENCE_NUMBER
	Timestamp      time.Time // for AT_TIMESTAMP
}

// ChildShard is a shard created from a closed one, as GetRecords reports it
// when a reader reaches the end of a closed shard.
type ChildShard struct {
	ShardID      string
	ParentShards []string
	HashKeyRange HashRange
}

// GetRecordsResult is one page read from a shard.
type GetRecordsResult struct {
	// Stream is the stream read (GetRecords names it only in its iterator).
	Stream  string
	Records []Record
	// NextIterator continues after the last record returned; "" once the
	// shard is closed and fully read (then ChildShards lists its children).
	NextIterator string
	// NextOffset is the offset the next read starts from.
	NextOffset         uint64
	MillisBehindLatest int64
	ChildShards        []ChildShard
}

// Store is a set of streams. Implementations are safe for concurrent use.
type Store interface {
	CreateStream(ctx context.Context, in CreateStreamInput) error
	DeleteStream(ctx context.Context, name string) error
	DescribeStream(ctx context.Context, name string) (StreamDescription, error)
	// ListStreams returns the stream names in lexical order.
	ListStreams(ctx context.Context) ([]string, error)

	// PutRecords writes entries, each routed by its hash key to the open
	// shard whose range holds it, and returns one result per entry in order.
	// The call fails as a whole (error, no results) when the request is
	// invalid: no such stream, an oversize record, a bad partition key or
	// hash key. Otherwise each result carries its own success or failure
	// (throttling); a successful one is durable when PutRecords returns.
	// SequenceNumberForOrdering, when set, must be a sequence number of this
	// stream; the record's sequence number is then greater than it.
	// The store does not keep references to the entries' Data or
	// PartitionKey after PutRecords returns: callers may reuse the buffers.
	PutRecords(ctx context.Context, stream string, entries []PutEntry) ([]PutResult, error)

	// ShardIterator returns an opaque iterator for GetRecords, valid for
	// IteratorTTL.
	ShardIterator(ctx context.Context, stream, shardID string, spec IteratorSpec) (string, error)
	// ShardPosition resolves spec to the offset in a shard where reading
	// would start, for readers inside Freshet that track offsets themselves
	// (ReadShard); ShardIterator wraps the same position in a token.
	ShardPosition(ctx context.Context, stream, shardID string, spec IteratorSpec) (uint64, error)
	// GetRecords reads up to limit records at an iterator.
	GetRecords(ctx context.Context, iterator string, limit int) (GetRecordsResult, error)
	// ReadShard reads up to limit records of a shard from offset from, for
	// readers inside Freshet that track offsets themselves (no iterator, no
	// expiry). NextIterator is left empty in the result.
	ReadShard(ctx context.Context, stream, shardID string, from uint64, limit int) (GetRecordsResult, error)

	SplitShard(ctx context.Context, stream, shardID, newStartingHashKey string) error
	MergeShards(ctx context.Context, stream, shardID, adjacentShardID string) error
	// UpdateShardCount rescales a stream to target open shards of equal
	// hash-key ranges, by splits and merges (UNIFORM_SCALING).
	UpdateShardCount(ctx context.Context, stream string, target int) error

	SetRetention(ctx context.Context, stream string, hours int) error
	AddTags(ctx context.Context, stream string, tags map[string]string) error
	RemoveTags(ctx context.Context, stream string, keys []string) error

	// Limits reports the store's limits (shards per stream, write limits).
	Limits() Limits

	Close() error
}

// Limits are a store's configurable limits.
type Limits struct {
	// MaxShardsPerStream caps the open shards of one stream (default 1000).
	MaxShardsPerStream int
	// MaxStreams caps the number of streams (0: unlimited).
	MaxStreams int
	// ShardWriteLimits enables the per-shard write limits of Kinesis
	// (1 MiB/s and 1,000 records/s per shard); off by default.
	ShardWriteLimits bool
}
