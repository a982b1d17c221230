package rules

import (
	"fmt"
	"sort"
	"time"
)

// Event is one change of an alert instance's state, or of a rule's health
// (then Fingerprint and Labels are empty, and To is "error" or "ok"). A
// backtest's timeline is a list of them.
type Event struct {
	At          time.Time         `json:"at"`
	Group       string            `json:"group"`
	Rule        string            `json:"rule"`
	Fingerprint string            `json:"fingerprint,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	From        string            `json:"from"`
	To          string            `json:"to"`
	Value       *float64          `json:"value,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Error       string            `json:"error,omitempty"`
}

// ruleState is one rule's instances and health.
type ruleState struct {
	c      *compiled
	active map[Fingerprint]*instance

	lastError    string
	errorSince   time.Time
	lastEval     time.Time
	lastDuration time.Duration
	evaluations  int64
	failures     int64
}

func newRuleState(c *compiled) *ruleState {
	return &ruleState{c: c, active: map[Fingerprint]*instance{}}
}

// record applies one evaluation at ts: its rows, or the error of its
// query, and returns the changes. A failed query leaves the instances as
// they were (as Prometheus does) and marks the rule's health.
func (rs *ruleState) record(ts time.Time, rows []row, qerr error, took time.Duration) []Event {
	rs.lastEval, rs.lastDuration = ts, took
	rs.evaluations++
	if qerr == nil {
		var err error
		var events []Event
		events, err = rs.apply(ts, rows)
		if err == nil {
			if rs.lastError != "" {
				events = append(events, Event{At: ts, Group: rs.c.group, Rule: rs.c.rule.Alert, From: "error", To: "ok"})
			}
			rs.lastError, rs.errorSince = "", time.Time{}
			return events
		}
		qerr = err
	}
	rs.failures++
	var events []Event
	if rs.lastError == "" {
		rs.errorSince = ts
		events = append(events, Event{At: ts, Group: rs.c.group, Rule: rs.c.rule.Alert, From: "ok", To: "error", Error: qerr.Error()})
	}
	rs.lastError = qerr.Error()
	return events
}

// apply moves the instances through their states, as Prometheus's alerting
// rule does at each evaluation.
func (rs *ruleState) apply(ts time.Time, rows []row) ([]Event, error) {
	r := &rs.c.rule
	found := make(map[Fingerprint]*instance, len(rows))
	for _, rw := range rows {
		a := rs.instanceOf(rw)
		if prev, dup := found[a.Fingerprint]; dup {
			return nil, fmt.Errorf("two rows give the same labels %s: select the columns that tell them apart", LabelString(prev.Labels))
		}
		found[a.Fingerprint] = a
	}
	before := make(map[Fingerprint]State, len(rs.active))
	old := make(map[Fingerprint]*instance, len(rs.active))
	for fp, a := range rs.active {
		before[fp], old[fp] = a.State, a
	}
	for fp, a := range found {
		if old, ok := rs.active[fp]; ok && old.State != Resolved {
			old.Labels, old.Annotations, old.Value, old.Values = a.Labels, a.Annotations, a.Value, a.Values
			continue
		}
		a.State, a.ActiveAt = Pending, ts
		rs.active[fp] = a
	}
	for fp, a := range rs.active {
		if _, ok := found[fp]; !ok {
			keep := false
			if a.State == Firing && r.KeepFiringFor > 0 {
				if a.KeepFiringSince.IsZero() {
					a.KeepFiringSince = ts
				}
				keep = ts.Sub(a.KeepFiringSince) < r.KeepFiringFor
			}
			switch {
			case a.State == Pending, a.State == Resolved && ts.Sub(a.ResolvedAt) > ResolvedRetention:
				delete(rs.active, fp)
			case a.State == Firing && !keep:
				a.State, a.ResolvedAt, a.KeepFiringSince = Resolved, ts, time.Time{}
			}
			continue
		}
		a.KeepFiringSince = time.Time{}
		if a.State == Pending && ts.Sub(a.ActiveAt) >= r.For {
			a.State, a.FiredAt = Firing, ts
		}
	}
	var events []Event
	for fp, was := range before {
		a, ok := rs.active[fp]
		switch {
		case !ok && was == Pending:
			events = append(events, rs.event(ts, fp, old[fp], was, Inactive))
		case ok && a.State != was:
			events = append(events, rs.event(ts, fp, a, was, a.State))
		}
	}
	for fp, a := range rs.active {
		if _, ok := before[fp]; !ok {
			events = append(events, rs.event(ts, fp, a, Inactive, a.State))
		}
	}
	sortEvents(events)
	return events, nil
}

