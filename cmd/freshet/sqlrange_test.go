package main

import (
	"strings"
	"testing"
	"time"

	"github.com/freshet/freshet/output/lakescan"
)

// `freshet sql --from T1 --to T2` keeps a snapshot to event times in
// [T1, T2); bad bounds are usage errors.
func TestSQLCommandEventTimeRange(t *testing.T) {
	dir := t.TempDir()
	sqlc := func(args ...string) (string, string, int) {
		return runCLI(t, append([]string{"sql", "--data-dir", dir, "--format", "csv"}, args...)...)
	}
	if _, errs, code := sqlc(`CREATE STREAM orders (customer VARCHAR, amount BIGINT, ts TIMESTAMP) WITH (shards = 2, event_time = 'ts')`); code != 0 {
		t.Fatalf("create: %s", errs)
	}
	if _, errs, code := sqlc(`INSERT INTO orders VALUES ('c1', 1, '2026-11-21T23:59:59Z'), ('c1', 10, '2026-11-22T00:00:00Z'),
		('c2', 100, '2026-11-22T12:00:00Z'), ('c1', 1000, '2026-11-23T00:00:00Z')`); code != 0 {
		t.Fatalf("insert: %s", errs)
	}
	q := `SELECT COUNT(*) AS n, SUM(amount) AS total FROM orders`
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "4,1111"},
		{[]string{"--from", "2026-11-22"}, "3,1110"},
		{[]string{"--to", "2026-11-22T12:00:00Z"}, "2,11"},
		{[]string{"--from", "2026-11-22", "--to", "2026-11-23"}, "2,110"},
	} {
		out, errs, code := sqlc(append(c.args, q)...)
		if code != 0 || out != "n,total\n"+c.want+"\n" {
			t.Errorf("%v: %d %q %s", c.args, code, out, errs)
		}
	}
	if _, errs, code := sqlc("--from", "yesterday", q); code != 2 || !strings.Contains(errs, "--from") {
		t.Errorf("bad --from: %d %q", code, errs)
	}
	if _, errs, code := sqlc("--from", "2026-11-23", "--to", "2026-11-22", q); code != 2 || !strings.Contains(errs, "after --from") {
		t.Errorf("reversed range: %d %q", code, errs)
	}
}

// The archive scan's progress line shows files, bytes, rate and ETA.
func TestScanProgressLine(t *testing.T) {
	got := scanLine(lakescan.Progress{Files: 10, FilesDone: 4, Bytes: 40 << 20, BytesDone: 10 << 20}, 2*time.Second)
	for _, want := range []string{"25.0%", "files 4/10", "10.0/40.0 MiB", "5.0 MiB/s", "ETA 6s"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
}
