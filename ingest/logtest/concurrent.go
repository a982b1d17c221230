package logtest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/freshet/freshet/ingest"
)

// testConcurrentAppend: appenders on many goroutines get distinct,
// contiguous offsets, in call order per goroutine, and all data reads back.
func testConcurrentAppend(t *testing.T, o Opener) {
	l := open(t, o, ingest.LogOptions{SegmentBytes: 4 * smallSegment})
	const writers, calls = 8, 40
	tags := make([]map[uint64]string, writers) // offset → tag, per writer
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		tags[w] = map[uint64]string{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var prev uint64
			for c := 0; c < calls; c++ {
				n := 1 + (w+c)%7
				es := batch(fmt.Sprintf("w%d-c%d", w, c), n, func(i int) int { return 10 + (w*c+i)%90 })
				if err := l.Append(es, int64(1000+c*10+w)); err != nil {
					t.Errorf("writer %d: Append: %v", w, err)
					return
				}
				for i, e := range es {
					if e.Offset != es[0].Offset+uint64(i) {
						t.Errorf("writer %d: offsets of one Append not contiguous: %d then %d",
							w, es[0].Offset, e.Offset)
						return
					}
					tags[w][e.Offset] = fmt.Sprintf("w%d-c%d-%d", w, c, i)
				}
				if es[0].Offset <= prev {
					t.Errorf("writer %d: offset %d after %d", w, es[0].Offset, prev)
					return
				}
				prev = es[len(es)-1].Offset
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	owner := map[uint64]string{}
	for _, m := range tags {
		for off, tag := range m {
			if other, dup := owner[off]; dup {
				t.Fatalf("offset %d given to both %s and %s", off, other, tag)
			}
			owner[off] = tag
		}
	}
	n := uint64(len(owner))
	if l.Next() != n+1 {
		t.Fatalf("Next %d after %d entries, want %d", l.Next(), n, n+1)
	}
	all := readAll(t, l, 1, 100)
	if uint64(len(all)) != n {
		t.Fatalf("read %d entries, want %d", len(all), n)
	}
	offsetsFrom(t, "readAll", all, 1)
	var last int64
	for _, e := range all {
		tag, ok := payloadTag(e.Data)
		if !ok || tag != owner[e.Offset] {
			t.Fatalf("offset %d holds %.30q, want tag %s", e.Offset, e.Data, owner[e.Offset])
		}
		if e.Arrival < last {
			t.Fatalf("offset %d arrival %d after %d", e.Offset, e.Arrival, last)
		}
		last = e.Arrival
	}
}

// testConcurrentRead: readers running beside appenders see only contiguous
// prefixes of intact, acknowledged entries.
func testConcurrentRead(t *testing.T, o Opener) {
	l := open(t, o, ingest.LogOptions{SegmentBytes: 4 * smallSegment})
	const writers, calls, readers = 4, 60, 3
	var acked atomic.Uint64 // highest offset whose Append has returned
	var done atomic.Bool
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := 0; c < calls; c++ {
				es := batch(fmt.Sprintf("w%d-c%d", w, c), 5, func(i int) int { return 30 + (c*5+i)%200 })
				if err := l.Append(es, int64(c)); err != nil {
					t.Errorf("Append: %v", err)
					return
				}
				for last := es[len(es)-1].Offset; ; {
					cur := acked.Load()
					if cur >= last || acked.CompareAndSwap(cur, last) {
						break
					}
				}
			}
		}()
	}
	var rg sync.WaitGroup
	for r := 0; r < readers; r++ {
		rg.Add(1)
		go func() {
			defer rg.Done()
			from := uint64(1)
			for {
				finished := done.Load()
				es, err := l.Read(from, 7+r*20, 1<<20)
				if err != nil {
					t.Errorf("reader %d: Read(%d): %v", r, from, err)
					return
				}
				next := l.Next()
				for i, e := range es {
					if e.Offset != from+uint64(i) {
						t.Errorf("reader %d: Read(%d) entry %d has offset %d", r, from, i, e.Offset)
						return
					}
					if e.Offset >= next {
						t.Errorf("reader %d: saw offset %d beyond Next %d", r, e.Offset, next)
						return
					}
					if _, ok := payloadTag(e.Data); !ok {
						t.Errorf("reader %d: offset %d is not intact: %.40q", r, e.Offset, e.Data)
						return
					}
				}
				from += uint64(len(es))
				if finished && len(es) == 0 {
					if from != l.Next() {
						t.Errorf("reader %d: stopped at %d, Next %d", r, from, l.Next())
					}
					return
				}
				if off, err := l.SeekTime(int64(r * 10)); err != nil || off < l.First() || off > l.Next() {
					t.Errorf("reader %d: SeekTime = %d, %v (First %d, Next %d)", r, off, err, l.First(), l.Next())
					return
				}
			}
		}()
	}
	wg.Wait()
	done.Store(true)
	rg.Wait()
	if got := l.Next() - 1; got != acked.Load() || got != writers*calls*5 {
		t.Fatalf("Next-1 = %d, highest acknowledged %d, appended %d", got, acked.Load(), writers*calls*5)
	}
}
