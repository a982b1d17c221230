package window

import (
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

// TestTrackerScenarios runs scripts of tracker calls; each step checks the
// watermark after it.
func TestTrackerScenarios(t *testing.T) {
	type step struct {
		op   string // observe, add, remove, advance, check
		part string
		ts   int64
		now  int // seconds after t0
		want int64
	}
	const none = math.MinInt64
	cases := []struct {
		name  string
		steps []step
	}{
		{"before any event", []step{
			{op: "check", now: 0, want: none},
			{op: "add", part: "a"},
			{op: "check", now: 0, want: none},
		}},
		{"min over partitions minus delay", []step{
			{op: "observe", part: "a", ts: 100_000, now: 0},
			{op: "observe", part: "b", ts: 50_000, now: 0},
			{op: "check", now: 1, want: 45_000},
			{op: "observe", part: "b", ts: 120_000, now: 2},
			{op: "check", now: 2, want: 95_000},
		}},
		{"a partition with no record holds it back until idle", []step{
			{op: "add", part: "empty"},
			{op: "observe", part: "a", ts: 100_000, now: 0},
			{op: "check", now: 0, want: none}, // empty's clock starts here
			{op: "check", now: 30, want: none},
			{op: "check", now: 31, want: 95_000},
		}},
		{"idle partition stops holding back, then rejoins", []step{
			{op: "observe", part: "a", ts: 100_000, now: 0},
			{op: "observe", part: "slow", ts: 10_000, now: 0},
			{op: "check", now: 0, want: 5_000},
			{op: "observe", part: "a", ts: 200_000, now: 20},
			{op: "check", now: 20, want: 5_000},
			{op: "check", now: 31, want: 195_000}, // slow idle > 30 s
			{op: "observe", part: "slow", ts: 20_000, now: 32},
			{op: "check", now: 32, want: 195_000}, // monotonic: no going back
			{op: "observe", part: "slow", ts: 300_000, now: 33},
			{op: "observe", part: "a", ts: 250_000, now: 33},
			{op: "check", now: 33, want: 245_000},
		}},
		{"all idle: max over all", []step{
			{op: "observe", part: "a", ts: 100_000, now: 0},
			{op: "observe", part: "b", ts: 70_000, now: 0},
			{op: "check", now: 10, want: 65_000},
			{op: "check", now: 31, want: 95_000},
		}},
		{"removed partition no longer counts", []step{
			{op: "observe", part: "parent", ts: 10_000, now: 0},
			{op: "observe", part: "other", ts: 100_000, now: 0},
			{op: "check", now: 0, want: 5_000},
			{op: "remove", part: "parent"},
			{op: "add", part: "child"},
			{op: "check", now: 1, want: 5_000}, // child has no record yet
			{op: "observe", part: "child", ts: 60_000, now: 2},
			{op: "check", now: 2, want: 55_000},
		}},
		{"advance forces it forward and it stays", []step{
			{op: "observe", part: "a", ts: 100_000, now: 0},
			{op: "advance", ts: math.MaxInt64},
			{op: "check", now: 1, want: math.MaxInt64},
			{op: "observe", part: "a", ts: 200_000, now: 2},
			{op: "check", now: 2, want: math.MaxInt64},
		}},
		{"advance backwards does nothing", []step{
			{op: "observe", part: "a", ts: 100_000, now: 0},
			{op: "check", now: 0, want: 95_000},
			{op: "advance", ts: 0},
			{op: "check", now: 0, want: 95_000},
		}},
		{"event time far in the past does not overflow", []step{
			{op: "observe", part: "a", ts: math.MinInt64 + 1, now: 0},
			{op: "check", now: 0, want: none},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := NewTracker(5*time.Second, 30*time.Second)
			for i, st := range tc.steps {
				switch st.op {
				case "observe":
					tr.Observe(st.part, st.ts, at(st.now))
				case "add":
					tr.Add(st.part)
				case "remove":
					tr.Remove(st.part)
				case "advance":
					tr.Advance(st.ts)
				case "check":
					if got := tr.Watermark(at(st.now)); got != st.want {
						t.Fatalf("step %d: watermark %d, want %d", i, got, st.want)
					}
					if tr.Current() != st.want {
						t.Fatalf("step %d: Current %d", i, tr.Current())
					}
				}
			}
		})
	}
}

func TestTrackerNoIdleTimeout(t *testing.T) {
	tr := NewTracker(0, 0)
	tr.Observe("a", 100, at(0))
	tr.Observe("b", 50, at(0))
	if got := tr.Watermark(at(1_000_000)); got != 50 {
		t.Fatalf("watermark %d, want 50 (never idle)", got)
	}
}

// TestTrackerMonotonic: whatever is observed, the watermark never drops.
func TestTrackerMonotonic(t *testing.T) {
	tr := NewTracker(time.Second, 5*time.Second)
	last := int64(math.MinInt64)
	for i := 0; i < 10_000; i++ {
		part := fmt.Sprint("p", i%4)
		ts := int64((i*7919)%100_000) + int64(i)*10
		now := t0.Add(time.Duration(i) * 7 * time.Millisecond)
		if i%97 == 0 {
			tr.Remove(part)
		}
		tr.Observe(part, ts, now)
		wm := tr.Watermark(now)
		if wm < last {
			t.Fatalf("step %d: watermark went back from %d to %d", i, last, wm)
		}
		last = wm
	}
}

func TestTrackerMarshal(t *testing.T) {
	tr := NewTracker(5*time.Second, 30*time.Second)
	tr.Observe("shardId-000000000000", 100_000, at(0))
	tr.Observe("shardId-000000000001", 80_000, at(0))
	tr.Add("shardId-000000000002")
	tr.Observe("shardId-000000000001", 90_000, at(0))
	tr.Watermark(at(0))        // shard 2's idle clock starts
	wm := tr.Watermark(at(40)) // all idle: the largest, 95_000
	if wm != 95_000 {
		t.Fatalf("watermark %d, want 95000", wm)
	}
	b, err := tr.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	r := NewTracker(5*time.Second, 30*time.Second)
	if err := r.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if r.Current() != wm || !reflect.DeepEqual(r.Partitions(), tr.Partitions()) {
		t.Fatalf("restored %d %v, want %d %v", r.Current(), r.Partitions(), wm, tr.Partitions())
	}
	// Activity restarts at the first call after the restore: every
	// partition holds the watermark again, which stays where it was.
	if got := r.Watermark(at(1000)); got != wm {
		t.Fatalf("after restore %d, want %d", got, wm)
	}
	r.Observe("shardId-000000000002", 200_000, at(1001))
	r.Observe("shardId-000000000000", 200_000, at(1001))
	if got := r.Watermark(at(1001)); got != wm {
		t.Fatalf("shard 1 (max 90000) still active: %d, want %d", got, wm)
	}
	if got := r.Watermark(at(1031)); got != 195_000 {
		t.Fatalf("shard 1 idle again: %d, want 195000", got)
	}
	b2, _ := tr.MarshalBinary()
	if !reflect.DeepEqual(b, b2) {
		t.Fatal("MarshalBinary is not deterministic")
	}

	empty := NewTracker(0, 0)
	eb, _ := empty.MarshalBinary()
	if err := r.UnmarshalBinary(eb); err != nil || r.Current() != math.MinInt64 || len(r.Partitions()) != 0 {
		t.Fatalf("empty round trip: %v %d %v", err, r.Current(), r.Partitions())
	}

	for i := 0; i < len(b); i++ {
		if err := NewTracker(0, 0).UnmarshalBinary(b[:i]); err == nil {
			t.Errorf("UnmarshalBinary of %d of %d bytes succeeded", i, len(b))
		}
	}
	if err := NewTracker(0, 0).UnmarshalBinary(append(b, 0)); err == nil {
		t.Error("UnmarshalBinary with a trailing byte succeeded")
	}
	if err := NewTracker(0, 0).UnmarshalBinary([]byte{9}); err == nil || err.Error() != "restore watermark tracker: unknown format" {
		t.Errorf("bad version: %v", err)
	}
}

func FuzzTrackerUnmarshal(f *testing.F) {
	tr := NewTracker(0, 0)
	tr.Observe("a", 1, t0)
	b, _ := tr.MarshalBinary()
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewTracker(time.Second, time.Second)
		if err := r.UnmarshalBinary(b); err != nil {
			return
		}
		again, _ := r.MarshalBinary()
		r2 := NewTracker(0, 0)
		if err := r2.UnmarshalBinary(again); err != nil || r2.Current() != r.Current() {
			t.Fatalf("re-marshal: %v", err)
		}
	})
}

// BenchmarkTracker is the per-batch cost for a 4-shard query: one Observe
// and one Watermark.
func BenchmarkTracker(b *testing.B) {
	tr := NewTracker(5*time.Second, 30*time.Second)
	parts := []string{"shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003"}
	for _, p := range parts {
		tr.Add(p)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		now := t0.Add(time.Duration(i) * time.Microsecond)
		tr.Observe(parts[i&3], int64(i), now)
		_ = tr.Watermark(now)
	}
}
