package logtest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/freshet/freshet/ingest"
)

// smallSegment is the SegmentBytes that makes segments roll over every few
// KiB.
const smallSegment = 2048

// Run runs the conformance suite against the logs open returns. Each call
// of open must return a new, empty log; the suite closes it.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"Empty", testEmpty},
		{"AppendRead", testAppendRead},
		{"ArrivalMonotonic", testArrivalMonotonic},
		{"ReadLimits", testReadLimits},
		{"ReadBounds", testReadBounds},
		{"LargeRecord", testLargeRecord},
		{"Segments", testSegments},
		{"SeekTime", testSeekTime},
		{"Trim", testTrim},
		{"TrimActive", testTrimActive},
		{"SegmentAge", testSegmentAge},
		{"ConcurrentAppend", testConcurrentAppend},
		{"ConcurrentRead", testConcurrentRead},
		{"Closed", testClosed},
		{"Remove", testRemove},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

func testEmpty(t *testing.T, o Opener) {
	l := open(t, o, ingest.LogOptions{})
	if l.First() != 1 || l.Next() != 1 || l.LastArrival() != 0 || l.Size() != 0 {
		t.Fatalf("empty log: First %d Next %d LastArrival %d Size %d, want 1 1 0 0",
			l.First(), l.Next(), l.LastArrival(), l.Size())
	}
	if es, err := l.Read(1, 10, 1<<20); err != nil || len(es) != 0 {
		t.Fatalf("Read on empty log: %d entries, %v", len(es), err)
	}
	for _, ms := range []int64{0, 1, 1e12} {
		if off, err := l.SeekTime(ms); err != nil || off != 1 {
			t.Fatalf("SeekTime(%d) on empty log = %d, %v; want 1", ms, off, err)
		}
	}
	if err := l.Trim(1e12); err != nil || l.Next() != 1 {
		t.Fatalf("Trim on empty log: %v, Next %d", err, l.Next())
	}
	if err := l.Append(nil, 5); err != nil || l.Next() != 1 {
		t.Fatalf("Append(nil): %v, Next %d", err, l.Next())
	}
}

