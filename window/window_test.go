package window

import (
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"
)

const (
	sec    = int64(1000)
	minute = 60 * sec
)

func TestTumbleAssign(t *testing.T) {
	cases := []struct {
		size, ts   int64
		start, end int64
	}{
		{minute, 0, 0, minute},
		{minute, 1, 0, minute},
		{minute, minute - 1, 0, minute},
		{minute, minute, minute, 2 * minute},
		{minute, -1, -minute, 0},
		{minute, -minute, -minute, 0},
		{minute, -minute - 1, -2 * minute, -minute},
		{7, 20, 14, 21},
		{7, -20, -21, -14},
		{minute, 1763805600123, 1763805600000, 1763805660000},
		{minute, math.MaxInt64, math.MaxInt64 - math.MaxInt64%minute, math.MaxInt64},
	}
	for _, tc := range cases {
		tu := Tumble{Size: tc.size}
		got := tu.Assign(tc.ts, nil)
		want := []Window{{tc.start, tc.end}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Tumble{%d}.Assign(%d) = %v, want %v", tc.size, tc.ts, got, want)
		}
		if !got[0].Contains(tc.ts) && tc.end != math.MaxInt64 {
			t.Errorf("window %v does not contain %d", got[0], tc.ts)
		}
		if le := tu.LastEnd(tc.ts); le != tc.end {
			t.Errorf("LastEnd(%d) = %d, want %d", tc.ts, le, tc.end)
		}
	}
}

func TestHopAssign(t *testing.T) {
	cases := []struct {
		slide, size, ts int64
		starts          []int64 // each window is [start, start+size)
	}{
		{5, 10, 0, []int64{-5, 0}},
		{5, 10, 4, []int64{-5, 0}},
		{5, 10, 5, []int64{0, 5}},
		{5, 10, 9, []int64{0, 5}},
		{5, 10, -1, []int64{-10, -5}},
		{5, 10, -5, []int64{-10, -5}},
		{5, 10, -6, []int64{-15, -10}},
		{10, 10, 3, []int64{0}},
		{1, 10, 3, []int64{-6, -5, -4, -3, -2, -1, 0, 1, 2, 3}},
		// Size not a multiple of slide: 2 or 1 windows.
		{3, 5, 0, []int64{-3, 0}},
		{3, 5, 1, []int64{-3, 0}},
		{3, 5, 2, []int64{0}},
		{3, 5, 3, []int64{0, 3}},
		{3, 5, -1, []int64{-3}},
		{3, 5, -2, []int64{-6, -3}},
		{4, 10, 9, []int64{0, 4, 8}},
		{4, 10, 10, []int64{4, 8}},
		{minute, 10 * minute, 1763805600123, nil}, // filled below
	}
	for _, tc := range cases {
		h := Hop{Slide: tc.slide, Size: tc.size}
		if tc.starts == nil {
			first := (tc.ts/tc.slide)*tc.slide - 9*tc.slide
			for i := int64(0); i < 10; i++ {
				tc.starts = append(tc.starts, first+i*tc.slide)
			}
		}
		var want []Window
		for _, s := range tc.starts {
			want = append(want, Window{s, s + tc.size})
		}
		got := h.Assign(tc.ts, nil)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Hop{%d,%d}.Assign(%d) = %v, want %v", tc.slide, tc.size, tc.ts, got, want)
		}
		if le := h.LastEnd(tc.ts); le != want[len(want)-1].End {
			t.Errorf("Hop{%d,%d}.LastEnd(%d) = %d, want %d", tc.slide, tc.size, tc.ts, le, want[len(want)-1].End)
		}
	}
}

// TestHopExhaustive checks Assign against the definition (every multiple
// of slide s with s <= ts < s+size) over a range of parameters.
func TestHopExhaustive(t *testing.T) {
	for slide := int64(1); slide <= 7; slide++ {
		for size := slide; size <= 20; size++ {
			h := Hop{Slide: slide, Size: size}
			for ts := int64(-50); ts <= 50; ts++ {
				var want []Window
				for s := -100 * slide; s <= 100*slide; s += slide {
					if s <= ts && ts < s+size {
						want = append(want, Window{s, s + size})
					}
				}
				got := h.Assign(ts, make([]Window, 0, 32))
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("Hop{%d,%d}.Assign(%d) = %v, want %v", slide, size, ts, got, want)
				}
				if n := int64(len(got)); n < size/slide || n > (size+slide-1)/slide {
					t.Fatalf("Hop{%d,%d}.Assign(%d): %d windows", slide, size, ts, n)
				}
			}
		}
	}
}