// instanceOf makes the instance a result row stands for: its labels are
// the row's text columns, then the rule's labels (expanded), then
// alertname; empty labels are dropped. Templates see the row's labels, as
// Prometheus's see the series' labels.
func (rs *ruleState) instanceOf(rw row) *instance {
	d := &templateData{Labels: rw.labels, Values: rw.values}
	if rw.value != nil {
		d.Value = *rw.value
	}
	labels := copyMap(rw.labels)
	for name, t := range rs.c.labels {
		labels[name] = expand(t, d)
	}
	labels["alertname"] = rs.c.rule.Alert
	for k, v := range labels {
		if v == "" {
			delete(labels, k)
		}
	}
	var ann map[string]string
	if len(rs.c.annotations) > 0 {
		ann = make(map[string]string, len(rs.c.annotations))
		for name, t := range rs.c.annotations {
			ann[name] = expand(t, d)
		}
	}
	return &instance{Fingerprint: fingerprint(labels), Labels: labels, Annotations: ann, Value: rw.value, Values: rw.values}
}

func (rs *ruleState) event(ts time.Time, fp Fingerprint, a *instance, from, to State) Event {
	e := Event{At: ts, Group: rs.c.group, Rule: rs.c.rule.Alert, Fingerprint: fp.String(), From: from.String(), To: to.String(),
		Labels: a.Labels, Annotations: a.Annotations}
	if to == Pending || to == Firing {
		e.Value = a.Value
	}
	return e
}

func sortEvents(events []Event) {
	sort.SliceStable(events, func(i, j int) bool {
		a, b := events[i], events[j]
		if !a.At.Equal(b.At) {
			return a.At.Before(b.At)
		}
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return LabelString(a.Labels) < LabelString(b.Labels)
	})
}

// due returns the notification this evaluation owes, marking its instances
// sent; nil when nothing is due.
func (rs *ruleState) due(ts time.Time, resend time.Duration) *Notification {
	var n *Notification
	for _, fp := range rs.sortedFingerprints() {
		a := rs.active[fp]
		if !a.needsSending(ts, resend) {
			continue
		}
		if n == nil {
			n = &Notification{Group: rs.c.group, Rule: rs.c.rule.Alert, At: ts}
		}
		ev := AlertEvent{Status: "firing", Labels: copyMap(a.Labels), Annotations: copyMap(a.Annotations), Value: a.Value,
			Values: copyMap(a.Values), StartsAt: a.FiredAt, Fingerprint: a.Fingerprint.String()}
		if a.State == Resolved {
			ev.Status, ev.EndsAt = "resolved", a.ResolvedAt
		}
		n.Alerts = append(n.Alerts, ev)
		a.LastSentAt = ts
	}
	return n
}

func (rs *ruleState) sortedFingerprints() []Fingerprint {
	fps := make([]Fingerprint, 0, len(rs.active))
	for fp := range rs.active {
		fps = append(fps, fp)
	}
	sort.Slice(fps, func(i, j int) bool {
		return LabelString(rs.active[fps[i]].Labels) < LabelString(rs.active[fps[j]].Labels)
	})
	return fps
}
