package streamstore_test

import (
	"testing"

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