func TestAssignAppends(t *testing.T) {
	dst := make([]Window, 1, 16)
	dst[0] = Window{-1, -1}
	h := Hop{Slide: minute, Size: 10 * minute}
	allocs := testing.AllocsPerRun(100, func() { dst = h.Assign(123456, dst[:1]) })
	if allocs != 0 || len(dst) != 11 || dst[0] != (Window{-1, -1}) {
		t.Fatalf("allocs %v, dst %v", allocs, dst)
	}
}

func TestConstructors(t *testing.T) {
	if tu, err := NewTumble(time.Minute); err != nil || tu.Size != minute {
		t.Errorf("NewTumble(1m) = %v, %v", tu, err)
	}
	if h, err := NewHop(time.Minute, 10*time.Minute); err != nil || h != (Hop{Slide: minute, Size: 10 * minute}) {
		t.Errorf("NewHop = %v, %v", h, err)
	}
	if s, err := NewSessions(30 * time.Second); err != nil || s.Gap != 30*sec {
		t.Errorf("NewSessions = %v, %v", s, err)
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{second(NewTumble(0)), "TUMBLE size 0s: must be positive"},
		{second(NewTumble(-time.Second)), "TUMBLE size -1s: must be positive"},
		{second(NewTumble(1500 * time.Microsecond)), "TUMBLE size 1.5ms: must be a whole number of milliseconds"},
		{second(NewHop(0, time.Minute)), "HOP slide 0s: must be positive"},
		{second(NewHop(time.Second, 0)), "HOP size 0s: must be positive"},
		{second(NewHop(2*time.Minute, time.Minute)), "new hop: slide 2m0s is longer than size 1m0s: records between windows would belong to none"},
		{second(NewSessions(0)), "SESSION gap 0s: must be positive"},
	} {
		if tc.err == nil || tc.err.Error() != tc.want {
			t.Errorf("error %v, want %q", tc.err, tc.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestIsLate(t *testing.T) {
	tu := Tumble{Size: 10}
	h := Hop{Slide: 5, Size: 10}
	s := Sessions{Gap: 10}
	cases := []struct {
		a      Assigner
		ts, wm int64
		late   bool
	}{
		{tu, 5, math.MinInt64, false},
		{tu, 5, 9, false},
		{tu, 5, 10, true},   // [0,10) closed at 10
		{tu, 10, 10, false}, // [10,20) open
		{tu, -5, -1, false},
		{tu, -5, 0, true},
		{h, 7, 10, false}, // [5,15) still open
		{h, 7, 14, false},
		{h, 7, 15, true},
		{h, 4, 10, true}, // [-5,5) and [0,10) both closed
		{s, 5, 14, false},
		{s, 5, 15, true},
		{tu, 5, math.MaxInt64, true},
		{tu, math.MaxInt64 - 1, math.MaxInt64, true},
	}
	for _, tc := range cases {
		if got := IsLate(tc.ts, tc.wm, tc.a); got != tc.late {
			t.Errorf("IsLate(%d, %d, %#v) = %v, want %v", tc.ts, tc.wm, tc.a, got, tc.late)
		}
	}
}

func TestWindowString(t *testing.T) {
	w := Window{Start: 1763805600000, End: 1763805660000}
	if got := w.String(); got != "[2025-11-22T10:00:00.000Z, 2025-11-22T10:01:00.000Z)" {
		t.Errorf("String = %s", got)
	}
	if got := fmt.Sprint(Window{math.MinInt64, math.MaxInt64}); got != "[-inf, +inf)" {
		t.Errorf("String = %s", got)
	}
}

func BenchmarkHopAssign(b *testing.B) {
	h := Hop{Slide: minute, Size: 10 * minute}
	dst := make([]Window, 0, 16)
	ts := int64(1763805600123)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		dst = h.Assign(ts+int64(i), dst[:0])
	}
	if len(dst) != 10 {
		b.Fatal(len(dst))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkTumbleAssign(b *testing.B) {
	tu := Tumble{Size: minute}
	dst := make([]Window, 0, 1)
	ts := int64(1763805600123)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		dst = tu.Assign(ts+int64(i), dst[:0])
	}
}
