package window

import (
	"math/rand"
	"reflect"
	"slices"
	"testing"
)

func TestSessionSetAdd(t *testing.T) {
	type step struct {
		ts     int64
		w      Window
		merged []Window
		open   []Window
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"new and extend", []step{
			{10, Window{10, 20}, nil, []Window{{10, 20}}},
			{15, Window{10, 25}, []Window{{10, 20}}, []Window{{10, 25}}},
			{12, Window{10, 25}, nil, []Window{{10, 25}}}, // inside, no growth
			{40, Window{40, 50}, nil, []Window{{10, 25}, {40, 50}}},
		}},
		{"touching merges (exactly gap apart)", []step{
			{10, Window{10, 20}, nil, []Window{{10, 20}}},
			{20, Window{10, 30}, []Window{{10, 20}}, []Window{{10, 30}}},
			{0, Window{0, 30}, []Window{{10, 30}}, []Window{{0, 30}}}, // 0+gap touches start
		}},
		{"more than gap apart stays apart", []step{
			{10, Window{10, 20}, nil, []Window{{10, 20}}},
			{21, Window{21, 31}, nil, []Window{{10, 20}, {21, 31}}},
			{-1, Window{-1, 9}, nil, []Window{{-1, 9}, {10, 20}, {21, 31}}},
		}},
		{"out-of-order event bridges two sessions", []step{
			{0, Window{0, 10}, nil, []Window{{0, 10}}},
			{18, Window{18, 28}, nil, []Window{{0, 10}, {18, 28}}},
			{50, Window{50, 60}, nil, []Window{{0, 10}, {18, 28}, {50, 60}}},
			{9, Window{0, 28}, []Window{{0, 10}, {18, 28}}, []Window{{0, 28}, {50, 60}}},
		}},
		{"early event extends start", []step{
			{100, Window{100, 110}, nil, []Window{{100, 110}}},
			{95, Window{95, 110}, []Window{{100, 110}}, []Window{{95, 110}}},
		}},
		{"negative times", []step{
			{-100, Window{-100, -90}, nil, []Window{{-100, -90}}},
			{-92, Window{-100, -82}, []Window{{-100, -90}}, []Window{{-100, -82}}},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Sessions{Gap: 10}.NewSet()
			for i, st := range tc.steps {
				w, merged := s.Add(st.ts)
				if w != st.w || !reflect.DeepEqual(merged, st.merged) || !reflect.DeepEqual(s.Open(), st.open) {
					t.Fatalf("step %d Add(%d) = %v, %v; open %v\nwant %v, %v; open %v", i, st.ts, w, merged, s.Open(), st.w, st.merged, st.open)
				}
			}
		})
	}
}

func TestSessionSetExpire(t *testing.T) {
	s := Sessions{Gap: 10}.NewSet()
	for _, ts := range []int64{0, 5, 30, 60} {
		s.Add(ts)
	}
	// open: [0,15) [30,40) [60,70)
	if got := s.Expire(14); got != nil {
		t.Fatalf("Expire(14) = %v", got)
	}
	if got := s.Expire(40); !reflect.DeepEqual(got, []Window{{0, 15}, {30, 40}}) {
		t.Fatalf("Expire(40) = %v", got)
	}
	if s.Len() != 1 {
		t.Fatalf("Len = %d", s.Len())
	}
	// A new event for the key starts afresh, even one the closed session
	// would have held (it is not late: 35+10 > 40).
	if w, merged := s.Add(35); w != (Window{35, 45}) || merged != nil {
		t.Fatalf("Add(35) = %v %v", w, merged)
	}
	if got := s.Expire(1 << 62); !reflect.DeepEqual(got, []Window{{35, 45}, {60, 70}}) || s.Len() != 0 {
		t.Fatalf("Expire(all) = %v, left %d", got, s.Len())
	}
}

// TestSessionOrderIndependent: any arrival order of a key's events gives
// the same sessions, and the sessions match the definition (sorted events
// split where consecutive ones are more than gap apart).
func TestSessionOrderIndependent(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	const gap = 10
	for round := 0; round < 200; round++ {
		events := make([]int64, 1+rng.Intn(30))
		for i := range events {
			events[i] = rng.Int63n(400) - 200
		}
		sorted := slices.Clone(events)
		slices.Sort(sorted)
		var want []Window
		for _, ts := range sorted {
			if n := len(want); n > 0 && ts <= want[n-1].End {
				want[n-1].End = max(want[n-1].End, ts+gap)
				continue
			}
			want = append(want, Window{ts, ts + gap})
		}
		s := Sessions{Gap: gap}.NewSet()
		for _, ts := range events {
			w, merged := s.Add(ts)
			if !w.Contains(ts) {
				t.Fatalf("Add(%d) = %v does not hold it", ts, w)
			}
			for _, m := range merged {
				if m.Start < w.Start || m.End > w.End {
					t.Fatalf("merged %v not inside %v", m, w)
				}
			}
		}
		if got := s.Open(); !reflect.DeepEqual(got, want) {
			t.Fatalf("events %v: sessions %v, want %v", events, got, want)
		}
	}
}

func TestSessionRestore(t *testing.T) {
	s := Sessions{Gap: 10}.NewSet()
	s.Add(0)
	s.Add(50)
	r := Sessions{Gap: 10}.NewSet()
	if err := r.Restore(s.Open()); err != nil {
		t.Fatal(err)
	}
	if w, merged := r.Add(55); w != (Window{50, 65}) || !reflect.DeepEqual(merged, []Window{{50, 60}}) {
		t.Fatalf("after restore Add(55) = %v %v", w, merged)
	}
	for _, bad := range [][]Window{{{5, 5}}, {{0, 10}, {10, 20}}, {{20, 30}, {0, 10}}} {
		if err := r.Restore(bad); err == nil {
			t.Errorf("Restore(%v) succeeded", bad)
		}
	}
}

func BenchmarkSessionAdd(b *testing.B) {
	s := Sessions{Gap: 30 * sec}.NewSet()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.Add(int64(i) * sec)
		if i%1000 == 999 {
			s.Expire(int64(i) * sec)
		}
	}
}
