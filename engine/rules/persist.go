package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/google/renameio/v2"
)

// StateFile is the name of the file in Options.Dir that keeps the alerts'
// state across restarts.
const StateFile = "alerts.json"

// stateVersion is the format of StateFile.
const stateVersion = 1

type savedState struct {
	Version int          `json:"version"`
	Rules   []*savedRule `json:"rules"`
}

// savedRule is one rule's state in StateFile, found again by group name
// and rule key (alert name and labels, see ruleKey).
type savedRule struct {
	Group      string      `json:"group"`
	Key        string      `json:"key"`
	LastError  string      `json:"last_error,omitempty"`
	ErrorSince time.Time   `json:"error_since,omitzero"`
	Alerts     []*instance `json:"alerts"`
}

func (s *savedRule) restore(c *compiled) *ruleState {
	rs := newRuleState(c)
	rs.lastError, rs.errorSince = s.LastError, s.ErrorSince
	for _, a := range s.Alerts {
		rs.active[a.Fingerprint] = a
	}
	return rs
}

// loadState reads StateFile from dir; a missing file (or dir "") is no
// state.
func loadState(dir string) (map[string]*savedRule, error) {
	out := map[string]*savedRule{}
	if dir == "" {
		return out, nil
	}
	path := filepath.Join(dir, StateFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load alert state: %w", err)
	}
	var st savedState
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("load alert state %s: %w (move the file away to start without alert state)", path, err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("load alert state %s: unknown version %d", path, st.Version)
	}
	for _, r := range st.Rules {
		for _, a := range r.Alerts {
			if a.Labels == nil {
				return nil, fmt.Errorf("load alert state %s: an alert of %s/%s has no labels", path, r.Group, r.Key)
			}
			a.Fingerprint = fingerprint(a.Labels)
		}
		out[r.Group+"\x00"+r.Key] = r
	}
	return out, nil
}

// save writes every rule's state to StateFile, atomically (renameio),
// when it changed since the last save. Before the first Load, the restored
// state is written back as it was.
func (ev *Evaluator) save() error {
	if ev.opts.Dir == "" {
		return nil
	}
	ev.saveMu.Lock()
	defer ev.saveMu.Unlock()
	ev.mu.Lock()
	st := savedState{Version: stateVersion, Rules: []*savedRule{}}
	for _, gs := range ev.groups {
		for _, rs := range gs.rules {
			r := &savedRule{Group: gs.g.Name, Key: rs.c.key, LastError: rs.lastError, ErrorSince: rs.errorSince, Alerts: []*instance{}}
			for _, fp := range rs.sortedFingerprints() {
				r.Alerts = append(r.Alerts, rs.active[fp])
			}
			st.Rules = append(st.Rules, r)
		}
	}
	for _, r := range ev.restored {
		st.Rules = append(st.Rules, r)
	}
	data, err := json.MarshalIndent(&st, "", "  ")
	ev.mu.Unlock()
	if err != nil {
		return fmt.Errorf("save alert state: %w", err)
	}
	data = append(data, '\n')
	if bytes.Equal(data, ev.saved) {
		return nil
	}
	if err := os.MkdirAll(ev.opts.Dir, 0o755); err != nil {
		return fmt.Errorf("save alert state: %w", err)
	}
	if err := renameio.WriteFile(filepath.Join(ev.opts.Dir, StateFile), data, 0o644); err != nil {
		return fmt.Errorf("save alert state: %w", err)
	}
	ev.saved = data
	return nil
}
