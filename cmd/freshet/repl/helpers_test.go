package repl

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/ingest/streamstore"
	"github.com/freshet/freshet/sql"
)

// newEngine opens an engine over an in-memory store, closed when the test
// ends.
func newEngine(t *testing.T) *engine.Engine {
	t.Helper()
	store, err := streamstore.Open(streamstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.Open(engine.Options{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		eng.Close()
		store.Close()
	})
	return eng
}

// runScript runs script through a non-interactive REPL on b.
func runScript(t *testing.T, b Backend, script string, cfg Config) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	cfg.Backend = b
	cfg.Stdin = strings.NewReader(script)
	cfg.Stdout, cfg.Stderr = &out, &errb
	cfg.Functions = sql.NewFunctions().Names()
	err = New(cfg).Run(context.Background())
	return out.String(), errb.String(), err
}
