package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/freshet/freshet/output/lakescan"
)

// progress draws a one-line progress bar (done/total, rate, ETA) on a
// terminal, at most five times a second; on anything else it stays quiet.
type progress struct {
	w     io.Writer
	label string
	total int64
	start time.Time
	on    bool
	mu    sync.Mutex
	last  time.Time
}

func newProgress(w io.Writer, label string, total int64) *progress {
	return &progress{w: w, label: label, total: total, start: time.Now(), on: isTerminal(w)}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (p *progress) set(done int64) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < 200*time.Millisecond && done < p.total {
		return
	}
	p.last = now
	frac := float64(done) / float64(max(p.total, 1))
	const width = 30
	bar := strings.Repeat("█", int(frac*width)) + strings.Repeat("░", width-int(frac*width))
	el := now.Sub(p.start).Seconds()
	rate := float64(done) / max(el, 1e-9)
	eta := "?"
	if rate > 0 {
		eta = time.Duration(float64(p.total-done) / rate * float64(time.Second)).Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "\r%s %s %5.1f%% %d/%d  %.0f/s  ETA %s ", p.label, bar, 100*frac, done, p.total, rate, eta)
}

func (p *progress) done() {
	if p.on {
		fmt.Fprintln(p.w)
	}
}

// scanProgress draws the progress of a scan of the archive on a terminal
// (files and bytes done / total, rate, ETA), at most five times a second;
// on anything else it stays quiet.
type scanProgress struct {
	w     io.Writer
	on    bool
	start time.Time
	mu    sync.Mutex
	last  time.Time
	drawn bool
}

func newScanProgress(w io.Writer) *scanProgress {
	return &scanProgress{w: w, on: isTerminal(w), start: time.Now()}
}

// update is an engine.ExecOptions.Progress callback.
func (p *scanProgress) update(s lakescan.Progress) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < 200*time.Millisecond && s.FilesDone < s.Files {
		return
	}
	p.last, p.drawn = now, true
	fmt.Fprint(p.w, "\r"+scanLine(s, now.Sub(p.start)))
}

// scanLine renders one progress line.
func scanLine(s lakescan.Progress, elapsed time.Duration) string {
	frac := float64(s.BytesDone) / float64(max(s.Bytes, 1))
	const width = 30
	bar := strings.Repeat("█", int(frac*width)) + strings.Repeat("░", width-int(frac*width))
	rate := float64(s.BytesDone) / max(elapsed.Seconds(), 1e-9)
	eta := "?"
	if rate > 0 {
		eta = time.Duration(float64(s.Bytes-s.BytesDone) / rate * float64(time.Second)).Round(time.Second).String()
	}
	const mb = 1 << 20
	return fmt.Sprintf("scan %s %5.1f%% files %d/%d  %.1f/%.1f MiB  %.1f MiB/s  ETA %s ",
		bar, 100*frac, s.FilesDone, s.Files, float64(s.BytesDone)/mb, float64(s.Bytes)/mb, rate/mb, eta)
}

func (p *scanProgress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

// rssTracker samples the resident set size while a benchmark runs: its peak,
// and its value when a tenth of the work was done.
type rssTracker struct {
	peak    atomic.Int64
	atTenth atomic.Int64
	last    atomic.Int64 // unix nanos of the last sample
}

func (r *rssTracker) sample(done, total int64) {
	now := time.Now().UnixNano()
	tenth := r.atTenth.Load() == 0 && done*10 >= total
	if !tenth && now-r.last.Load() < int64(100*time.Millisecond) {
		return
	}
	r.last.Store(now)
	v := currentRSS()
	if tenth {
		r.atTenth.CompareAndSwap(0, v)
	}
	for {
		p := r.peak.Load()
		if v <= p || r.peak.CompareAndSwap(p, v) {
			return
		}
	}
}

// currentRSS reads VmRSS from /proc/self/status (Linux); 0 elsewhere.
func currentRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}
