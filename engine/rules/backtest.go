package rules

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/freshet/freshet/engine"
)

// Timeline is what a backtest found: every change of state of every alert
// instance (and of every rule's health) over the range, in time order.
type Timeline struct {
	From        time.Time `json:"from"`
	To          time.Time `json:"to"`
	Evaluations int       `json:"evaluations"`
	Warnings    []string  `json:"warnings,omitempty"`
	Events      []Event   `json:"events"`

	rules [][2]string // group, alert of each rule, in file order
}

// historian is a Source that can tell which records of a stream it
// cannot see (History does).
type historian interface {
	Gaps(ctx context.Context, stream string) (gaps []engine.HistoryGap, archived bool, err error)
}

// Backtest evaluates every rule of cfg at each tick of its group's
// interval from from to to (ticks are multiples of the interval since the
// Unix epoch, as a running server's are), each over what src says a
// server running at that tick would have seen, and records the changes of
// state, as if the server had been running (for, keep_firing_for and the
// resolved retention included). No notification is sent and no state is
// saved. progress, if not nil, is called after each evaluation.
func Backtest(ctx context.Context, cfg *Config, src Source, from, to time.Time, progress func(done, total int)) (*Timeline, error) {
	if to.Before(from) {
		return nil, fmt.Errorf("backtest: the range ends (%s) before it starts (%s)", to.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	comp, errs := compile(cfg, nil, nil)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	tl := &Timeline{From: from, To: to, Events: []Event{}}
	type tick struct {
		at    time.Time
		group int
	}
	var ticks []tick
	total := 0
	states := make([][]*ruleState, len(cfg.Groups))
	for gi := range cfg.Groups {
		g := &cfg.Groups[gi]
		for _, c := range comp[gi] {
			states[gi] = append(states[gi], newRuleState(c))
			tl.rules = append(tl.rules, [2]string{g.Name, c.rule.Alert})
		}
		for at := firstTick(from, g.Every()); !at.After(to); at = at.Add(g.Every()) {
			ticks = append(ticks, tick{at, gi})
			total += len(g.Rules)
		}
	}
	sort.SliceStable(ticks, func(i, j int) bool { return ticks[i].at.Before(ticks[j].at) })
	tl.Warnings = historyWarnings(ctx, cfg, src, from, to)
	for _, t := range ticks {
		interval := cfg.Groups[t.group].Every()
		for _, rs := range states[t.group] {
			t0 := time.Now()
			qctx, cancel := context.WithTimeout(ctx, max(interval, time.Minute))
			rows, err := query(qctx, src, rs.c.rule.SQL, t.at)
			cancel()
			if ctx.Err() != nil {
				return nil, fmt.Errorf("backtest: %w", ctx.Err())
			}
			tl.Events = append(tl.Events, rs.record(t.at, rows, err, time.Since(t0))...)
			tl.Evaluations++
			if progress != nil {
				progress(tl.Evaluations, total)
			}
		}
	}
	sortEvents(tl.Events)
	return tl, nil
}

// firstTick is the first multiple of interval at or after t.
func firstTick(t time.Time, interval time.Duration) time.Time {
	at := t.Truncate(interval)
	if at.Before(t) {
		at = at.Add(interval)
	}
	return at.UTC()
}

// historyWarnings tells, stream by stream, which records the backtest
// cannot see although a server running then would have: those that
// retention has dropped and no archive holds, when they arrived within or
// before the range (a gap that ends before the range starts is not
// reported; the rules' queries are expected to look back less than that).
func historyWarnings(ctx context.Context, cfg *Config, src Source, from, to time.Time) []string {
	h, ok := src.(historian)
	if !ok {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, g := range cfg.Groups {
		for _, rule := range g.Rules {
			stream := streamOf(rule.SQL)
			if stream == "" || seen[stream] {
				continue
			}
			seen[stream] = true
			gaps, archived, err := h.Gaps(ctx, stream)
			if err != nil {
				out = append(out, fmt.Sprintf("cannot tell which records of stream %s are missing: %v", stream, err))
				continue
			}
			if w := gapWarning(stream, gaps, archived, from, to); w != "" {
				out = append(out, w)
			}
		}
	}
	return out
}

// gapWarning describes the gaps of a stream that matter to a backtest from
// from to to, in one sentence ("" when none does).
func gapWarning(stream string, gaps []engine.HistoryGap, archived bool, from, to time.Time) string {
	var n int64
	var after, before time.Time // the earliest After and the latest Before
	var latestKnown time.Time   // the latest known Before
	var unknown []string        // shards whose gap has no known size
	relevant, afterKnown, beforeKnown := 0, true, true
	for _, g := range gaps {
		if !g.Before.IsZero() && !g.Before.After(from) || !g.After.IsZero() && !g.After.Before(to) {
			continue
		}
		if g.Records() == 0 {
			unknown = append(unknown, g.Shard)
		}
		n += g.Records()
		afterKnown = afterKnown && !g.After.IsZero()
		beforeKnown = beforeKnown && !g.Before.IsZero()
		if relevant == 0 || g.After.Before(after) {
			after = g.After
		}
		if relevant == 0 || g.Before.After(before) {
			before = g.Before
		}
		if g.Before.After(latestKnown) {
			latestKnown = g.Before
		}
		relevant++
	}
	if relevant == 0 {
		return ""
	}
	if !afterKnown {
		after = time.Time{}
	}
	if !beforeKnown {
		before = time.Time{}
	}
	stamp := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	if !archived {
		// Retention drops the oldest records: the latest time known bounds
		// them well enough.
		if latestKnown.IsZero() {
			return fmt.Sprintf("retention has dropped records of stream %s, which has no archive: the backtest sees less than the server did", stream)
		}
		return fmt.Sprintf("retention has dropped the records of stream %s that arrived before %s, and the stream has no archive: ticks before that see less than the server did",
			stream, stamp(latestKnown))
	}
	var what string
	switch {
	case n > 0 && len(unknown) > 0:
		what = fmt.Sprintf("%d records of stream %s (and those of its expired shards %s)", n, stream, strings.Join(unknown, ", "))
	case n > 0:
		what = fmt.Sprintf("%d records of stream %s", n, stream)
	default:
		what = fmt.Sprintf("the records of the expired shards %s of stream %s", strings.Join(unknown, ", "), stream)
	}
	switch {
	case !after.IsZero() && !before.IsZero():
		what += fmt.Sprintf(" that arrived between %s and %s", stamp(after), stamp(before))
	case !before.IsZero():
		what += " that arrived before " + stamp(before)
	case !after.IsZero():
		what += " that arrived after " + stamp(after)
	}
	return what + " are neither retained nor in its archive (retention dropped them before archive delivery reached them, or before the archive was added): ticks that look at them see less than the server did"
}

// WriteJSON writes the timeline as one JSON document.
func (tl *Timeline) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(tl)
}

// WriteText writes the timeline for people: rule by rule (in file order),
// instance by instance (in order of first change), each change on a line.
func (tl *Timeline) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Backtest from %s to %s: %d evaluations of %d rules.\n",
		tl.From.UTC().Format(time.RFC3339), tl.To.UTC().Format(time.RFC3339), tl.Evaluations, len(tl.rules))
	for _, warn := range tl.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", warn)
	}
	for _, r := range tl.rules {
		var health []Event
		byInstance := map[string][]Event{}
		var order []string
		for _, e := range tl.Events {
			if e.Group != r[0] || e.Rule != r[1] {
				continue
			}
			if e.Fingerprint == "" {
				health = append(health, e)
				continue
			}
			if _, ok := byInstance[e.Fingerprint]; !ok {
				order = append(order, e.Fingerprint)
			}
			byInstance[e.Fingerprint] = append(byInstance[e.Fingerprint], e)
		}
		fmt.Fprintf(&b, "\ngroup %s, rule %s", r[0], r[1])
		if len(order) == 0 && len(health) == 0 {
			b.WriteString(": no alerts\n")
			continue
		}
		b.WriteString("\n")
		for _, e := range health {
			fmt.Fprintf(&b, "  %s  rule %s", e.At.UTC().Format(time.RFC3339), e.To)
			if e.Error != "" {
				b.WriteString(": " + e.Error)
			}
			b.WriteString("\n")
		}
		for _, fp := range order {
			evs := byInstance[fp]
			fmt.Fprintf(&b, "  %s\n", LabelString(evs[0].Labels))
			for _, e := range evs {
				line := fmt.Sprintf("    %s  %-8s → %-8s", e.At.UTC().Format(time.RFC3339), e.From, e.To)
				if e.Value != nil {
					line += "  value " + strconv.FormatFloat(*e.Value, 'g', -1, 64)
				}
				b.WriteString(strings.TrimRight(line, " ") + "\n")
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
