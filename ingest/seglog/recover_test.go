package seglog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/freshet/freshet/ingest"
)

// state is what must survive a reopen.
type state struct {
	first, next uint64
	last, size  int64
}

func stateOf(l *Log) state { return state{l.First(), l.Next(), l.LastArrival(), l.Size()} }

func TestReopen(t *testing.T) {
	for _, how := range []string{"close", "crash", "no index files", "bad index files"} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			opts := ingest.LogOptions{SegmentBytes: 16 << 10}
			l := openT(t, dir, opts)
			all := appendN(t, l, 40, 10, 100)
			before := stateOf(l)
			seek := make(map[int64]uint64)
			for ms := int64(990); ms < 1050; ms++ {
				seek[ms], _ = l.SeekTime(ms)
			}
			if how == "crash" {
				crash(l)
			} else if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			idx := files(t, dir, idxSuffix)
			if len(idx) != len(files(t, dir, segSuffix)) && how != "crash" {
				t.Fatalf("%d index files for %d segments", len(idx), len(files(t, dir, segSuffix)))
			}
			for _, p := range idx {
				switch how {
				case "no index files":
					_ = os.Remove(p)
				case "bad index files":
					flip(t, p, 30)
				}
			}
			l = openT(t, dir, opts)
			if after := stateOf(l); after != before {
				t.Fatalf("after reopen: %+v, want %+v", after, before)
			}
			same(t, "entries after reopen", readAll(t, l), all)
			for ms, want := range seek {
				if got, err := l.SeekTime(ms); err != nil || got != want {
					t.Fatalf("SeekTime(%d) after reopen = %d, %v; want %d", ms, got, err, want)
				}
			}
			more := appendN(t, l, 1, 3, 10)
			if more[0].Offset != before.next {
				t.Fatalf("append after reopen got offset %d, want %d", more[0].Offset, before.next)
			}
		})
	}
}

func TestSegmentFiles(t *testing.T) {
	dir := t.TempDir()
	l := openT(t, dir, ingest.LogOptions{SegmentBytes: 4096})
	appendN(t, l, 20, 5, 100)
	segs := files(t, dir, segSuffix)
	if len(segs) < 3 || filepath.Base(segs[0]) != "00000000000000000001.seg" {
		t.Fatalf("segment files %v", segs)
	}
	var total int64
	for _, p := range segs {
		total += fileSize(t, p)
	}
	if total != l.Size() {
		t.Fatalf("Size %d, files hold %d", l.Size(), total)
	}
}

// TestTornTail cuts, extends or corrupts the last frame of the active
// segment of a crashed log: Open keeps the intact prefix, drops the rest and
// appends continue at the right offset.
func TestTornTail(t *testing.T) {
	damage := map[string]func(t *testing.T, path string, start, end int64){
		"cut after header byte 1": cutAt(1),
		"cut after header":        cutAt(8),
		"cut in offset":           cutAt(12),
		"cut in data":             cutAt(40),
		"cut one short":           cutAt(-1),
		"flip crc":                flipAt(4),
		"flip data":               flipAt(-3),
		"flip length":             flipAt(0),
	}
	for name, fn := range damage {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			l := openT(t, dir, ingest.LogOptions{})
			all := appendN(t, l, 5, 3, 50)
			start := l.Size()
			all = append(all, appendN(t, l, 1, 1, 60)...)
			end := l.Size()
			crash(l)
			fn(t, files(t, dir, segSuffix)[0], start, end)
			l = openT(t, dir, ingest.LogOptions{})
			want := all[:len(all)-1]
			if l.Next() != uint64(len(want))+1 || l.Size() != start {
				t.Fatalf("after recovery: Next %d Size %d, want %d %d", l.Next(), l.Size(), len(want)+1, start)
			}
			if got := fileSize(t, files(t, dir, segSuffix)[0]); got != start {
				t.Fatalf("segment file is %d bytes, want it truncated to %d", got, start)
			}
			same(t, "after recovery", readAll(t, l), want)
			more := appendN(t, l, 1, 2, 10)
			if more[0].Offset != uint64(len(want))+1 {
				t.Fatalf("append after recovery got offset %d", more[0].Offset)
			}
			crash(l)
			l = openT(t, dir, ingest.LogOptions{})
			same(t, "after second reopen", readAll(t, l), append(want, more...))
		})
	}
}

func TestGarbageTail(t *testing.T) {
	for name, junk := range map[string][]byte{
		"zeros":   make([]byte, 4096),
		"ones":    []byte(strings.Repeat("\xff", 13)),
		"partial": {30, 0, 0, 0, 1, 2},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			l := openT(t, dir, ingest.LogOptions{})
			all := appendN(t, l, 4, 4, 70)
			size := l.Size()
			if err := l.Close(); err != nil { // an index covers the whole segment
				t.Fatal(err)
			}
			f, err := os.OpenFile(files(t, dir, segSuffix)[0], os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Write(junk); err != nil {
				t.Fatal(err)
			}
			_ = f.Close()
			l = openT(t, dir, ingest.LogOptions{})
			if l.Size() != size || l.Next() != uint64(len(all))+1 {
				t.Fatalf("Size %d Next %d, want %d %d", l.Size(), l.Next(), size, len(all)+1)
			}
			same(t, "after garbage tail", readAll(t, l), all)
		})
	}
}

