package window

import (
	"fmt"
	"sort"
	"time"
)

// Sessions assigns SESSION(ts, Gap): per key, events closer than Gap
// milliseconds (or exactly Gap apart) fall in one session window
// [first event, last event + Gap), as in Flink; SESSION_END is the last
// event time + Gap. Gap must be positive.
//
// As an Assigner it gives each event its own proto-session [ts, ts+Gap),
// which is what lateness is judged by; the merging happens per key in a
// SessionSet.
type Sessions struct {
	Gap int64
}

// NewSessions makes a Sessions, checking the gap is a positive whole number
// of milliseconds.
func NewSessions(gap time.Duration) (Sessions, error) {
	ms, err := millis("SESSION gap", gap)
	if err != nil {
		return Sessions{}, err
	}
	return Sessions{Gap: ms}, nil
}

// Assign appends the proto-session of ts.
func (s Sessions) Assign(ts int64, dst []Window) []Window {
	return append(dst, Window{Start: ts, End: addSat(ts, s.Gap)})
}

// LastEnd is the end of ts's proto-session.
func (s Sessions) LastEnd(ts int64) int64 { return addSat(ts, s.Gap) }

// NewSet makes an empty SessionSet for one key.
func (s Sessions) NewSet() *SessionSet { return &SessionSet{gap: s.Gap} }

// SessionSet holds the open sessions of one key: sorted by Start and
// separated by more than nothing (two sessions that touch are one).
//
// An event at t joins a session [s, e) when s-gap <= t <= e, that is when
// its proto-session [t, t+gap) overlaps or touches it (Flink merges
// touching windows too); sessions the grown one then reaches merge into
// it. A session is final once the watermark reaches its End.
//
// A SessionSet is not safe for concurrent use.
type SessionSet struct {
	gap     int64
	open    []Window
	replace []Window // Add's result buffer
}

// Add adds an event at ts. It returns the session that now holds it and the
// sessions that session replaced (grew from or merged), so the caller can
// move their aggregate state into w. merged is empty when ts started a new
// session or fell inside one without growing it. merged is only valid
// until the next call on the set.
func (s *SessionSet) Add(ts int64) (w Window, merged []Window) {
	w = Window{Start: ts, End: addSat(ts, s.gap)}
	// Sessions are sorted and disjoint, so their ends are sorted too: the
	// ones w touches are a run [lo, hi).
	lo := sort.Search(len(s.open), func(i int) bool { return s.open[i].End >= w.Start })
	hi := lo
	for hi < len(s.open) && s.open[hi].Start <= w.End {
		hi++
	}
	if lo == hi {
		s.open = append(s.open, Window{})
		copy(s.open[lo+1:], s.open[lo:])
		s.open[lo] = w
		return w, nil
	}
	w.Start = min(w.Start, s.open[lo].Start)
	w.End = max(w.End, s.open[hi-1].End)
	if hi-lo == 1 && w == s.open[lo] {
		return w, nil // inside a session, which does not grow
	}
	s.replace = append(s.replace[:0], s.open[lo:hi]...)
	s.open[lo] = w
	s.open = append(s.open[:lo+1], s.open[hi:]...)
	return w, s.replace
}

// Expire removes and returns, earliest first, the sessions that are final
// at the watermark (End <= watermark). It returns nil when none is.
func (s *SessionSet) Expire(watermark int64) []Window {
	n := 0
	for n < len(s.open) && s.open[n].End <= watermark {
		n++
	}
	if n == 0 {
		return nil
	}
	done := append([]Window(nil), s.open[:n]...)
	s.open = append(s.open[:0], s.open[n:]...)
	return done
}

// Len is the number of open sessions.
func (s *SessionSet) Len() int { return len(s.open) }

// Open returns a copy of the open sessions, earliest first (for
// checkpoints).
func (s *SessionSet) Open() []Window { return append([]Window(nil), s.open...) }

// Restore replaces the open sessions with ws (as Open returned them),
// checking that they are sorted, non-empty and apart.
func (s *SessionSet) Restore(ws []Window) error {
	for i, w := range ws {
		if w.End <= w.Start {
			return fmt.Errorf("restore sessions: session %d %v is empty", i, w)
		}
		if i > 0 && ws[i-1].End >= w.Start {
			return fmt.Errorf("restore sessions: session %d %v does not come after %v", i, w, ws[i-1])
		}
	}
	s.open = append(s.open[:0], ws...)
	return nil
}
