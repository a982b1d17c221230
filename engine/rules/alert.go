package rules

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// State is where an alert instance is in Prometheus's life cycle:
// inactive → pending (for) → firing → resolved.
type State int

const (
	// Inactive: the condition does not hold (an instance that was pending
	// and whose row disappeared goes back here and is forgotten).
	Inactive State = iota
	// Pending: the condition holds, for less than the rule's for.
	Pending
	// Firing: the condition has held for at least for (or is kept firing
	// by keep_firing_for).
	Firing
	// Resolved: was firing, the condition cleared. Resolved instances are
	// kept for ResolvedRetention, so that receivers hear of it, then
	// forgotten.
	Resolved
)

// ResolvedRetention is how long a resolved instance stays listed.
const ResolvedRetention = 15 * time.Minute

var stateNames = [...]string{"inactive", "pending", "firing", "resolved"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "state(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText writes the state's name.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a state's name.
func (s *State) UnmarshalText(b []byte) error {
	for i, n := range stateNames {
		if n == string(b) {
			*s = State(i)
			return nil
		}
	}
	return fmt.Errorf("unknown alert state %q", b)
}

// instance is one alert of a rule: one label set. Its fields are what is
// persisted in alerts.json.
type instance struct {
	Fingerprint     Fingerprint        `json:"fingerprint"`
	Labels          map[string]string  `json:"labels"`
	Annotations     map[string]string  `json:"annotations,omitempty"`
	Value           *float64           `json:"value,omitempty"`
	Values          map[string]float64 `json:"values,omitempty"`
	State           State              `json:"state"`
	ActiveAt        time.Time          `json:"active_at"`
	FiredAt         time.Time          `json:"fired_at,omitzero"`
	ResolvedAt      time.Time          `json:"resolved_at,omitzero"`
	LastSentAt      time.Time          `json:"last_sent_at,omitzero"`
	KeepFiringSince time.Time          `json:"keep_firing_since,omitzero"`
}

// needsSending reports whether a notification about a is due at ts: on
// becoming firing, every resend while firing, and once on resolving.
func (a *instance) needsSending(ts time.Time, resend time.Duration) bool {
	switch a.State {
	case Firing:
		return a.LastSentAt.IsZero() || a.FiredAt.After(a.LastSentAt) || !a.LastSentAt.Add(resend).After(ts)
	case Resolved:
		return a.ResolvedAt.After(a.LastSentAt) || a.LastSentAt.IsZero()
	}
	return false
}

// Fingerprint identifies a label set: FNV-1a over the sorted names and
// values, as Prometheus computes it; written as 16 hex digits.
type Fingerprint uint64

func (f Fingerprint) String() string { return fmt.Sprintf("%016x", uint64(f)) }

// MarshalText writes the hex form.
func (f Fingerprint) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText reads the hex form.
func (f *Fingerprint) UnmarshalText(b []byte) error {
	v, err := strconv.ParseUint(string(b), 16, 64)
	*f = Fingerprint(v)
	return err
}

func fingerprint(labels map[string]string) Fingerprint {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	add := func(s string) {
		for i := 0; i < len(s); i++ {
			h ^= uint64(s[i])
			h *= prime
		}
		h ^= 0xff
		h *= prime
	}
	for _, k := range sortedKeys(labels) {
		add(k)
		add(labels[k])
	}
	return Fingerprint(h)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// LabelString writes labels as Prometheus does: {a="x", b="y"}.
func LabelString(labels map[string]string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range sortedKeys(labels) {
		if i > 0 {
			b.WriteString(", ")
		}
		v, _ := json.Marshal(labels[k])
		b.WriteString(k + "=" + string(v))
	}
	b.WriteByte('}')
	return b.String()
}

func copyMap[V any](m map[string]V) map[string]V {
	if m == nil {
		return nil
	}
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