func testAppendRead(t *testing.T, o Opener) {
	l := open(t, o, ingest.LogOptions{})
	var want []ingest.Entry
	for i, n := range []int{1, 5, 20} {
		es := batch("b"+string(rune('0'+i)), n, func(j int) int { return 10 * j })
		want = append(want, mustAppend(t, l, es, int64(1000*(i+1)))...)
		for j := range es { // the log must have copied the caller's bytes
			copy(es[j].Data, strings.Repeat("X", len(es[j].Data)))
			copy(es[j].PartitionKey, strings.Repeat("Y", len(es[j].PartitionKey)))
		}
	}
	empty := ingest.Entry{PartitionKey: []byte{}, Data: []byte{}}
	want = append(want, mustAppend(t, l, []ingest.Entry{empty}, 4000)...)
	if l.First() != 1 || l.Next() != 28 || l.LastArrival() != 4000 || l.Size() <= 0 {
		t.Fatalf("First %d Next %d LastArrival %d Size %d; want 1 28 4000 >0",
			l.First(), l.Next(), l.LastArrival(), l.Size())
	}
	got, err := l.Read(1, 100, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	sameEntries(t, "Read(1)", got, want)
	part, err := l.Read(7, 3, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	sameEntries(t, "Read(7, 3)", part, want[6:9])

	// Returned entries stay valid across later appends and reads.
	mustAppend(t, l, batch("later", 50, fixed(100)), 5000)
	if _, err := l.Read(1, 100, 1<<30); err != nil {
		t.Fatal(err)
	}
	sameEntries(t, "earlier Read after more appends", got, want)
	sameEntries(t, "readAll", readAll(t, l, 1, 1000)[:len(want)], want)
}

func testArrivalMonotonic(t *testing.T, o Opener) {
	l := open(t, o, ingest.LogOptions{})
	mustAppend(t, l, batch("a", 2, fixed(5)), 1000)
	es := batch("b", 3, fixed(5))
	if err := l.Append(es, 500); err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Arrival != 1000 {
			t.Fatalf("arrival 500 after 1000 was given %d, want 1000", e.Arrival)
		}
	}
	if l.LastArrival() != 1000 {
		t.Fatalf("LastArrival %d, want 1000", l.LastArrival())
	}
	mustAppend(t, l, batch("c", 1, fixed(5)), 2000)
	all := readAll(t, l, 1, 100)
	wantArr := []int64{1000, 1000, 1000, 1000, 1000, 2000}
	if len(all) != len(wantArr) {
		t.Fatalf("%d entries, want %d", len(all), len(wantArr))
	}
	for i, e := range all {
		if e.Arrival != wantArr[i] {
			t.Fatalf("entry %d arrival %d, want %d", i, e.Arrival, wantArr[i])
		}
	}
}

func testReadLimits(t *testing.T, o Opener) {
	l := open(t, o, ingest.LogOptions{})
	// Key "k<i>" (2 bytes) + data tag "r-<i>|" (4 bytes) + 94 filler = 100 bytes.
	mustAppend(t, l, batch("r", 10, fixed(94)), 1)
	cases := []struct{ max, maxBytes, want int }{
		{3, 1 << 20, 3}, {1, 1 << 20, 1}, {100, 250, 2}, {100, 300, 3},
		{100, 299, 2}, {100, 1, 1}, {100, 0, 1}, {100, 1 << 20, 10},
	}
	for _, c := range cases {
		es, err := l.Read(1, c.max, c.maxBytes)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != c.want {
			t.Errorf("Read(1, %d, %d): %d entries, want %d", c.max, c.maxBytes, len(es), c.want)
		}
		offsetsFrom(t, "Read", es, 1)
	}
	big := mustAppend(t, l, batch("big", 1, fixed(10000)), 2)
	es, err := l.Read(big[0].Offset, 100, 100)
	if err != nil {
		t.Fatal(err)
	}
	sameEntries(t, "oversized first entry", es, big)
	es, err = l.Read(big[0].Offset-1, 100, 150)
	if err != nil || len(es) != 1 || es[0].Offset != big[0].Offset-1 {
		t.Fatalf("Read before a big entry with maxBytes 150: %d entries, %v; want 1", len(es), err)
	}
}

func testReadBounds(t *testing.T, o Opener) {
	l := open(t, o, ingest.LogOptions{})
	want := mustAppend(t, l, batch("x", 5, fixed(10)), 1)
	for _, from := range []uint64{l.Next(), l.Next() + 1, l.Next() + 1000} {
		if es, err := l.Read(from, 10, 1<<20); err != nil || len(es) != 0 {
			t.Fatalf("Read(%d) past the end: %d entries, %v", from, len(es), err)
		}
	}
	es, err := l.Read(0, 10, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	sameEntries(t, "Read(0)", es, want)
}

func testLargeRecord(t *testing.T, o Opener) {
	l := open(t, o, ingest.LogOptions{})
	key := []byte(strings.Repeat("\U0001F600", ingest.MaxPartitionKeyLen)) // 256 four-byte runes
	e := ingest.Entry{PartitionKey: key, Data: payload("large", 1<<20)}
	want := mustAppend(t, l, []ingest.Entry{e}, 1)
	want = append(want, mustAppend(t, l, batch("after", 3, fixed(10)), 2)...)
	sameEntries(t, "large record", readAll(t, l, 1, 10), want)
}

// appendSeries appends n batches of per entries, arrival start+step*i, with
// sizes varying so that frames straddle segment boundaries.
func appendSeries(t *testing.T, l ingest.Log, n, per int, start, step int64) []ingest.Entry {
	t.Helper()
	var all []ingest.Entry
	for i := 0; i < n; i++ {
		es := batch("s"+itoa(i), per, func(j int) int { return 20 + (i*7+j*13)%150 })
		all = append(all, mustAppend(t, l, es, start+step*int64(i))...)
	}
	return all
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func testSegments(t *testing.T, o Opener) {
	l := open(t, o, ingest.LogOptions{SegmentBytes: smallSegment})
	all := appendSeries(t, l, 30, 10, 1000, 10)
	for _, max := range []int{1, 7, 64, 1000} {
		sameEntries(t, "readAll", readAll(t, l, 1, max), all)
	}
	for from := uint64(1); from < l.Next(); from += 13 {
		es, err := l.Read(from, 25, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		end := min(int(from)-1+25, len(all))
		sameEntries(t, "Read", es, all[from-1:end])
	}
}

func testSeekTime(t *testing.T, o Opener) {
	l := open(t, o, ingest.LogOptions{SegmentBytes: smallSegment})
	var all []ingest.Entry
	for _, arr := range []int64{100, 200, 200, 300} {
		all = append(all, mustAppend(t, l, batch("t", 5, fixed(30)), arr)...)
	}
	all = append(all, appendSeries(t, l, 40, 6, 400, 10)...)
	next := l.Next()
	probes := []int64{-1, 0, 99, 100, 101, 150, 199, 200, 201, 299, 300, 301, 1000, 1e12}
	for _, e := range all {
		probes = append(probes, e.Arrival-1, e.Arrival, e.Arrival+1)
	}
	check := func() {
		t.Helper()
		for _, ms := range probes {
			want := max(firstAtOrAfter(all, ms, next), l.First())
			got, err := l.SeekTime(ms)
			if err != nil || got != want {
				t.Fatalf("SeekTime(%d) = %d, %v; want %d", ms, got, err, want)
			}
		}
	}
	check()
	if got, _ := l.SeekTime(100); got != 1 {
		t.Fatalf("SeekTime(first arrival) = %d, want 1", got)
	}
	if got, _ := l.SeekTime(150); got != 6 {
		t.Fatalf("SeekTime(150) = %d, want 6", got)
	}
	if got, _ := l.SeekTime(all[len(all)-1].Arrival + 1); got != next {
		t.Fatalf("SeekTime(after last) = %d, want Next %d", got, next)
	}
	if err := l.Trim(500); err != nil {
		t.Fatal(err)
	}
	check()
}

func testTrim(t *testing.T, o Opener) {
	l := open(t, o, ingest.LogOptions{SegmentBytes: smallSegment})
	all := appendSeries(t, l, 50, 4, 1000, 100)
	next, size0 := l.Next(), l.Size()
	if err := l.Trim(500); err != nil || l.First() != 1 {
		t.Fatalf("Trim before everything: %v, First %d", err, l.First())
	}
	if err := l.Trim(3000); err != nil {
		t.Fatal(err)
	}
	first, keep := l.First(), firstAtOrAfter(all, 3000, next)
	if first <= 1 || first > keep {
		t.Fatalf("after Trim(3000): First %d, want in (1, %d]", first, keep)
	}
	if l.Next() != next || l.Size() >= size0 {
		t.Fatalf("after Trim: Next %d Size %d; want %d and < %d", l.Next(), l.Size(), next, size0)
	}
	sameEntries(t, "Read(1) after Trim", readAll(t, l, 1, 37), all[first-1:])
	if off, err := l.SeekTime(0); err != nil || off != first {
		t.Fatalf("SeekTime(0) after Trim = %d, %v; want First %d", off, err, first)
	}
	if err := l.Trim(l.LastArrival() + 1); err != nil {
		t.Fatal(err)
	}
	if l.First() != next || l.Next() != next || l.Size() != 0 {
		t.Fatalf("after trimming everything: First %d Next %d Size %d; want %d %d 0",
			l.First(), l.Next(), l.Size(), next, next)
	}
	if es, err := l.Read(1, 10, 1<<20); err != nil || len(es) != 0 {
		t.Fatalf("Read after trimming everything: %d entries, %v", len(es), err)
	}
	if off, err := l.SeekTime(0); err != nil || off != next {
		t.Fatalf("SeekTime after trimming everything = %d, %v; want %d", off, err, next)
	}
	more := mustAppend(t, l, batch("more", 3, fixed(10)), 10000)
	if more[0].Offset != next || l.First() != next {
		t.Fatalf("append after trimming everything: offset %d First %d, want %d", more[0].Offset, l.First(), next)
	}
	sameEntries(t, "Read after re-append", readAll(t, l, 1, 10), more)
}

func testTrimActive(t *testing.T, o Opener) {
	l := open(t, o, ingest.LogOptions{})
	for i := int64(1); i <= 3; i++ {
		mustAppend(t, l, batch("a", 1, fixed(10)), 1000*i)
	}
	if err := l.Trim(2500); err != nil || l.First() != 1 {
		t.Fatalf("Trim(2500) with an entry at 3000: %v, First %d; want 1", err, l.First())
	}
	if err := l.Trim(3001); err != nil || l.First() != 4 || l.Next() != 4 {
		t.Fatalf("Trim(3001): %v, First %d Next %d; want 4 4", err, l.First(), l.Next())
	}
	if es := mustAppend(t, l, batch("b", 1, fixed(10)), 4000); es[0].Offset != 4 {
		t.Fatalf("append after trim got offset %d, want 4", es[0].Offset)
	}
}

func testSegmentAge(t *testing.T, o Opener) {
	l := open(t, o, ingest.LogOptions{SegmentAge: time.Second})
	for _, arr := range []int64{10_000, 10_500, 11_500, 13_000} {
		mustAppend(t, l, batch("a", 1, fixed(10)), arr)
	}
	// 11_500 is a second after the first entry, so it starts a new segment
	// and Trim(11_600) can drop the first one.
	if err := l.Trim(11_600); err != nil {
		t.Fatal(err)
	}
	if f := l.First(); f < 3 || f > 4 {
		t.Fatalf("after Trim(11_600): First %d, want 3 or 4", f)
	}
}

func testClosed(t *testing.T, o Opener) {
	l := o(t, ingest.LogOptions{})
	mustAppend(t, l, batch("a", 2, fixed(10)), 1)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := l.Append(batch("b", 1, fixed(1)), 2); !errors.Is(err, ingest.ErrClosed) {
		t.Fatalf("Append after Close: %v, want ErrClosed", err)
	}
	if _, err := l.Read(1, 10, 1<<20); !errors.Is(err, ingest.ErrClosed) {
		t.Fatalf("Read after Close: %v, want ErrClosed", err)
	}
	if _, err := l.SeekTime(0); !errors.Is(err, ingest.ErrClosed) {
		t.Fatalf("SeekTime after Close: %v, want ErrClosed", err)
	}
}

func testRemove(t *testing.T, o Opener) {
	l := o(t, ingest.LogOptions{})
	mustAppend(t, l, batch("a", 2, fixed(10)), 1)
	if err := l.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Read(1, 10, 1<<20); !errors.Is(err, ingest.ErrClosed) {
		t.Fatalf("Read after Remove: %v, want ErrClosed", err)
	}
}
