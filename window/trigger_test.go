package window

import (
	"math"
	"math/rand"
	"reflect"
	"slices"
	"testing"
)

func TestEventTimeTrigger(t *testing.T) {
	w := Window{0, 10}
	for wm, want := range map[int64]bool{math.MinInt64: false, 9: false, 10: true, 11: true, math.MaxInt64: true} {
		if got := (EventTime{}).Ready(w, wm); got != want {
			t.Errorf("Ready(%v, %d) = %v", w, wm, got)
		}
	}
}

func TestTimeline(t *testing.T) {
	var tl Timeline
	if _, ok := tl.Next(); ok {
		t.Fatal("empty timeline has a next window")
	}
	for _, w := range []Window{{20, 30}, {0, 10}, {5, 15}, {0, 10}, {-5, 5}, {10, 20}, {5, 15}, {8, 10}} {
		tl.Add(w)
	}
	if tl.Len() != 6 {
		t.Fatalf("Len = %d, want 6 (duplicates held once)", tl.Len())
	}
	if w, _ := tl.Next(); w != (Window{-5, 5}) {
		t.Fatalf("Next = %v", w)
	}
	if got := tl.Due(4, nil); got != nil {
		t.Fatalf("Due(4) = %v", got)
	}
	got := tl.Due(15, nil)
	want := []Window{{-5, 5}, {0, 10}, {8, 10}, {5, 15}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Due(15) = %v, want %v", got, want)
	}
	tl.Add(Window{0, 10}) // fired windows may come again (new state)
	got = tl.Due(math.MaxInt64, got[:0])
	want = []Window{{0, 10}, {10, 20}, {20, 30}}
	if !reflect.DeepEqual(got, want) || tl.Len() != 0 {
		t.Fatalf("Due(max) = %v, want %v; left %d", got, want, tl.Len())
	}
}

func TestTimelineRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	var tl Timeline
	set := map[Window]bool{}
	for i := 0; i < 5000; i++ {
		s := rng.Int63n(1000)
		w := Window{s, s + 1 + rng.Int63n(50)}
		tl.Add(w)
		set[w] = true
	}
	var all []Window
	for wm := int64(0); wm <= 1100; wm += 37 {
		due := tl.Due(wm, nil)
		for _, w := range due {
			if w.End > wm {
				t.Fatalf("Due(%d) returned %v", wm, w)
			}
		}
		all = append(all, due...)
	}
	if tl.Len() != 0 || len(all) != len(set) {
		t.Fatalf("popped %d of %d, left %d", len(all), len(set), tl.Len())
	}
	if !slices.IsSortedFunc(all, func(a, b Window) int {
		if a.End != b.End {
			return int(a.End - b.End)
		}
		return int(a.Start - b.Start)
	}) {
		t.Fatal("not in End order")
	}
}

func BenchmarkTimeline(b *testing.B) {
	var tl Timeline
	var due []Window
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		start := int64(i) / 10 * 1000
		tl.Add(Window{start, start + 60_000})
		if i%100 == 0 {
			due = tl.Due(start, due[:0])
		}
	}
}
