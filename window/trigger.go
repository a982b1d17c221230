package window

// Trigger decides when a window's result is emitted.
type Trigger interface {
	// Ready reports whether w fires at the watermark.
	Ready(w Window, watermark int64) bool
}

// EventTime fires a window once, final, when the watermark reaches its end.
type EventTime struct{}

var _ Trigger = EventTime{}

// Ready reports watermark >= w.End.
func (EventTime) Ready(w Window, watermark int64) bool { return watermark >= w.End }

// Timeline holds the windows that have state and have not fired, ordered by
// End, so the engine finds the ones a watermark closes without scanning its
// state. A window added twice is held once: the Timeline is keyless, and
// the engine looks up which keys hold state for a due window. A window
// whose state went away (a session merged into another) may stay; when it
// comes due the engine finds nothing to emit. The zero value is ready to
// use; it is not safe for concurrent use.
type Timeline struct {
	h    []Window // min-heap by (End, Start)
	have map[Window]struct{}
}

// Add schedules w, unless it is already pending.
func (t *Timeline) Add(w Window) {
	if t.have == nil {
		t.have = make(map[Window]struct{})
	}
	if _, ok := t.have[w]; ok {
		return
	}
	t.have[w] = struct{}{}
	t.h = append(t.h, w)
	t.up(len(t.h) - 1)
}

// Due removes the windows whose End <= watermark and appends them to dst in
// End order (then Start order), returning the extended slice.
func (t *Timeline) Due(watermark int64, dst []Window) []Window {
	for len(t.h) > 0 && t.h[0].End <= watermark {
		w := t.h[0]
		n := len(t.h) - 1
		t.h[0] = t.h[n]
		t.h = t.h[:n]
		t.down(0)
		delete(t.have, w)
		dst = append(dst, w)
	}
	return dst
}

// Len is the number of pending windows.
func (t *Timeline) Len() int { return len(t.h) }

// Next is the pending window that ends first.
func (t *Timeline) Next() (Window, bool) {
	if len(t.h) == 0 {
		return Window{}, false
	}
	return t.h[0], true
}

func before(a, b Window) bool {
	if a.End != b.End {
		return a.End < b.End
	}
	return a.Start < b.Start
}

func (t *Timeline) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !before(t.h[i], t.h[p]) {
			return
		}
		t.h[i], t.h[p] = t.h[p], t.h[i]
		i = p
	}
}

func (t *Timeline) down(i int) {
	n := len(t.h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && before(t.h[r], t.h[l]) {
			m = r
		}
		if !before(t.h[m], t.h[i]) {
			return
		}
		t.h[i], t.h[m] = t.h[m], t.h[i]
		i = m
	}
}
