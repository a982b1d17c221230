package logtest

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/freshet/freshet/ingest"
)

// Opener opens a new, empty log with the given options.
type Opener func(t *testing.T, opts ingest.LogOptions) ingest.Log

// open opens a log and closes it when the test ends.
func open(t *testing.T, o Opener, opts ingest.LogOptions) ingest.Log {
	t.Helper()
	l := o(t, opts)
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return l
}

// payload returns tag, '|' and n bytes of filler derived from tag.
func payload(tag string, n int) []byte {
	h := 0
	for i := 0; i < len(tag); i++ {
		h = h*31 + int(tag[i])
	}
	b := make([]byte, 0, len(tag)+1+n)
	b = append(b, tag...)
	b = append(b, '|')
	for i := 0; i < n; i++ {
		b = append(b, byte('a'+(i+h)%26))
	}
	return b
}

// payloadTag returns the tag of a payload if the payload is intact.
func payloadTag(data []byte) (string, bool) {
	i := bytes.IndexByte(data, '|')
	if i < 0 {
		return "", false
	}
	tag := string(data[:i])
	return tag, bytes.Equal(data, payload(tag, len(data)-i-1))
}

// batch makes n entries tagged prefix-0, prefix-1, … with keys "k<i>" and
// filler of size(i) bytes.
func batch(prefix string, n int, size func(i int) int) []ingest.Entry {
	es := make([]ingest.Entry, n)
	for i := range es {
		tag := fmt.Sprintf("%s-%d", prefix, i)
		es[i] = ingest.Entry{PartitionKey: []byte(fmt.Sprintf("k%d", i)), Data: payload(tag, size(i))}
	}
	return es
}

func fixed(n int) func(int) int { return func(int) int { return n } }

// mustAppend appends, checks the offsets and arrival written back, and
// returns copies of what was appended (for later comparison).
func mustAppend(t *testing.T, l ingest.Log, es []ingest.Entry, arrival int64) []ingest.Entry {
	t.Helper()
	next, last := l.Next(), l.LastArrival()
	if err := l.Append(es, arrival); err != nil {
		t.Fatalf("Append: %v", err)
	}
	want := max(arrival, last)
	out := make([]ingest.Entry, len(es))
	for i, e := range es {
		if e.Offset != next+uint64(i) {
			t.Fatalf("Append: entry %d got offset %d, want %d", i, e.Offset, next+uint64(i))
		}
		if e.Arrival != want {
			t.Fatalf("Append: entry %d got arrival %d, want %d", i, e.Arrival, want)
		}
		out[i] = ingest.Entry{Offset: e.Offset, Arrival: e.Arrival,
			PartitionKey: bytes.Clone(e.PartitionKey), Data: bytes.Clone(e.Data)}
	}
	return out
}

// readAll reads from offset from to Next() in reads of at most max entries.
func readAll(t *testing.T, l ingest.Log, from uint64, max int) []ingest.Entry {
	t.Helper()
	var out []ingest.Entry
	for {
		es, err := l.Read(from, max, 1<<30)
		if err != nil {
			t.Fatalf("Read(%d): %v", from, err)
		}
		if len(es) == 0 {
			return out
		}
		if len(es) > max {
			t.Fatalf("Read(%d, %d): %d entries", from, max, len(es))
		}
		out = append(out, es...)
		from = es[len(es)-1].Offset + 1
	}
}

// sameEntries fails unless got and want hold the same entries.
func sameEntries(t *testing.T, what string, got, want []ingest.Entry) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d entries, want %d", what, len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Offset != w.Offset || g.Arrival != w.Arrival ||
			!bytes.Equal(g.PartitionKey, w.PartitionKey) || !bytes.Equal(g.Data, w.Data) {
			t.Fatalf("%s: entry %d is {%d %d %q %.40q}, want {%d %d %q %.40q}", what, i,
				g.Offset, g.Arrival, g.PartitionKey, g.Data, w.Offset, w.Arrival, w.PartitionKey, w.Data)
		}
	}
}

// offsetsFrom fails unless es have the contiguous offsets from, from+1, ….
func offsetsFrom(t *testing.T, what string, es []ingest.Entry, from uint64) {
	t.Helper()
	for i, e := range es {
		if e.Offset != from+uint64(i) {
			t.Fatalf("%s: entry %d has offset %d, want %d", what, i, e.Offset, from+uint64(i))
		}
	}
}

// firstAtOrAfter is the offset of the first of all (in offset order) with
// arrival >= ms, or next.
func firstAtOrAfter(all []ingest.Entry, ms int64, next uint64) uint64 {
	for _, e := range all {
		if e.Arrival >= ms {
			return e.Offset
		}
	}
	return next
}
