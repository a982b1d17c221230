package streamstore_test

import (
	"errors"
	"testing"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/seglog"
	"github.com/freshet/freshet/ingest/storetest"
	"github.com/freshet/freshet/ingest/streamstore"
)

func TestConformanceMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, cfg storetest.Config) storetest.Harness {
		s, err := streamstore.Open(streamstore.Options{Limits: cfg.Limits, Now: cfg.Now, RetentionCheck: -1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return storetest.Harness{Store: s, EnforceRetention: s.EnforceRetention}
	})
}

// TestConformanceDurable runs the suite on segment logs in a directory, with
// small segments so that retention and rollover are exercised, and reopens
// the store on the same files where the suite asks.
func TestConformanceDurable(t *testing.T) {
	storetest.Run(t, func(t *testing.T, cfg storetest.Config) storetest.Harness {
		dir := t.TempDir()
		var open func(t *testing.T) storetest.Harness
		open = func(t *testing.T) storetest.Harness {
			s, err := streamstore.Open(streamstore.Options{
				Dir: dir, Limits: cfg.Limits, Now: cfg.Now, RetentionCheck: -1,
				Log: ingest.LogOptions{SegmentBytes: 4 << 10},
				OpenLog: func(d string, o ingest.LogOptions) (ingest.Log, error) {
					return seglog.Open(d, o)
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			closed := false
			t.Cleanup(func() {
				if !closed {
					s.Close()
				}
			})
			return storetest.Harness{
				Store: s, EnforceRetention: s.EnforceRetention,
				Reopen: func(t *testing.T) storetest.Harness {
					closed = true
					if err := s.Close(); err != nil {
						t.Fatalf("close before reopen: %v", err)
					}
					return open(t)
				},
			}
		}
		return open(t)
	})
}

// TestDirectoryLock: a second store on the same directory is refused while
// the first is open, and allowed after it closes.
func TestDirectoryLock(t *testing.T) {
	dir := t.TempDir()
	opts := streamstore.Options{Dir: dir, RetentionCheck: -1,
		OpenLog: func(d string, o ingest.LogOptions) (ingest.Log, error) { return seglog.Open(d, o) }}
	a, err := streamstore.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := streamstore.Open(opts); !errors.Is(err, streamstore.ErrLocked) {
		t.Fatalf("second open: %v", err)
	}
	a.Close()
	b, err := streamstore.Open(opts)
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	b.Close()
}
