package rules

import (
	"fmt"
	"io"
	"sort"
)

// WriteMetrics writes the evaluator's metrics in the Prometheus text
// format: evaluations, failures and their duration per group and rule,
// missed ticks, the pending and firing instances per alert, and per
// notification target the notifications sent, the failed attempts, the
// dropped ones and the queue's length.
func (ev *Evaluator) WriteMetrics(w io.Writer) error {
	type ruleLine struct {
		group, rule          string
		evaluations, failure int64
	}
	type groupLine struct {
		name          string
		evals, missed int64
		seconds, last float64
	}
	var rules []ruleLine
	var groups []groupLine
	states := map[[2]string]int{} // alertname, state → count
	ev.mu.Lock()
	for _, gs := range ev.groups {
		groups = append(groups, groupLine{gs.g.Name, gs.evaluations, gs.missed, gs.seconds, gs.lastDuration.Seconds()})
		for _, rs := range gs.rules {
			rules = append(rules, ruleLine{gs.g.Name, rs.c.rule.Alert, rs.evaluations, rs.failures})
			states[[2]string{rs.c.rule.Alert, "pending"}] += 0
			states[[2]string{rs.c.rule.Alert, "firing"}] += 0
			for _, a := range rs.active {
				if a.State == Pending || a.State == Firing {
					states[[2]string{rs.c.rule.Alert, a.State.String()}]++
				}
			}
		}
	}
	ev.mu.Unlock()
	var err error
	p := func(format string, args ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, args...)
		}
	}
	p("# HELP freshet_rule_evaluations_total Evaluations of an alert rule.\n# TYPE freshet_rule_evaluations_total counter\n")
	for _, r := range rules {
		p("freshet_rule_evaluations_total{group=%q,rule=%q} %d\n", r.group, r.rule, r.evaluations)
	}
	p("# HELP freshet_rule_evaluation_failures_total Evaluations of an alert rule that failed.\n# TYPE freshet_rule_evaluation_failures_total counter\n")
	for _, r := range rules {
		p("freshet_rule_evaluation_failures_total{group=%q,rule=%q} %d\n", r.group, r.rule, r.failure)
	}
	p("# HELP freshet_rule_group_evaluation_duration_seconds Time spent evaluating a rule group.\n# TYPE freshet_rule_group_evaluation_duration_seconds summary\n")
	for _, g := range groups {
		p("freshet_rule_group_evaluation_duration_seconds_sum{group=%q} %g\n", g.name, g.seconds)
		p("freshet_rule_group_evaluation_duration_seconds_count{group=%q} %d\n", g.name, g.evals)
	}
	p("# HELP freshet_rule_group_last_duration_seconds Duration of a rule group's last evaluation.\n# TYPE freshet_rule_group_last_duration_seconds gauge\n")
	for _, g := range groups {
		p("freshet_rule_group_last_duration_seconds{group=%q} %g\n", g.name, g.last)
	}
	p("# HELP freshet_rule_group_missed_ticks_total Ticks skipped because an evaluation outlasted the interval.\n# TYPE freshet_rule_group_missed_ticks_total counter\n")
	for _, g := range groups {
		p("freshet_rule_group_missed_ticks_total{group=%q} %d\n", g.name, g.missed)
	}
	keys := make([][2]string, 0, len(states))
	for k := range states {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+"\x00"+keys[i][1] < keys[j][0]+"\x00"+keys[j][1] })
	p("# HELP freshet_alerts Alert instances that are pending or firing.\n# TYPE freshet_alerts gauge\n")
	for _, k := range keys {
		p("freshet_alerts{alertname=%q,state=%q} %d\n", k[0], k[1], states[k])
	}
	ds := ev.nf.all()
	sort.Slice(ds, func(i, j int) bool { return ds[i].name < ds[j].name })
	p("# HELP freshet_alert_notifications_sent_total Notifications delivered to a target.\n# TYPE freshet_alert_notifications_sent_total counter\n")
	for _, d := range ds {
		p("freshet_alert_notifications_sent_total{target=%q} %d\n", d.name, d.sent.Load())
	}
	p("# HELP freshet_alert_notifications_failed_total Delivery attempts that failed (each is retried).\n# TYPE freshet_alert_notifications_failed_total counter\n")
	for _, d := range ds {
		p("freshet_alert_notifications_failed_total{target=%q} %d\n", d.name, d.failed.Load())
	}
	p("# HELP freshet_alert_notifications_dropped_total Notifications given up: the target's queue overflowed, or shutdown came first.\n# TYPE freshet_alert_notifications_dropped_total counter\n")
	for _, d := range ds {
		p("freshet_alert_notifications_dropped_total{target=%q} %d\n", d.name, d.dropped.Load())
	}
	p("# HELP freshet_alert_notification_queue_length Notifications waiting for a target.\n# TYPE freshet_alert_notification_queue_length gauge\n")
	for _, d := range ds {
		p("freshet_alert_notification_queue_length{target=%q} %d\n", d.name, d.length())
	}
	return err
}
