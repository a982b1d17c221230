package repl

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMetaCommands runs the meta-commands from a script on an embedded
// engine: \streams, \describe, \queries and \stop with a persistent
// query, \tail (straight from the store), \timing, \output, \help and
// \quit, which ends the script.
func TestMetaCommands(t *testing.T) {
	eng := newEngine(t)
	b := NewEmbedded(eng, "memory")
	out := filepath.Join(t.TempDir(), "out.csv")
	script := `CREATE STREAM src (k VARCHAR, v BIGINT);
CREATE STREAM dst (k VARCHAR, total BIGINT);
INSERT INTO src VALUES ('a', 1), ('b', 2), ('c', 3);
\streams
\describe src
INSERT INTO dst SELECT k, SUM(v) AS total FROM src GROUP BY k;
\queries
\stop q1
\queries
\alerts
\tail src 2
\format csv
\output ` + out + `
SELECT k FROM src ORDER BY k;
\output
\timing on
SELECT COUNT(*) AS n FROM src;
\timing off
\help
\quit
SELECT 'not run' FROM src;
`
	stdout, stderr, err := runScript(t, b, script, Config{})
	if err != nil || stderr != "" {
		t.Fatalf("%v\nstderr:\n%s\nstdout:\n%s", err, stderr, stdout)
	}
	for _, want := range []string{
		"dst  | 1      | json   |", // \streams
		"src  | 1      | json   |",
		"(format)          | json", // \describe
		"Query q1 started",
		"q1 | RUNNING | src",   // \queries
		"Query q1 stopped.",    // \stop
		"id | status | source", // \queries, now empty
		"group | rule | state", // \alerts (no rules in an embedded engine)
		"arrival                  | shard                | sequence", // \tail
		`| {"k":"b","v":2}`,
		`| {"k":"c","v":3}`,
		"n\n3\nTime: ", // \timing on, csv
		"Timing is off.",
		`\tail STREAM [N]`, // \help
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, `{"k":"a","v":1}`) || strings.Contains(stdout, "not run") {
		t.Errorf("\\tail src 2 showed more than 2 records, or \\quit did not end the script:\n%s", stdout)
	}
	if got, err := os.ReadFile(out); err != nil || string(got) != "k\na\nb\nc\n" {
		t.Errorf("\\output file: %q %v", got, err)
	}
}

// TestTailThroughSQL checks \tail on a backend that cannot read the store
// (as on a server): the newest rows by arrival, oldest first.
func TestTailThroughSQL(t *testing.T) {
	eng := newEngine(t)
	b := sqlOnly{NewEmbedded(eng, "memory")}
	script := "CREATE STREAM s (k VARCHAR);\nINSERT INTO s VALUES ('a');\nINSERT INTO s VALUES ('b');\nINSERT INTO s VALUES ('c');\n\\format csv\n\\tail s 2\n"
	stdout, stderr, err := runScript(t, b, script, Config{})
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[len(lines)-3], "_arrival,_shard,_sequence,_partition_key,k") ||
		!strings.HasSuffix(lines[len(lines)-2], ",b") || !strings.HasSuffix(lines[len(lines)-1], ",c") {
		t.Fatalf("stdout:\n%s", stdout)
	}
}

// sqlOnly hides Embedded's Tailer.
type sqlOnly struct{ b Backend }

func (s sqlOnly) Exec(ctx context.Context, stmt string, o ExecOptions, out ResultWriter) error {
	return s.b.Exec(ctx, stmt, o, out)
}
func (s sqlOnly) String() string { return s.b.String() }

// TestScriptErrorsAndMeta: a meta-command error and a statement error
// both end a script, unless ContinueOnError.
func TestScriptErrorsAndMeta(t *testing.T) {
	b := NewEmbedded(newEngine(t), "memory")
	_, stderr, err := runScript(t, b, "\\format yaml\nSELECT 1;\n", Config{})
	if err == nil || !strings.Contains(stderr, `error: line 1: unknown format "yaml"`) || strings.Contains(stderr, "SELECT needs") {
		t.Fatalf("%v: %q", err, stderr)
	}
	_, stderr, err = runScript(t, b, "\\tail\n\\stop\nSELECT 1;\n", Config{ContinueOnError: true})
	if err == nil || err.Error() != "3 of 3 statements failed" || !strings.Contains(stderr, `usage: \tail STREAM [N]`) || !strings.Contains(stderr, "SELECT needs FROM") {
		t.Fatalf("%v: %q", err, stderr)
	}
}

// TestDemoStatements checks that the demo's DDL, generated inserts and
// suggested query are valid SQL, and that the query (from the oldest
// record) produces window rows from inserted clicks.
func TestDemoStatements(t *testing.T) {
	eng := newEngine(t)
	ctx := context.Background()
	if _, err := eng.Execute(ctx, demoDDL); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Now().Add(-time.Minute).Truncate(10 * time.Second)
	for i := 0; i < 30; i++ {
		res, err := eng.Execute(ctx, demoInsert(rng, start.Add(time.Duration(i)*time.Second), 20))
		if err != nil {
			t.Fatal(err)
		}
		res.Close()
	}
	var c collector
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	q := strings.Replace(DemoQuery, "EMIT CHANGES;", "EMIT CHANGES LIMIT 1", 1)
	if err := NewEmbedded(eng, "memory").Exec(cctx, q, ExecOptions{FromEarliest: true}, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.rows) != 1 || strings.Join(c.cols, ",") != "url,views,revenue,window_end" {
		t.Fatalf("%v %v", c.cols, c.rows)
	}
}
