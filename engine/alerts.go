package engine

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/freshet/freshet/sql"
)

// Alert is one alert-rule instance as SHOW ALERTS and GET /v1/alerts list
// it. A rule whose last evaluation failed appears once with State "error",
// its Error, and no labels.
type Alert struct {
	Group string `json:"group"`
	Rule  string `json:"rule"`
	// State is "pending", "firing", "resolved" (kept for a while after the
	// condition cleared, so that receivers hear of it) or "error".
	State string `json:"state"`
	// Since is when the instance became active (Prometheus's activeAt), or
	// when the rule started failing.
	Since time.Time `json:"since"`
	// Value is the instance's first numeric column; nil when it has none.
	Value       *float64          `json:"value"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	Error       string            `json:"error,omitempty"`
}

// AlertSource lists alert instances; the alert-rule evaluator
// (engine/rules) implements it and is attached with SetAlertSource.
type AlertSource interface {
	Alerts() []Alert
}

// SetAlertSource makes SHOW ALERTS and Alerts list src's instances; nil
// detaches it.
func (e *Engine) SetAlertSource(src AlertSource) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.alerts = src
}

// Alerts returns the attached source's alert instances (none without one).
func (e *Engine) Alerts() []Alert {
	e.mu.Lock()
	src := e.alerts
	e.mu.Unlock()
	if src == nil {
		return []Alert{}
	}
	return src.Alerts()
}

var showAlertsSchema = sql.Schema{
	{Name: "group", Type: sql.String}, {Name: "rule", Type: sql.String}, {Name: "state", Type: sql.String},
	{Name: "since", Type: sql.Timestamp}, {Name: "value", Type: sql.Float64},
	{Name: "labels", Type: sql.String}, {Name: "annotations", Type: sql.String}, {Name: "error", Type: sql.String},
}

func (e *Engine) showAlerts() (*Result, error) {
	var rows [][]sql.Value
	for _, a := range e.Alerts() {
		value := sql.NullOf(sql.Float64)
		if a.Value != nil {
			value = sql.FloatValue(*a.Value)
		}
		since := sql.NullOf(sql.Timestamp)
		if !a.Since.IsZero() {
			since = sql.TimestampValue(a.Since)
		}
		rows = append(rows, []sql.Value{str(a.Group), str(a.Rule), str(a.State), since, value,
			str(labelText(a.Labels)), str(jsonText(a.Annotations)), str(a.Error)})
	}
	rec, err := buildRecord(e.opts.Mem, showAlertsSchema, rows)
	if err != nil {
		return nil, err
	}
	return staticResult(showAlertsSchema, rec), nil
}

// labelText writes labels as Prometheus does: {a="x", b="y"}, sorted.
func labelText(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		v, _ := json.Marshal(m[k])
		b.WriteString(k + "=" + string(v))
	}
	b.WriteByte('}')
	return b.String()
}

func jsonText(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m) // map keys come out sorted
	return string(b)
}
