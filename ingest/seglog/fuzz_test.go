package seglog

import (
	"bytes"
	"os"
	"testing"

	"github.com/freshet/freshet/ingest"
)

// validSegment returns the bytes of a small valid segment (offsets from 1),
// its index file and the entries it holds.
func validSegment(f *testing.F) (seg, idx []byte, all []ingest.Entry) {
	dir := f.TempDir()
	l, err := Open(dir, ingest.LogOptions{})
	if err != nil {
		f.Fatal(err)
	}
	for i := 0; i < 6; i++ {
		es := entries(string(rune('a'+i)), 1+i%3, 3+20*i)
		es[0].PartitionKey = nil
		if err := l.Append(es, int64(100+i/2)); err != nil {
			f.Fatal(err)
		}
		all = append(all, es...)
	}
	if err := l.Close(); err != nil {
		f.Fatal(err)
	}
	if seg, err = os.ReadFile(segPath(dir, 1)); err != nil {
		f.Fatal(err)
	}
	if idx, err = os.ReadFile(idxPath(dir, 1)); err != nil {
		f.Fatal(err)
	}
	return seg, idx, all
}

// FuzzSegmentReader opens arbitrary bytes as the last segment of a log. Open
// must fail or recover a valid prefix, which must then read back without
// errors, seek consistently and accept appends.
func FuzzSegmentReader(f *testing.F) {
	seg, _, _ := validSegment(f)
	f.Add(seg)
	for _, n := range []int{0, 5, 8, 30, len(seg) / 2, len(seg) - 1} {
		f.Add(seg[:n])
	}
	f.Add(append(append([]byte{}, seg...), 0, 0, 0, 0, 0, 0, 0, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(segPath(dir, 1), data, 0o644); err != nil {
			t.Fatal(err)
		}
		l, err := Open(dir, ingest.LogOptions{})
		if err != nil {
			return
		}
		defer l.Close()
		var all []ingest.Entry
		for from := l.First(); from < l.Next(); {
			es, err := l.Read(from, 3, 64)
			if err != nil {
				t.Fatalf("Read(%d) of a recovered segment: %v", from, err)
			}
			if len(es) == 0 || es[0].Offset != from {
				t.Fatalf("Read(%d) returned %d entries", from, len(es))
			}
			all = append(all, es...)
			from = es[len(es)-1].Offset + 1
		}
		for i, e := range all {
			got, err := l.SeekTime(e.Arrival)
			if err != nil || got < 1 || got > e.Offset || all[got-1].Arrival < e.Arrival ||
				(got > 1 && all[got-2].Arrival >= e.Arrival) {
				t.Fatalf("SeekTime(%d) = %d, %v for entry %d", e.Arrival, got, err, i)
			}
		}
		next := l.Next()
		es := entries("new", 2, 10)
		if err := l.Append(es, 0); err != nil || es[0].Offset != next {
			t.Fatalf("Append after recovery: %v, offset %d, want %d", err, es[0].Offset, next)
		}
	})
}

// FuzzIndexFile opens a valid sealed segment with an arbitrary index file
// (its checksum fixed up, so that the content itself is exercised). Open and
// Read must not panic, and whatever Read returns without an error must be
// the segment's true entries.
func FuzzIndexFile(f *testing.F) {
	seg, idx, all := validSegment(f)
	f.Add(idx)
	f.Add(idx[:len(idx)-5])
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		data = bytes.Clone(data)
		if len(data) >= 4 {
			le.PutUint32(data[len(data)-4:], checksum(data[:len(data)-4]))
		}
		next := uint64(len(all)) + 1
		for path, b := range map[string][]byte{
			segPath(dir, 1): seg, idxPath(dir, 1): data, segPath(dir, next): nil,
		} {
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		l, err := Open(dir, ingest.LogOptions{})
		if err != nil {
			return
		}
		defer l.Close()
		if l.Next() != next {
			t.Fatalf("Next %d, want %d", l.Next(), next)
		}
		for from := uint64(1); from < next; from++ {
			es, err := l.Read(from, 4, 1<<20)
			if err != nil {
				continue
			}
			for i, e := range es {
				w := all[int(from)-1+i]
				if e.Offset != w.Offset || string(e.Data) != string(w.Data) || string(e.PartitionKey) != string(w.PartitionKey) {
					t.Fatalf("Read(%d) entry %d is offset %d, want %d", from, i, e.Offset, w.Offset)
				}
			}
		}
		for ms := int64(99); ms < 105; ms++ {
			_, _ = l.SeekTime(ms)
		}
	})
}
