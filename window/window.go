package window

import (
	"fmt"
	"math"
	"time"
)

// Window is a half-open interval [Start, End) of event time, in Unix
// milliseconds.
type Window struct {
	Start, End int64
}

// Contains reports whether ts falls in the window.
func (w Window) Contains(ts int64) bool { return w.Start <= ts && ts < w.End }

// String shows the window as [start, end) in RFC 3339.
func (w Window) String() string {
	return fmt.Sprintf("[%s, %s)", formatMillis(w.Start), formatMillis(w.End))
}

func formatMillis(ms int64) string {
	switch ms {
	case math.MinInt64:
		return "-inf"
	case math.MaxInt64:
		return "+inf"
	}
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z")
}

// Assigner maps an event time to the windows it belongs to.
type Assigner interface {
	// Assign appends the windows holding ts to dst, in ascending Start
	// order, and returns the extended slice. It does not allocate when dst
	// has room.
	Assign(ts int64, dst []Window) []Window
	// LastEnd is the largest End among the windows holding ts: once the
	// watermark reaches it, every window of ts has closed.
	LastEnd(ts int64) int64
}

var (
	_ Assigner = Tumble{}
	_ Assigner = Hop{}
	_ Assigner = Sessions{}
)

// Tumble assigns TUMBLE(ts, Size): consecutive windows of Size
// milliseconds, aligned to the Unix epoch. Size must be positive.
type Tumble struct {
	Size int64
}

// NewTumble makes a Tumble for a window size, which must be a positive
// whole number of milliseconds.
func NewTumble(size time.Duration) (Tumble, error) {
	ms, err := millis("TUMBLE size", size)
	if err != nil {
		return Tumble{}, err
	}
	return Tumble{Size: ms}, nil
}

// Assign appends the one window holding ts.
func (t Tumble) Assign(ts int64, dst []Window) []Window {
	start := floorDiv(ts, t.Size) * t.Size
	return append(dst, Window{Start: start, End: addSat(start, t.Size)})
}

// LastEnd is the end of the window holding ts.
func (t Tumble) LastEnd(ts int64) int64 {
	return addSat(floorDiv(ts, t.Size)*t.Size, t.Size)
}

// Hop assigns HOP(ts, Slide, Size): windows of Size milliseconds starting
// at every multiple of Slide (aligned to the Unix epoch). A record belongs
// to ceil(Size/Slide) windows when Size is a multiple of Slide, else to
// floor or ceil of it depending on where it falls. Slide must be positive
// and no longer than Size (NewHop checks), or records between windows
// would belong to none.
type Hop struct {
	Slide, Size int64
}

// NewHop makes a Hop, checking that slide and size are positive whole
// milliseconds and that slide <= size.
func NewHop(slide, size time.Duration) (Hop, error) {
	sl, err := millis("HOP slide", slide)
	if err != nil {
		return Hop{}, err
	}
	sz, err := millis("HOP size", size)
	if err != nil {
		return Hop{}, err
	}
	if sl > sz {
		return Hop{}, fmt.Errorf("new hop: slide %v is longer than size %v: records between windows would belong to none", slide, size)
	}
	return Hop{Slide: sl, Size: sz}, nil
}

// Assign appends the windows holding ts, earliest start first.
func (h Hop) Assign(ts int64, dst []Window) []Window {
	last := floorDiv(ts, h.Slide) * h.Slide // the latest window start <= ts
	off := ts - last                        // in [0, Slide)
	if h.Size <= off {
		return dst // ts is between windows (only when Slide > Size)
	}
	// Windows start at last - j·Slide for j < ceil((Size-off)/Slide).
	n := (h.Size - off + h.Slide - 1) / h.Slide
	start := last - (n-1)*h.Slide
	for i := int64(0); i < n; i++ {
		dst = append(dst, Window{Start: start, End: addSat(start, h.Size)})
		start += h.Slide
	}
	return dst
}

// LastEnd is the end of the latest window holding ts.
func (h Hop) LastEnd(ts int64) int64 {
	return addSat(floorDiv(ts, h.Slide)*h.Slide, h.Size)
}

// IsLate reports whether a record with event time ts is late at the given
// watermark: every window it belongs to has already ended (End <=
// watermark), so its results were final before it came. For sessions that
// is ts + gap <= watermark. Late records are never dropped silently: the
// engine counts them and may route them to the stream's late stream.
func IsLate(ts, watermark int64, a Assigner) bool {
	return a.LastEnd(ts) <= watermark
}

// millis converts a positive duration of whole milliseconds.
func millis(what string, d time.Duration) (int64, error) {
	if d <= 0 {
		return 0, fmt.Errorf("%s %v: must be positive", what, d)
	}
	if d%time.Millisecond != 0 {
		return 0, fmt.Errorf("%s %v: must be a whole number of milliseconds", what, d)
	}
	return d.Milliseconds(), nil
}

// floorDiv divides rounding toward negative infinity (b > 0), so windows of
// negative timestamps align like positive ones.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// addSat adds b > 0 to a, stopping at math.MaxInt64.
func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// subSat subtracts b >= 0 from a, stopping at math.MinInt64.
func subSat(a, b int64) int64 {
	if a < math.MinInt64+b {
		return math.MinInt64
	}
	return a - b
}
