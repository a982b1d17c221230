package memlog

import (
	"sort"
	"sync"
	"time"

	"github.com/freshet/freshet/ingest"
)

// SegmentEntries is how many entries one in-memory segment holds.
const SegmentEntries = 4096

type segment struct {
	base    uint64 // offset of entries[0]
	entries []ingest.Entry
	opened  int64 // arrival of the first entry, ms
}

// Log is an in-memory ingest.Log.
type Log struct {
	mu       sync.RWMutex
	segs     []*segment
	next     uint64
	last     int64
	size     int64
	closed   bool
	segAge   int64
	segBytes int64
	curBytes int64
}

var _ ingest.Log = (*Log)(nil)

// New returns an empty log whose first entry will get offset 1. Of opts only
// SegmentBytes and SegmentAge matter (SyncInterval has nothing to sync).
func New(opts ingest.LogOptions) *Log {
	l := &Log{next: 1, segAge: int64(time.Hour / time.Millisecond), segBytes: 64 << 20}
	if opts.SegmentAge > 0 {
		l.segAge = opts.SegmentAge.Milliseconds()
	}
	if opts.SegmentBytes > 0 {
		l.segBytes = opts.SegmentBytes
	}
	return l
}

// Append implements ingest.Log. The log keeps its own copies of the keys and
// data, so the caller may reuse its buffers.
func (l *Log) Append(entries []ingest.Entry, arrival int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ingest.ErrClosed
	}
	if len(entries) == 0 {
		return nil
	}
	if arrival < l.last {
		arrival = l.last
	}
	for i := range entries {
		e := &entries[i]
		n := len(e.PartitionKey) + len(e.Data)
		buf := make([]byte, n)
		copy(buf, e.PartitionKey)
		copy(buf[len(e.PartitionKey):], e.Data)
		seg := l.active(arrival)
		e.Offset = l.next
		e.Arrival = arrival
		seg.entries = append(seg.entries, ingest.Entry{
			Offset: l.next, Arrival: arrival,
			PartitionKey: buf[:len(e.PartitionKey):len(e.PartitionKey)],
			Data:         buf[len(e.PartitionKey):],
		})
		l.next++
		l.size += int64(n)
		l.curBytes += int64(n)
	}
	l.last = arrival
	return nil
}

// active returns the segment to append to, sealing the current one when it
// is full or old.
func (l *Log) active(arrival int64) *segment {
	if n := len(l.segs); n > 0 {
		s := l.segs[n-1]
		if len(s.entries) < SegmentEntries && l.curBytes < l.segBytes && arrival-s.opened < l.segAge {
			return s
		}
	}
	s := &segment{base: l.next, opened: arrival}
	l.segs = append(l.segs, s)
	l.curBytes = 0
	return s
}

// Read implements ingest.Log.
func (l *Log) Read(from uint64, max, maxBytes int) ([]ingest.Entry, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return nil, ingest.ErrClosed
	}
	if from < l.first() {
		from = l.first()
	}
	var out []ingest.Entry
	bytes := 0
	i := sort.Search(len(l.segs), func(i int) bool { return l.segs[i].base > from }) - 1
	for ; i >= 0 && i < len(l.segs) && len(out) < max; i++ {
		s := l.segs[i]
		for j := int(from - s.base); j < len(s.entries) && len(out) < max; j++ {
			e := s.entries[j]
			n := len(e.PartitionKey) + len(e.Data)
			if len(out) > 0 && bytes+n > maxBytes {
				return out, nil
			}
			bytes += n
			out = append(out, e)
			from++
		}
	}
	return out, nil
}

// SeekTime implements ingest.Log by binary search over segments and entries.
func (l *Log) SeekTime(ms int64) (uint64, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return 0, ingest.ErrClosed
	}
	i := sort.Search(len(l.segs), func(i int) bool {
		s := l.segs[i]
		return s.entries[len(s.entries)-1].Arrival >= ms
	})
	if i == len(l.segs) {
		return l.next, nil
	}
	s := l.segs[i]
	j := sort.Search(len(s.entries), func(j int) bool { return s.entries[j].Arrival >= ms })
	return s.base + uint64(j), nil
}

func (l *Log) first() uint64 {
	if len(l.segs) == 0 {
		return l.next
	}
	return l.segs[0].base
}

// First implements ingest.Log.
func (l *Log) First() uint64 { l.mu.RLock(); defer l.mu.RUnlock(); return l.first() }

// Next implements ingest.Log.
func (l *Log) Next() uint64 { l.mu.RLock(); defer l.mu.RUnlock(); return l.next }

// LastArrival implements ingest.Log.
func (l *Log) LastArrival() int64 { l.mu.RLock(); defer l.mu.RUnlock(); return l.last }

// Size implements ingest.Log.
func (l *Log) Size() int64 { l.mu.RLock(); defer l.mu.RUnlock(); return l.size }

// Trim implements ingest.Log: it drops leading segments whose newest entry
// arrived before ms.
func (l *Log) Trim(before int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.segs) > 0 {
		s := l.segs[0]
		if s.entries[len(s.entries)-1].Arrival >= before {
			break
		}
		for _, e := range s.entries {
			l.size -= int64(len(e.PartitionKey) + len(e.Data))
		}
		l.segs[0] = nil
		l.segs = l.segs[1:]
	}
	return nil
}

// Close implements ingest.Log.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	l.segs = nil
	return nil
}

// Remove implements ingest.Log.
func (l *Log) Remove() error { return l.Close() }
