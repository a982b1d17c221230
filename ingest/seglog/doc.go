// Package seglog is the durable ingest.Log: a shard's records in a directory
// of append-only segment files, with group commit, crash recovery and a
// sparse time index.
//
// # Files
//
// A log directory holds segment files named by the offset of their first
// entry, 20 decimal digits: 00000000000000000001.seg, then for example
// 00000000000000052311.seg. The newest is the active segment, the one
// appended to; the others are sealed. Beside a sealed segment (and beside the
// active one after a clean Close) lies its index file, same name, .idx.
//
// A segment is a sequence of frames, little-endian:
//
//	length   u32   bytes after this 8-byte header: 22 + key length + data length
//	crc      u32   CRC-32C (Castagnoli) of those bytes
//	offset   u64   the entry's offset
//	arrival  i64   arrival time, Unix milliseconds
//	keylen   u16   then the partition key (at most MaxKeyBytes)
//	datalen  u32   then the data (at most MaxDataBytes)
//
// Offsets are contiguous within a segment and across segments; arrival times
// are non-decreasing. An index file holds the segment's sparse index (see
// below) and a CRC-32C of its contents; see index.go.
//
// The directory always holds at least one segment file: when Trim drops the
// active segment it first creates an empty segment named by Next(), so the
// next offset survives a restart even when the log holds nothing, and
// offsets are never reused.
//
// # Appending: group commit
//
// Append encodes its entries into frames in the caller's goroutine (offset,
// arrival and CRC left blank), queues the request and waits. One committer
// goroutine per log takes every queued request at once, assigns offsets and
// arrival times in queue order, fills in the blanks and CRCs, copies the
// frames into one buffer, writes it with one pwrite, calls fdatasync once
// and only then wakes all the callers: concurrent appenders share a sync.
// Because the bytes are written at an explicit position, a failed write or
// sync is undone by truncating the segment back to where the group began:
// none of the group's appends is acknowledged and none of its offsets is
// used. After a failed write later appends go on; after a failed sync (when
// the kernel may have dropped the dirty pages) the log refuses appends until
// it is reopened, and keeps serving reads.
//
// A segment is sealed when it holds SegmentBytes or its first entry arrived
// SegmentAge before the entry being placed. The check is made before each
// Append's entries, so one Append never straddles two segments and a
// segment can exceed SegmentBytes by one Append. Sealing syncs the segment,
// writes its index file and creates the next segment (syncing the directory)
// before anything is written to it.
//
// With SyncInterval > 0 Append returns once its frames are written to the
// operating system, and the committer syncs every SyncInterval. A process
// crash then loses nothing (the kernel has the bytes), but a machine crash
// or power loss can lose up to SyncInterval of acknowledged entries, and
// their offsets are then given again to new entries.
//
// # Reading
//
// Readers see only acknowledged entries: each segment's published size,
// next offset and index points are advanced under the log's lock after the
// sync, and a reader never reads past the size it saw. Read locates the
// frame of its start offset (from where a recent Read stopped, or from the
// nearest index point and a walk over at most ~64 KiB of frame headers),
// then reads as much as the limits can use with one pread into one new
// buffer, verifies each frame's CRC and offset, and returns entries whose
// PartitionKey and Data are sub-slices of that buffer (capacity-limited).
// The buffer belongs to the caller: the entries stay valid after later calls
// and need no copying, and no per-entry allocation is made. A read spanning
// segments allocates one buffer per segment. A corrupt frame is an error
// naming the segment file and the offset; it never panics. maxBytes counts
// the bytes of keys and data.
//
// Segment files are reference-counted: a reader holds its segment open, so
// Trim and Close can delete or release a segment while it is being read.
//
// # The time index
//
// Each segment keeps a sparse index in memory: (offset, file position,
// arrival) of its first frame and of the first frame at least 64 KiB after
// the previous point, about 24 bytes per 64 KiB of data and the only memory
// a log's size costs. SeekTime binary-searches the segments by their newest
// arrival, then the segment's points by arrival, then walks the frame
// headers between two points; it never scans the log.
//
// # Recovery
//
// Open lists the segments and checks that their offsets join up. A sealed
// segment with a valid index file (checksum, base and size match) is trusted
// up to its last index point and only the frames after that are verified;
// without one the whole segment is verified once and the index file is
// written. Any invalid frame in a sealed segment is an error from Open that
// names the file and position: data is never dropped silently. Frames a
// trusted index vouches for are verified when they are read.
//
// The last segment is verified the same way, from its index file's last
// point if a clean Close left one, else from the start. The first invalid
// frame there (short, bad length or CRC, wrong offset, arrival going back)
// is a torn write from a crash: the segment is truncated to the frame before
// it and synced, and Next() is the last valid offset + 1. An invalid frame
// inside what a clean Close recorded as complete is corruption, not a torn
// write, and fails Open. So opening a cleanly closed log reads only the tail
// of each segment; after a crash the active segment is read in full.
//
// # Memory and files
//
// A log keeps no entries in memory: per segment an open file, the sparse
// index and a few read hints; per log the committer's write buffer (kept
// between groups only up to 1 MiB) and pools of encode and scratch buffers.
package seglog
