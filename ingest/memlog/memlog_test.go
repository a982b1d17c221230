package memlog_test

import (
	"testing"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/logtest"
	"github.com/freshet/freshet/ingest/memlog"
)

func TestConformance(t *testing.T) {
	logtest.Run(t, func(t *testing.T, opts ingest.LogOptions) ingest.Log {
		return memlog.New(opts)
	})
}
