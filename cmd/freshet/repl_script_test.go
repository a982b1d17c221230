package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runScript runs `freshet args…` as a child process with script piped to
// its standard input, as `freshet < script.sql` does.
func runScript(t *testing.T, script string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	js, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(js))
	cmd.Stdin = strings.NewReader(script)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// TestREPLScript pipes a script into `freshet repl`: statements over
// several lines, several on a line, comments, \format switches, \source of
// another script, and a last statement without a semicolon. The output
// has no prompts, banner or timings.
func TestREPLScript(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "more.sql")
	if err := os.WriteFile(other, []byte("INSERT INTO t VALUES ('c', 3);\n\\format table\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `-- set up
CREATE STREAM t (
  k VARCHAR,   -- the key; a ';' here does not end the statement
  v BIGINT
);
INSERT INTO t VALUES ('a', 1), ('b;', 2); SELECT k, v FROM t ORDER BY k;
\format csv
SELECT k, v FROM t ORDER BY k;
\source ` + other + `
SELECT COUNT(*) AS n FROM t`
	out, errs, code := runScript(t, script, "repl", "--data-dir", filepath.Join(dir, "data"))
	want := `Stream t created.
2 rows inserted into t.
k  | v
---+--
a  | 1
b; | 2
(2 rows)
k,v
a,1
b;,2
1 row inserted into t.
n
-
3
(1 row)
`
	if code != 0 || out != want || errs != "" {
		t.Fatalf("exit %d\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", code, out, want, errs)
	}

	// `freshet` with no arguments is the REPL too (data directory from
	// the environment), here reading standard input in-process.
	t.Setenv("FRESHET_DATA_DIR", filepath.Join(dir, "data"))
	var o, e bytes.Buffer
	if code := run(context.Background(), nil, strings.NewReader("SELECT COUNT(*) AS n FROM t;"), &o, &e); code != 0 || o.String() != "n\n-\n3\n(1 row)\n" {
		t.Fatalf("freshet < script: exit %d, stdout %q, stderr %q", code, o.String(), e.String())
	}
}

// TestREPLScriptErrors: the first failing statement ends a script with
// exit status 1 and its error, with the line:column in the script and a
// caret, on stderr; the statements after it do not run. With
// --continue-on-error they do, and the exit status is still 1.
func TestREPLScriptErrors(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	script := "CREATE STREAM e (k VARCHAR);\n" +
		"INSERT INTO e VALUES ('x');\n" +
		"SELECT k FROM e; SELECT k,\n" +
		"  nope FROM e;\n" +
		"SELECT COUNT(*) AS n FROM e;\n" +
		"\\bogus\n" +
		"SELEC 1;\n"
	out, errs, code := runScript(t, script, "repl", "--data-dir", data)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, errs)
	}
	wantErr := "error: line 4:3: unknown column \"nope\""
	if !strings.Contains(errs, wantErr) || !strings.Contains(errs, "\n    nope FROM e\n    ^\n") {
		t.Fatalf("stderr %q, want %q and a caret under nope", errs, wantErr)
	}
	if !strings.Contains(errs, "stopped at the first error") {
		t.Fatalf("stderr %q", errs)
	}
	if strings.Contains(out, "n\n-") || !strings.Contains(out, "k\n-\nx\n(1 row)\n") {
		t.Fatalf("stdout %q: the statement before the error runs, none after it", out)
	}

	out, errs, code = runScript(t, strings.Replace(script, "CREATE STREAM e", "CREATE STREAM IF NOT EXISTS e", 1), "repl", "--data-dir", data, "--continue-on-error")
	if code != 1 {
		t.Fatalf("--continue-on-error: exit %d, want 1", code)
	}
	for _, want := range []string{"error: line 4:3: unknown column", `error: line 6: unknown command \bogus`, "error: line 7:1: unknown statement \"SELEC\"", "3 of 7 statements failed"} {
		if !strings.Contains(errs, want) {
			t.Fatalf("--continue-on-error: stderr %q lacks %q", errs, want)
		}
	}
	if !strings.Contains(out, "n\n-\n2\n(1 row)\n") {
		t.Fatalf("--continue-on-error: the statements after the error did not run: %q", out)
	}

	// A syntax error: the parser's position, mapped into the script.
	_, errs, code = runScript(t, "SELECT 1 FROM e;\n  SELECT 'unterminated FROM e;\n", "repl", "--data-dir", data)
	if code != 1 || !strings.Contains(errs, "error: line 2:10: unterminated string literal") {
		t.Fatalf("syntax error: exit %d, stderr %q", code, errs)
	}
}