// TestCorruptTrustedTail: a bad frame inside what the active segment's index
// says was complete at a clean Close is corruption, not a torn write.
func TestCorruptTrustedTail(t *testing.T) {
	dir := t.TempDir()
	l := openT(t, dir, ingest.LogOptions{})
	appendN(t, l, 3, 3, 50)
	size := l.Size()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	seg := files(t, dir, segSuffix)[0]
	flip(t, seg, size-2)
	if _, err := Open(dir, ingest.LogOptions{}); err == nil || !errors.Is(err, ErrCorrupt) ||
		!strings.Contains(err.Error(), filepath.Base(seg)) {
		t.Fatalf("Open with a corrupt acknowledged frame: %v", err)
	}
}

func TestCorruptSealedSegment(t *testing.T) {
	setup := func(t *testing.T, segBytes int64) (dir, seg string) {
		dir = t.TempDir()
		l := openT(t, dir, ingest.LogOptions{SegmentBytes: segBytes})
		appendN(t, l, int(4*segBytes/(20*235)), 20, 200)
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		segs := files(t, dir, segSuffix)
		if len(segs) < 3 {
			t.Fatalf("want at least 3 segments, have %d", len(segs))
		}
		return dir, segs[0]
	}
	t.Run("scanned", func(t *testing.T) {
		dir, seg := setup(t, 64<<10)
		_ = os.Remove(strings.TrimSuffix(seg, segSuffix) + idxSuffix)
		flip(t, seg, fileSize(t, seg)/2)
		_, err := Open(dir, ingest.LogOptions{})
		t.Log(err)
		if err == nil || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), seg) ||
			!strings.Contains(err.Error(), "position") {
			t.Fatalf("Open with a corrupt sealed segment: %v", err)
		}
	})
	t.Run("tail after index", func(t *testing.T) {
		dir, seg := setup(t, 64<<10)
		flip(t, seg, fileSize(t, seg)-10)
		if _, err := Open(dir, ingest.LogOptions{}); err == nil || !strings.Contains(err.Error(), seg) {
			t.Fatalf("Open with a corrupt sealed segment tail: %v", err)
		}
	})
	t.Run("trusted by index", func(t *testing.T) {
		// The index file vouches for the frames before its last point, so
		// Open does not read them; Read verifies them and reports the damage.
		dir, seg := setup(t, 256<<10)
		flip(t, seg, 1000)
		l := openT(t, dir, ingest.LogOptions{})
		_, err := l.Read(1, 100, 1<<20)
		t.Log(err)
		if err == nil || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), seg) ||
			!strings.Contains(err.Error(), "offset") {
			t.Fatalf("Read of a corrupt frame: %v", err)
		}
	})
	t.Run("gap between segments", func(t *testing.T) {
		dir, _ := setup(t, 64<<10)
		segs := files(t, dir, segSuffix)
		_ = os.Remove(segs[1])
		if _, err := Open(dir, ingest.LogOptions{}); err == nil || !strings.Contains(err.Error(), segs[2]) {
			t.Fatalf("Open with a missing segment: %v", err)
		}
	})
}

func TestTrimAllReopen(t *testing.T) {
	for _, how := range []string{"close", "crash"} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			l := openT(t, dir, ingest.LogOptions{SegmentBytes: 4096})
			appendN(t, l, 20, 5, 100)
			next := l.Next()
			if err := l.Trim(l.LastArrival() + 1); err != nil {
				t.Fatal(err)
			}
			if segs := files(t, dir, segSuffix); len(segs) != 1 || fileSize(t, segs[0]) != 0 {
				t.Fatalf("after trimming everything: segments %v", segs)
			}
			if how == "crash" {
				crash(l)
			} else if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			l = openT(t, dir, ingest.LogOptions{SegmentBytes: 4096})
			if l.First() != next || l.Next() != next {
				t.Fatalf("after reopen: First %d Next %d, want %d", l.First(), l.Next(), next)
			}
			if es := appendN(t, l, 1, 1, 10); es[0].Offset != next {
				t.Fatalf("append after reopen got offset %d, want %d", es[0].Offset, next)
			}
			if idx := files(t, dir, idxSuffix); len(idx) != 0 {
				t.Fatalf("index files of trimmed segments left: %v", idx)
			}
		})
	}
}

// cutAt truncates the file k bytes into the last frame (from its end if k
// is negative).
func cutAt(k int64) func(t *testing.T, path string, start, end int64) {
	return func(t *testing.T, path string, start, end int64) {
		pos := start + k
		if k < 0 {
			pos = end + k
		}
		if err := os.Truncate(path, pos); err != nil {
			t.Fatal(err)
		}
	}
}

// flipAt corrupts the byte k bytes into the last frame (from its end if k
// is negative).
func flipAt(k int64) func(t *testing.T, path string, start, end int64) {
	return func(t *testing.T, path string, start, end int64) {
		pos := start + k
		if k < 0 {
			pos = end + k
		}
		flip(t, path, pos)
	}
}
