package rules

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/streamstore"
	"github.com/freshet/freshet/sql"
)

// RunTests runs every test of tf, each on a fresh in-memory engine, and
// writes one line per test to w ("ok" or "FAILED" with what differed). It
// returns how many tests failed; err is for a file that cannot run at all
// (rule files that do not load).
func RunTests(ctx context.Context, tf *TestFile, w io.Writer) (failed int, err error) {
	cfg := &Config{}
	for _, f := range tf.RuleFiles {
		c, err := Load(f)
		if err != nil {
			return 0, err
		}
		cfg.Groups = append(cfg.Groups, c.Groups...)
	}
	if err := cfg.Validate().Err(); err != nil {
		return 0, err
	}
	for _, tc := range tf.Tests {
		problems, err := runTest(ctx, cfg, &tc)
		if err != nil {
			problems = append(problems, err.Error())
		}
		name := fmt.Sprintf("%s: test %q", tc.Pos, tc.Name)
		if len(problems) == 0 {
			fmt.Fprintf(w, "ok      %s\n", name)
			continue
		}
		failed++
		fmt.Fprintf(w, "FAILED  %s\n", name)
		for _, p := range problems {
			fmt.Fprintf(w, "  %s\n", strings.ReplaceAll(p, "\n", "\n  "))
		}
	}
	if failed > 0 {
		fmt.Fprintf(w, "FAIL: %d of %d tests failed\n", failed, len(tf.Tests))
	} else {
		fmt.Fprintf(w, "PASS: %d tests\n", len(tf.Tests))
	}
	return failed, nil
}

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// runTest runs one test and returns what differed.
func runTest(ctx context.Context, cfg *Config, tc *TestCase) ([]string, error) {
	clock := &testClock{t: tc.Start}
	store, err := streamstore.Open(streamstore.Options{RetentionCheck: -1, Now: clock.now})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	eng, err := engine.Open(engine.Options{Store: store, Now: clock.now})
	if err != nil {
		return nil, err
	}
	defer eng.Close()
	for _, s := range tc.Setup {
		if err := execScript(ctx, eng, s); err != nil {
			return nil, fmt.Errorf("setup: %w", err)
		}
	}
	if err := writeInput(ctx, eng, clock, tc.Input); err != nil {
		return nil, err
	}
	comp, errs := compile(cfg, eng.Catalog(), eng.Functions())
	if err := errs.Err(); err != nil {
		return nil, fmt.Errorf("the rules do not check against the test's streams:\n%w", err)
	}
	states := make([][]*ruleState, len(cfg.Groups))
	for gi := range cfg.Groups {
		for _, c := range comp[gi] {
			states[gi] = append(states[gi], newRuleState(c))
		}
	}
	checks := append([]AlertCheck(nil), tc.Checks...)
	sort.SliceStable(checks, func(i, j int) bool { return checks[i].At.Before(checks[j].At) })
	next := make([]time.Time, len(cfg.Groups))
	for gi := range cfg.Groups {
		next[gi] = firstTick(tc.Start, cfg.Groups[gi].Every())
	}
	src := History{Engine: eng}
	var problems []string
	for _, chk := range checks {
		// Evaluate, in time order, every tick up to the check.
		for {
			gi := -1
			for i := range next {
				if !next[i].After(chk.At) && (gi < 0 || next[i].Before(next[gi])) {
					gi = i
				}
			}
			if gi < 0 {
				break
			}
			at := next[gi]
			for _, rs := range states[gi] {
				rows, err := query(ctx, src, rs.c.rule.SQL, at)
				for _, e := range rs.record(at, rows, err, 0) {
					if e.To == "error" {
						problems = append(problems, fmt.Sprintf("at %s, rule %s failed: %s", at.Format(time.RFC3339), e.Rule, e.Error))
					}
				}
			}
			next[gi] = at.Add(cfg.Groups[gi].Every())
		}
		if p := compareAlerts(chk, tc.Start, states); p != "" {
			problems = append(problems, p)
		}
	}
	return problems, nil
}

