package delivery

import (
	"context"
	"testing"
	"time"

	"github.com/freshet/freshet/output/miniotest"
	"github.com/freshet/freshet/output/s3store"
)

// S3 goes away while records keep coming: delivery retries with backoff,
// counts the errors, and catches up when S3 returns; nothing is lost or
// duplicated.
func TestS3UnreachableCatchesUp(t *testing.T) {
	srv := miniotest.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := srv.S3Config()
	cfg.MaxAttempts = 2
	objs, err := s3store.Open(ctx, srv.Bucket, "raw", cfg)
	if err != nil {
		t.Fatal(err)
	}
	src := newSource(t, 2, nil)
	ts := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) }
	r := newRunner(t, Config{Source: src, Objects: objs, CheckpointPath: t.TempDir() + "/cp.json",
		BufferBytes: 1 << 30, BufferInterval: 50 * time.Millisecond, PollInterval: 10 * time.Millisecond,
		RetryMin: 20 * time.Millisecond, RetryMax: 200 * time.Millisecond})
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()

	putRecords(t, src, 0, 500, ts)
	waitFor(t, "first records delivered", func() bool { return r.Stats().DeliveredRecords == 500 })

	srv.Stop()
	putRecords(t, src, 500, 1000, ts)
	waitFor(t, "upload errors while S3 is down", func() bool { return r.Stats().Errors >= 2 })
	if st := r.Stats(); st.DeliveredRecords != 500 || st.LagRecords == 0 {
		t.Fatalf("while down: %+v", st)
	}
	srv.Restart()
	waitFor(t, "catch-up", func() bool {
		st := r.Stats()
		return st.DeliveredRecords == 1500 && st.LagRecords == 0
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, objs, 1500)
	if st := r.Stats(); st.LastError == "" {
		t.Fatalf("no error recorded: %+v", st)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
