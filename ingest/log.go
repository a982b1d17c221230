package ingest

import "time"

// Entry is one record as a shard log holds it.
//
// PartitionKey and Data returned by Log.Read stay valid after later calls
// and may be kept without copying, but must not be modified (the in-memory
// log returns its own storage). With the segment log a kept entry holds its
// whole Read buffer alive, so a caller that keeps a few entries for long
// should copy them.
type Entry struct {
	Offset       uint64 // position in the shard's log; the first entry of a new log has offset 1
	Arrival      int64  // arrival time, Unix milliseconds; non-decreasing along a log
	PartitionKey []byte
	Data         []byte
}

// Log is a shard's append-only record log. Offsets are contiguous: the
// entries of a log have offsets First(), First()+1, …, Next()-1.
// Implementations are safe for concurrent use.
type Log interface {
	// Append adds entries at the end of the log, assigning their offsets
	// (contiguous, starting at Next()) and arrival times (arrival, raised to
	// the previous entry's if that is later), and writes them back into
	// entries[i].Offset and entries[i].Arrival. It returns only once the
	// entries are durable (the durable log syncs them to disk, grouping the
	// appends of concurrent callers into one sync), or with an error, in
	// which case none of them was acknowledged. Appending no entries does
	// nothing.
	Append(entries []Entry, arrival int64) error

	// Read returns entries in offset order starting at offset from (or at
	// First() if from is older than that, i.e. trimmed), at most max entries
	// and — past the first entry — at most maxBytes of partition keys and
	// data. It returns no
	// entries and no error when from >= Next().
	Read(from uint64, max, maxBytes int) ([]Entry, error)

	// SeekTime returns the offset of the first entry whose arrival time is
	// at or after ms, or Next() if there is none. It uses an index, not a
	// scan of the log.
	SeekTime(ms int64) (uint64, error)

	// First is the offset of the oldest retained entry (Next() when empty).
	First() uint64
	// Next is the offset the next appended entry will get.
	Next() uint64
	// LastArrival is the arrival time of the newest entry appended (0 when
	// the log never held one; also 0 after reopening a fully trimmed log).
	LastArrival() int64
	// Size is the number of bytes the log holds.
	Size() int64

	// Trim drops whole segments all of whose entries arrived before ms; the
	// segment being appended to is dropped too when all of its entries are
	// that old (the next append starts a new one). Trim never changes Next().
	Trim(before int64) error

	// Close releases the log's resources; the log is unusable afterwards.
	// Closing twice is harmless.
	Close() error
	// Remove closes the log and deletes what it stored.
	Remove() error
}

// LogOptions tunes a Log; the zero value gives the defaults.
type LogOptions struct {
	// SyncInterval, when positive, replaces sync-per-append with a sync at
	// most every SyncInterval: Append returns once the entries are written to
	// the operating system, and a machine crash (not a process crash) can
	// lose up to SyncInterval of acknowledged records — and the offsets (so
	// the sequence numbers) of the lost records are then given again to new
	// ones. Zero means every append is synced before it is acknowledged (the
	// default).
	SyncInterval time.Duration
	// SegmentBytes is the size at which a segment is sealed and a new one
	// started (default 64 MiB).
	SegmentBytes int64
	// SegmentAge is the age after which a non-empty segment is sealed, so
	// that retention can drop it (default 1 h).
	SegmentAge time.Duration
}