func execScript(ctx context.Context, eng *engine.Engine, script string) error {
	stmts, err := sql.Parse(script)
	if err != nil {
		return err
	}
	for _, s := range stmts {
		res, err := eng.ExecuteStatement(ctx, s, engine.ExecOptions{})
		if err != nil {
			return err
		}
		res.Close()
	}
	return nil
}

// writeInput writes the records in time order, each arriving at its time.
func writeInput(ctx context.Context, eng *engine.Engine, clock *testClock, input []InputRecord) error {
	recs := append([]InputRecord(nil), input...)
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].At.Before(recs[j].At) })
	for i := range recs {
		r := &recs[i]
		def, ok := eng.Catalog().Stream(strings.ToLower(r.Stream))
		switch {
		case !ok:
			return fmt.Errorf("%s: input_records: no stream %s (create it in setup)", r.Pos, r.Stream)
		case def.Options.EventTime == "":
			return fmt.Errorf("%s: input_records: stream %s has no event_time column, which rule tests need", r.Pos, r.Stream)
		case def.Options.Format != "json":
			return fmt.Errorf("%s: input_records: stream %s is %s; rule tests write JSON records", r.Pos, r.Stream, def.Options.Format)
		}
		if err := r.encode(def.Options.EventTime); err != nil {
			return err
		}
		clock.set(r.At)
		res, err := eng.Store().PutRecords(ctx, def.Name, []ingest.PutEntry{{PartitionKey: strconv.Itoa(i), Data: r.Data}})
		if err != nil {
			return fmt.Errorf("%s: write record: %w", r.Pos, err)
		}
		if res[0].Err != nil {
			return fmt.Errorf("%s: write record: %w", r.Pos, res[0].Err)
		}
	}
	return nil
}

type gotAlert struct {
	labels, annotations map[string]string
	state               State
}

// compareAlerts compares an alert's pending and firing instances with a
// check's expectations; "" when they agree.
func compareAlerts(chk AlertCheck, start time.Time, states [][]*ruleState) string {
	var got []gotAlert
	for _, g := range states {
		for _, rs := range g {
			if rs.c.rule.Alert != chk.Alert {
				continue
			}
			for _, fp := range rs.sortedFingerprints() {
				a := rs.active[fp]
				if a.State != Pending && a.State != Firing {
					continue
				}
				labels := copyMap(a.Labels)
				delete(labels, "alertname")
				got = append(got, gotAlert{labels, orEmpty(a.Annotations), a.State})
			}
		}
	}
	ok := len(got) == len(chk.Expected)
	used := make([]bool, len(got))
	for _, x := range chk.Expected {
		found := false
		for i, g := range got {
			if used[i] || LabelString(g.labels) != LabelString(x.Labels) {
				continue
			}
			used[i], found = true, true
			if g.state != x.State || (x.Annotations != nil && LabelString(g.annotations) != LabelString(x.Annotations)) {
				ok = false
			}
			break
		}
		ok = ok && found
	}
	if ok {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: at %s (%s), alert %s:\n  expected:", chk.Pos, FormatDuration(chk.At.Sub(start)), chk.At.Format(time.RFC3339), chk.Alert)
	if len(chk.Expected) == 0 {
		b.WriteString(" none")
	}
	for _, x := range chk.Expected {
		fmt.Fprintf(&b, "\n    %s", describeAlert(x.State, x.Labels, x.Annotations))
	}
	b.WriteString("\n  got:")
	if len(got) == 0 {
		b.WriteString(" none")
	}
	for _, g := range got {
		fmt.Fprintf(&b, "\n    %s", describeAlert(g.state, g.labels, g.annotations))
	}
	return b.String()
}

func describeAlert(s State, labels, annotations map[string]string) string {
	out := fmt.Sprintf("%-7s %s", s, LabelString(labels))
	if annotations != nil {
		out += " annotations " + LabelString(annotations)
	}
	return out
}
