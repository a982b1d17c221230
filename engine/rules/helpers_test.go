package rules_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/seglog"
	"github.com/freshet/freshet/ingest/streamstore"
	"github.com/freshet/freshet/sql"
)

// testdata is the shared rules test data at the top of the module.
const testdata = "../../testdata/rules"

// clock is a settable clock for the store: a record put while it reads T
// arrives at T.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// env is a real engine over a real store (in memory, or on disk in dir)
// whose arrival clock the test sets.
type env struct {
	eng   *engine.Engine
	store *streamstore.Store
	clock *clock
	dir   string
	once  sync.Once
}

func newEnv(t *testing.T, dir string) *env {
	t.Helper()
	e := &env{clock: &clock{t: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}, dir: dir}
	o := streamstore.Options{RetentionCheck: -1, Now: e.clock.Now}
	engDir := ""
	if dir != "" {
		o.Dir = filepath.Join(dir, "streams")
		o.OpenLog = func(d string, lo ingest.LogOptions) (ingest.Log, error) { return seglog.Open(d, lo) }
		engDir = filepath.Join(dir, "engine")
	}
	store, err := streamstore.Open(o)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.Open(engine.Options{Store: store, Dir: engDir})
	if err != nil {
		t.Fatal(err)
	}
	e.eng, e.store = eng, store
	t.Cleanup(e.close)
	return e
}

func (e *env) close() {
	e.once.Do(func() {
		e.eng.Close()
		e.store.Close()
	})
}

func (e *env) exec(t *testing.T, script string) {
	t.Helper()
	stmts, err := sql.Parse(script)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stmts {
		res, err := e.eng.ExecuteStatement(context.Background(), s, engine.ExecOptions{})
		if err != nil {
			t.Fatalf("%s: %v", s.Source().Text, err)
		}
		res.Close()
	}
}

// put writes JSON records, each arriving at the time in its ts field.
func (e *env) put(t *testing.T, stream string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		var rec struct{ Ts time.Time }
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		e.clock.Set(rec.Ts)
		if _, err := e.store.PutRecords(context.Background(), stream, []ingest.PutEntry{{PartitionKey: l, Data: []byte(l)}}); err != nil {
			t.Fatal(err)
		}
	}
}

// loadLogs creates the sample stream logs and writes its records.
func (e *env) loadLogs(t *testing.T) {
	t.Helper()
	script, err := os.ReadFile(filepath.Join(testdata, "logs.sql"))
	if err != nil {
		t.Fatal(err)
	}
	e.exec(t, string(script))
	data, err := os.ReadFile(filepath.Join(testdata, "logs.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	e.put(t, "logs", strings.Split(strings.TrimSpace(string(data)), "\n")...)
}

func at(hhmmss string) time.Time {
	t, err := time.Parse(time.RFC3339, "2026-11-22T"+hhmmss+"Z")
	if err != nil {
		panic(err)
	}
	return t
}
