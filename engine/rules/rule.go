package rules

import (
	"fmt"
	"net/url"
	"regexp"
	"time"
)

// DefaultInterval is how often a group without an interval is evaluated.
const DefaultInterval = time.Minute

// Config is what rule files hold: groups of alert rules, and where their
// notifications go.
type Config struct {
	Groups []Group
	Notify []Target
}

// Group is a set of rules evaluated together, one after the other, at
// each tick of Interval.
type Group struct {
	Name string
	// Interval between evaluations; 0 means DefaultInterval.
	Interval time.Duration
	Rules    []Rule
	// Pos is where the group is defined (zero for groups built in Go).
	Pos Pos
}

// Every returns the group's evaluation interval.
func (g *Group) Every() time.Duration {
	if g.Interval <= 0 {
		return DefaultInterval
	}
	return g.Interval
}

// Rule is one alert rule: a snapshot SELECT whose result rows are its
// alert instances.
type Rule struct {
	// Alert names the alert (the alertname label).
	Alert string
	// SQL is a snapshot SELECT, evaluated with NOW() bound to the tick.
	// Its text columns become labels, its numeric columns values.
	SQL string
	// For is how long an instance stays pending before it fires.
	For time.Duration
	// KeepFiringFor keeps an instance firing that long after its row
	// disappeared.
	KeepFiringFor time.Duration
	// Labels are added to each instance's labels (they win over columns of
	// the same name); values are templates.
	Labels map[string]string
	// Annotations are templates expanded for each instance.
	Annotations map[string]string
	// Pos is where the rule is defined (its alert: line).
	Pos Pos

	src ruleSource
}

// ruleSource keeps where the parts of a rule came from, for Check.
type ruleSource struct {
	sql         placement
	labels      map[string]placement
	annotations map[string]placement
}

// TargetKind says what a notification target is.
type TargetKind int

const (
	// Webhook posts the Alertmanager webhook body (version 4).
	Webhook TargetKind = iota + 1
	// HTTP posts Freshet's own JSON: {group, rule, alerts: [event…]}.
	HTTP
	// Stream writes one JSON record per alert event to a Freshet stream.
	Stream
	// Log writes one line per alert event to the server log.
	Log
)

// Target is one place notifications go.
type Target struct {
	Kind TargetKind
	// URL of a Webhook or HTTP target.
	URL string
	// Stream is the name of a Stream target.
	Stream string
	Pos    Pos
}

// String names the target, as the metrics label and in logs:
// "webhook http://…", "http http://…", "stream alerts" or "log".
func (t Target) String() string {
	switch t.Kind {
	case Webhook:
		return "webhook " + t.URL
	case HTTP:
		return "http " + t.URL
	case Stream:
		return "stream " + t.Stream
	case Log:
		return "log"
	}
	return fmt.Sprintf("target(%d)", int(t.Kind))
}

var (
	alertNameRE  = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelNameRE  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	streamNameRE = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,128}$`)
)

// Validate checks what YAML alone cannot: unique group names, positive
// intervals, alert and label names, targets. Check adds the SQL and the
// templates.
func (c *Config) Validate() ErrorList {
	var errs ErrorList
	seen := map[string]Pos{}
	for gi := range c.Groups {
		g := &c.Groups[gi]
		if g.Name == "" {
			errs.add(g.Pos, "group without a name")
		} else if p, dup := seen[g.Name]; dup {
			errs.add(g.Pos, "group %q is defined twice (first at %s)", g.Name, p)
		} else {
			seen[g.Name] = g.Pos
		}
		if g.Interval < 0 {
			errs.add(g.Pos, "group %q: interval must be positive", g.Name)
		}
		for ri := range g.Rules {
			r := &g.Rules[ri]
			what := fmt.Sprintf("group %q, rule %q", g.Name, r.Alert)
			switch {
			case r.Alert == "":
				errs.add(r.Pos, "group %q, rule %d: alert name is missing", g.Name, ri+1)
			case !alertNameRE.MatchString(r.Alert):
				errs.add(r.Pos, "%s: bad alert name (use letters, digits, _ and :)", what)
			}
			if r.SQL == "" {
				errs.add(r.Pos, "%s: sql is missing", what)
			}
			if r.For < 0 || r.KeepFiringFor < 0 {
				errs.add(r.Pos, "%s: for and keep_firing_for must not be negative", what)
			}
			for name := range r.Labels {
				if !labelNameRE.MatchString(name) || len(name) > 1 && name[:2] == "__" {
					errs.add(r.src.labels[name].at, "%s: bad label name %q (use letters, digits and _, not starting with __)", what, name)
				}
			}
			for name := range r.Annotations {
				if !labelNameRE.MatchString(name) {
					errs.add(r.src.annotations[name].at, "%s: bad annotation name %q (use letters, digits and _)", what, name)
				}
			}
		}
	}
	for _, t := range c.Notify {
		switch t.Kind {
		case Webhook, HTTP:
			u, err := url.Parse(t.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				errs.add(t.Pos, "notify: bad URL %q (want http:// or https://)", t.URL)
			}
		case Stream:
			if !streamNameRE.MatchString(t.Stream) {
				errs.add(t.Pos, "notify: bad stream name %q", t.Stream)
			}
		case Log:
		default:
			errs.add(t.Pos, "notify: unknown target kind %d", int(t.Kind))
		}
	}
	return errs
}
