package seglog

import (
	"errors"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/freshet/freshet/ingest"
)

// diskFull makes writes store half their bytes and then fail with ENOSPC.
func diskFull(f *os.File, b []byte, off int64) (int, error) {
	n, _ := f.WriteAt(b[:len(b)/2], off)
	return n, syscall.ENOSPC
}

func TestWriteFailure(t *testing.T) {
	dir := t.TempDir()
	l := openT(t, dir, ingest.LogOptions{})
	all := appendN(t, l, 3, 4, 50)
	next, size := l.Next(), l.Size()

	l.writeAt = diskFull
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			es := entries("fail", 5, 50)
			err := l.Append(es, 5000)
			if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "append to segment") {
				t.Errorf("Append on a full disk: %v", err)
			}
			if es[0].Offset != 0 {
				t.Errorf("failed Append wrote offset %d back", es[0].Offset)
			}
		}()
	}
	wg.Wait()
	if l.Next() != next || l.Size() != size || l.LastArrival() != 1002 {
		t.Fatalf("after failed appends: Next %d Size %d LastArrival %d; want %d %d 1002",
			l.Next(), l.Size(), l.LastArrival(), next, size)
	}
	if got := fileSize(t, files(t, dir, segSuffix)[0]); got != size {
		t.Fatalf("segment file is %d bytes after the failed write, want %d", got, size)
	}

	// The disk has room again: appends continue where the good data ends.
	l.writeAt = (*os.File).WriteAt
	more := appendN(t, l, 2, 3, 40)
	if more[0].Offset != next {
		t.Fatalf("append after failure got offset %d, want %d", more[0].Offset, next)
	}
	all = append(all, more...)
	same(t, "after failure", readAll(t, l), all)
	crash(l)
	l = openT(t, dir, ingest.LogOptions{})
	same(t, "after failure and reopen", readAll(t, l), all)
}

func TestSyncFailure(t *testing.T) {
	dir := t.TempDir()
	l := openT(t, dir, ingest.LogOptions{})
	all := appendN(t, l, 2, 3, 50)
	next := l.Next()
	l.syncf = func(*os.File) error { return syscall.EIO }
	if err := l.Append(entries("x", 2, 10), 5000); !errors.Is(err, syscall.EIO) {
		t.Fatalf("Append with failing sync: %v", err)
	}
	// After a failed fsync the log refuses appends (the page cache can no
	// longer be trusted) but still serves what it acknowledged.
	l.syncf = datasync
	if err := l.Append(entries("y", 1, 10), 5000); err == nil || !strings.Contains(err.Error(), "failed earlier") {
		t.Fatalf("Append after a failed sync: %v", err)
	}
	if l.Next() != next {
		t.Fatalf("Next %d after failed appends, want %d", l.Next(), next)
	}
	same(t, "after failed sync", readAll(t, l), all)
	crash(l)
	l = openT(t, dir, ingest.LogOptions{})
	same(t, "after failed sync and reopen", readAll(t, l), all)
	if es := appendN(t, l, 1, 1, 5); es[0].Offset != next {
		t.Fatalf("append after reopen got offset %d, want %d", es[0].Offset, next)
	}
}

func TestClosedFile(t *testing.T) {
	dir := t.TempDir()
	l := openT(t, dir, ingest.LogOptions{})
	all := appendN(t, l, 2, 3, 50)
	next := l.Next()
	_ = l.w.seg.f.Close() // yanked from under the log
	if err := l.Append(entries("x", 2, 10), 5000); err == nil || !strings.Contains(err.Error(), "append to segment") {
		t.Fatalf("Append to a closed file: %v", err)
	}
	if l.Next() != next {
		t.Fatalf("Next %d after a failed append, want %d", l.Next(), next)
	}
	if err := l.Append(entries("y", 1, 10), 5000); err == nil {
		t.Fatal("Append succeeded on a failed log")
	}
	_ = l.Close() // reports the closed file
	l = openT(t, dir, ingest.LogOptions{})
	same(t, "after reopen", readAll(t, l), all)
}

func TestOversize(t *testing.T) {
	l := openT(t, t.TempDir(), ingest.LogOptions{})
	for name, e := range map[string]ingest.Entry{
		"key":  {PartitionKey: make([]byte, MaxKeyBytes+1)},
		"data": {PartitionKey: []byte("k"), Data: make([]byte, MaxDataBytes+1)},
	} {
		es := []ingest.Entry{{PartitionKey: []byte("ok")}, e}
		if err := l.Append(es, 1); !errors.Is(err, ingest.ErrInvalidArgument) {
			t.Errorf("oversize %s: %v", name, err)
		}
	}
	if l.Next() != 1 {
		t.Fatalf("Next %d after rejected appends", l.Next())
	}
	max := []ingest.Entry{{PartitionKey: make([]byte, MaxKeyBytes), Data: make([]byte, MaxDataBytes)}}
	if err := l.Append(max, 1); err != nil {
		t.Fatalf("largest record: %v", err)
	}
	if es, err := l.Read(1, 1, 0); err != nil || len(es) != 1 || len(es[0].Data) != MaxDataBytes {
		t.Fatalf("Read of the largest record: %d entries, %v", len(es), err)
	}
}

func TestSyncInterval(t *testing.T) {
	dir := t.TempDir()
	opts := ingest.LogOptions{SyncInterval: 10 * time.Millisecond, SegmentBytes: 8192}
	l := openT(t, dir, opts)
	all := appendN(t, l, 30, 5, 100)
	deadline := time.Now().Add(5 * time.Second)
	for {
		l.wmu.Lock()
		dirty := l.w.dirty
		l.wmu.Unlock()
		if !dirty {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the sync ticker never synced")
		}
		time.Sleep(5 * time.Millisecond)
	}
	crash(l) // a process crash loses nothing: the OS has the bytes
	l = openT(t, dir, opts)
	same(t, "after crash", readAll(t, l), all)
}

func TestSegmentAgeRollover(t *testing.T) {
	dir := t.TempDir()
	l := openT(t, dir, ingest.LogOptions{SegmentAge: time.Minute})
	for i := int64(0); i < 5; i++ {
		if err := l.Append(entries("a", 2, 10), 1_000_000+i*40_000); err != nil {
			t.Fatal(err)
		}
	}
	// Arrivals 0, 40, 80, 120, 160 s after the first: new segments at 80 and 160.
	if segs := files(t, dir, segSuffix); len(segs) != 3 {
		t.Fatalf("%d segments, want 3: %v", len(segs), segs)
	}
	if err := l.Trim(1_000_000 + 100_000); err != nil {
		t.Fatal(err)
	}
	if l.First() != 5 {
		t.Fatalf("First %d after Trim, want 5", l.First())
	}
}
