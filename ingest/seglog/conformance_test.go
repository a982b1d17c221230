package seglog_test

import (
	"testing"
	"time"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/logtest"
	"github.com/freshet/freshet/ingest/seglog"
)

func TestConformance(t *testing.T) {
	logtest.Run(t, func(t *testing.T, opts ingest.LogOptions) ingest.Log {
		l, err := seglog.Open(t.TempDir(), opts)
		if err != nil {
			t.Fatal(err)
		}
		return l
	})
}

func TestConformanceSyncInterval(t *testing.T) {
	logtest.Run(t, func(t *testing.T, opts ingest.LogOptions) ingest.Log {
		opts.SyncInterval = 5 * time.Millisecond
		l, err := seglog.Open(t.TempDir(), opts)
		if err != nil {
			t.Fatal(err)
		}
		return l
	})
}
