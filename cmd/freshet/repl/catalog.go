package repl

import (
	"context"
	"errors"
	"strings"
	"time"
)

// catalogCache holds the streams and their columns for completion, as
// SHOW STREAMS last listed them.
type catalogCache struct {
	at      time.Time
	streams map[string][]string // name → column names
}

// catalogTTL is how long the cached list is used; statements the REPL runs
// invalidate it at once.
const catalogTTL = 5 * time.Second

// streams returns the streams and their columns, from the cache when it
// is fresh, else through SHOW STREAMS on the backend (which works the same
// on both backends).
func (r *REPL) streams(ctx context.Context) (map[string][]string, error) {
	r.catMu.Lock()
	defer r.catMu.Unlock()
	if r.cat.streams != nil && time.Since(r.cat.at) < catalogTTL {
		return r.cat.streams, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var c collector
	if err := r.cfg.Backend.Exec(ctx, "SHOW STREAMS", ExecOptions{}, &c); err != nil {
		return r.cat.streams, err
	}
	name, cols := c.column("name"), c.column("columns")
	if name < 0 {
		return r.cat.streams, errors.New("SHOW STREAMS has no name column")
	}
	out := make(map[string][]string, len(c.rows))
	for _, row := range c.rows {
		var names []string
		if cols >= 0 {
			names = columnList(row[cols].Text)
		}
		out[row[name].Text] = names
	}
	r.cat = catalogCache{at: time.Now(), streams: out}
	return out, nil
}

// invalidateCatalog makes the next completion list the streams again.
func (r *REPL) invalidateCatalog() {
	r.catMu.Lock()
	r.cat.at = time.Time{}
	r.catMu.Unlock()
}

// columnList reads the column names out of SHOW STREAMS's "(a BIGINT, b
// VARCHAR)".
func columnList(s string) []string {
	s = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "("), ")")
	var out []string
	for _, part := range strings.Split(s, ",") {
		if f := strings.Fields(part); len(f) > 0 {
			out = append(out, strings.Trim(f[0], "`"))
		}
	}
	return out
}
