package window

import (
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"
)

// Tracker computes one query's watermark from its source partitions
// (shards).
//
// Each partition contributes the largest event time seen in it minus the
// delay. The watermark is the minimum of those over the partitions that are
// not idle. A partition is idle when no record has come from it for longer
// than the idle timeout: only records count as activity, not reads, since a
// reader polls an empty shard forever and an empty shard is exactly the one
// that must stop holding the watermark back. A partition with no record yet
// holds the watermark at math.MinInt64 until it sees one or goes idle.
//
// When every partition is idle, the watermark is the largest contribution
// of any of them, so windows still close when the whole stream goes quiet.
// The watermark never goes backwards (a partition that becomes active again
// cannot pull it back; its records behind it are late), and before any
// event it is math.MinInt64. Advance forces it forward, as at the end of a
// snapshot query's input (math.MaxInt64 closes every window).
//
// Times are Unix milliseconds; the clock (now) is passed in, so tests and
// backtests control it. A Tracker is not safe for concurrent use: the
// query's runner owns it.
type Tracker struct {
	delay int64 // milliseconds
	idle  time.Duration
	parts map[string]*partition
	wm    int64
}

type partition struct {
	max  int64     // largest event time seen, math.MinInt64 before any
	last time.Time // last record; zero means "from the next Watermark call"
}

var (
	_ encoding.BinaryMarshaler   = (*Tracker)(nil)
	_ encoding.BinaryUnmarshaler = (*Tracker)(nil)
)

// NewTracker makes a Tracker with the stream's watermark delay and idle
// timeout. An idle timeout <= 0 means partitions never go idle.
func NewTracker(delay, idleTimeout time.Duration) *Tracker {
	return &Tracker{
		delay: delay.Milliseconds(),
		idle:  idleTimeout,
		parts: make(map[string]*partition),
		wm:    math.MinInt64,
	}
}

// Add registers a partition (a shard the query starts reading, or a child
// shard after a split or merge). It holds the watermark back from the next
// Watermark call on, until it sees records or goes idle. Adding a known
// partition does nothing.
func (t *Tracker) Add(name string) {
	if _, ok := t.parts[name]; !ok {
		t.parts[name] = &partition{max: math.MinInt64}
	}
}

// Remove forgets a partition (a shard that closed and was read to its end),
// so it no longer holds the watermark back.
func (t *Tracker) Remove(name string) { delete(t.parts, name) }

// Observe records that a record with the given event time came from the
// partition at now. Calling it once per batch with the batch's largest
// event time is enough. An unknown partition is added.
func (t *Tracker) Observe(name string, eventTime int64, now time.Time) {
	p := t.parts[name]
	if p == nil {
		p = &partition{max: math.MinInt64}
		t.parts[name] = p
	}
	if eventTime > p.max {
		p.max = eventTime
	}
	p.last = now
}

// Watermark is the watermark at now (see Tracker). It never decreases.
func (t *Tracker) Watermark(now time.Time) int64 {
	low, high, active := int64(math.MaxInt64), int64(math.MinInt64), false
	for _, p := range t.parts {
		if p.last.IsZero() {
			p.last = now
		}
		v := subSat(p.max, t.delay)
		high = max(high, v)
		if t.idle > 0 && now.Sub(p.last) > t.idle {
			continue
		}
		active = true
		low = min(low, v)
	}
	wm := high // every partition idle (or none at all)
	if active {
		wm = low
	}
	if wm > t.wm {
		t.wm = wm
	}
	return t.wm
}

// Current is the last watermark computed (or forced), without a clock.
func (t *Tracker) Current() int64 { return t.wm }

// Advance forces the watermark to at least ts.
func (t *Tracker) Advance(ts int64) {
	if ts > t.wm {
		t.wm = ts
	}
}

// Partitions lists the tracked partitions, sorted.
func (t *Tracker) Partitions() []string {
	names := make([]string, 0, len(t.parts))
	for name := range t.parts {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// trackerVersion is the first byte of the binary form.
const trackerVersion = 1

// MarshalBinary encodes the state a checkpoint needs: the watermark and
// each partition's largest event time. The delay and idle timeout are
// configuration, not state; last-activity times are wall-clock and are not
// kept (after a restore every partition counts as active from the first
// Watermark call).
func (t *Tracker) MarshalBinary() ([]byte, error) {
	names := t.Partitions()
	b := make([]byte, 0, 1+2*binary.MaxVarintLen64+len(names)*(binary.MaxVarintLen64+24))
	b = append(b, trackerVersion)
	b = binary.AppendVarint(b, t.wm)
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, name := range names {
		b = binary.AppendUvarint(b, uint64(len(name)))
		b = append(b, name...)
		b = binary.AppendVarint(b, t.parts[name].max)
	}
	return b, nil
}

var errTruncated = errors.New("truncated")

// UnmarshalBinary restores what MarshalBinary wrote, replacing the
// tracker's partitions and watermark but keeping its delay and idle
// timeout.
func (t *Tracker) UnmarshalBinary(b []byte) error {
	if len(b) == 0 || b[0] != trackerVersion {
		return fmt.Errorf("restore watermark tracker: unknown format")
	}
	r := reader{b: b[1:]}
	wm := r.varint()
	n := r.uvarint()
	if r.err == nil && n > uint64(len(r.b)) {
		r.err = errTruncated // each partition takes at least two bytes
	}
	parts := make(map[string]*partition)
	for i := uint64(0); i < n && r.err == nil; i++ {
		name := r.bytes(r.uvarint())
		m := r.varint()
		parts[string(name)] = &partition{max: m}
	}
	if r.err == nil && len(r.b) != 0 {
		r.err = errors.New("trailing bytes")
	}
	if r.err != nil {
		return fmt.Errorf("restore watermark tracker: %w", r.err)
	}
	t.wm, t.parts = wm, parts
	return nil
}

// reader decodes varints, keeping the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errTruncated
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errTruncated
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bytes(n uint64) []byte {
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = errTruncated
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}
