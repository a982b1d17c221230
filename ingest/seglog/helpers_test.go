package seglog

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/freshet/freshet/ingest"
)

func openT(t *testing.T, dir string, opts ingest.LogOptions) *Log {
	t.Helper()
	l, err := Open(dir, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// crash abandons l as a crash would: the committer stops and the files are
// closed, with no final sync and no index file for the active segment.
func crash(l *Log) {
	l.mu.Lock()
	l.closed = true
	segs := l.segs
	l.segs = nil
	l.mu.Unlock()
	close(l.quit)
	<-l.stopped
	for _, s := range segs {
		_ = s.release()
	}
}

func entries(prefix string, n, size int) []ingest.Entry {
	es := make([]ingest.Entry, n)
	for i := range es {
		es[i] = ingest.Entry{
			PartitionKey: []byte(fmt.Sprintf("%s-key-%d", prefix, i)),
			Data:         bytes.Repeat([]byte{byte('a' + i%26)}, size),
		}
	}
	return es
}

// appendN appends n batches of per entries, arrival 1000+i, and returns
// copies of the entries as the log holds them.
func appendN(t *testing.T, l *Log, n, per, size int) []ingest.Entry {
	t.Helper()
	var all []ingest.Entry
	for i := 0; i < n; i++ {
		es := entries(fmt.Sprint(i), per, size)
		if err := l.Append(es, int64(1000+i)); err != nil {
			t.Fatalf("Append: %v", err)
		}
		for _, e := range es {
			all = append(all, ingest.Entry{Offset: e.Offset, Arrival: e.Arrival,
				PartitionKey: bytes.Clone(e.PartitionKey), Data: bytes.Clone(e.Data)})
		}
	}
	return all
}

func readAll(t *testing.T, l *Log) []ingest.Entry {
	t.Helper()
	var out []ingest.Entry
	for from := l.First(); ; {
		es, err := l.Read(from, 1000, 1<<30)
		if err != nil {
			t.Fatalf("Read(%d): %v", from, err)
		}
		if len(es) == 0 {
			return out
		}
		out = append(out, es...)
		from = es[len(es)-1].Offset + 1
	}
}

func same(t *testing.T, what string, got, want []ingest.Entry) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d entries, want %d", what, len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Offset != w.Offset || g.Arrival != w.Arrival ||
			!bytes.Equal(g.PartitionKey, w.PartitionKey) || !bytes.Equal(g.Data, w.Data) {
			t.Fatalf("%s: entry %d differs: offset %d/%d arrival %d/%d", what, i, g.Offset, w.Offset, g.Arrival, w.Arrival)
		}
	}
}

// files lists the segment (or index) files of dir, oldest first.
func files(t *testing.T, dir, suffix string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*"+suffix))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(m)
	return m
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// flip inverts the byte at pos of the file at path.
func flip(t *testing.T, path string, pos int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := []byte{0}
	if _, err := f.ReadAt(b, pos); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0xff
	if _, err := f.WriteAt(b, pos); err != nil {
		t.Fatal(err)
	}
}
