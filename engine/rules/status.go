package rules

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/freshet/freshet/engine"
)

var _ engine.AlertSource = (*Evaluator)(nil)

// Alerts lists the alert instances, group by group and rule by rule, each
// rule's sorted by labels: pending, firing and recently resolved ones
// (Since is when the instance became active, or when it resolved), and one
// entry in state "error" for a rule whose last evaluation failed. It
// implements engine.AlertSource, for SHOW ALERTS and GET /v1/alerts.
func (ev *Evaluator) Alerts() []engine.Alert {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	out := []engine.Alert{}
	for _, gs := range ev.groups {
		for _, rs := range gs.rules {
			if rs.lastError != "" {
				out = append(out, engine.Alert{Group: gs.g.Name, Rule: rs.c.rule.Alert, State: "error", Since: rs.errorSince,
					Labels: map[string]string{}, Annotations: map[string]string{}, Error: rs.lastError})
			}
			for _, fp := range rs.sortedFingerprints() {
				a := rs.active[fp]
				since := a.ActiveAt
				if a.State == Resolved {
					since = a.ResolvedAt
				}
				out = append(out, engine.Alert{Group: gs.g.Name, Rule: rs.c.rule.Alert, State: a.State.String(), Since: since,
					Value: a.Value, Labels: copyMap(a.Labels), Annotations: copyMap(orEmpty(a.Annotations))})
			}
		}
	}
	return out
}

// GroupStatus is a loaded group, as GET /v1/rules lists it.
type GroupStatus struct {
	Name     string       `json:"name"`
	Interval string       `json:"interval"`
	LastEval time.Time    `json:"last_evaluation,omitzero"`
	Seconds  float64      `json:"last_evaluation_seconds"`
	Rules    []RuleStatus `json:"rules"`
}

// RuleStatus is a loaded rule and its health: "ok", "error" (LastError
// says why) or "unknown" before its first evaluation.
type RuleStatus struct {
	Alert         string            `json:"alert"`
	SQL           string            `json:"sql"`
	For           string            `json:"for"`
	KeepFiringFor string            `json:"keep_firing_for"`
	Labels        map[string]string `json:"labels,omitempty"`
	Annotations   map[string]string `json:"annotations,omitempty"`
	Health        string            `json:"health"`
	LastError     string            `json:"last_error,omitempty"`
	LastEval      time.Time         `json:"last_evaluation,omitzero"`
	Seconds       float64           `json:"last_evaluation_seconds"`
	Pending       int               `json:"pending"`
	Firing        int               `json:"firing"`
}

// Groups returns the loaded groups and their rules' health.
func (ev *Evaluator) Groups() []GroupStatus {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	out := []GroupStatus{}
	for _, gs := range ev.groups {
		g := GroupStatus{Name: gs.g.Name, Interval: FormatDuration(gs.g.Every()), LastEval: gs.lastEval,
			Seconds: gs.lastDuration.Seconds(), Rules: []RuleStatus{}}
		for _, rs := range gs.rules {
			r := rs.c.rule
			st := RuleStatus{Alert: r.Alert, SQL: r.SQL, For: FormatDuration(r.For), KeepFiringFor: FormatDuration(r.KeepFiringFor),
				Labels: r.Labels, Annotations: r.Annotations, Health: "unknown", LastError: rs.lastError,
				LastEval: rs.lastEval, Seconds: rs.lastDuration.Seconds()}
			switch {
			case rs.lastError != "":
				st.Health = "error"
			case !rs.lastEval.IsZero():
				st.Health = "ok"
			}
			for _, a := range rs.active {
				switch a.State {
				case Pending:
					st.Pending++
				case Firing:
					st.Firing++
				}
			}
			g.Rules = append(g.Rules, st)
		}
		out = append(out, g)
	}
	return out
}

// Handler serves the rules' part of the query API:
//
//	GET  /v1/rules          the groups and their rules' health (GroupStatus)
//	POST /v1/rules/reload   reload the rule files (as SIGHUP does)
//
// reload re-reads the files and calls Load; nil answers 404 to reloads.
func Handler(ev *Evaluator, reload func() error) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/rules", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"groups": ev.Groups()})
	})
	mux.HandleFunc("POST /v1/rules/reload", func(w http.ResponseWriter, r *http.Request) {
		if reload == nil {
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "no rule files to reload (serve --rules FILE_OR_DIR)"})
			return
		}
		if err := reload(); err != nil {
			body := map[string]any{"error": err.Error()}
			var list ErrorList
			if errors.As(err, &list) {
				msgs := make([]string, len(list))
				for i, e := range list {
					msgs[i] = e.Error()
				}
				body["errors"] = msgs
			}
			writeJSON(w, http.StatusBadRequest, body)
			return
		}
		groups := ev.Groups()
		n := 0
		for _, g := range groups {
			n += len(g.Rules)
		}
		writeJSON(w, http.StatusOK, map[string]any{"message": "rules reloaded", "groups": len(groups), "rules": n})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
