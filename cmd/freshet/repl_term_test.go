package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/freshet/freshet/cmd/freshet/repl"
)

// expectTimeout is how long a terminal test waits for what it expects.
const expectTimeout = 15 * time.Second

// term is the REPL running as a child process (the test binary acting as
// freshet) on a pseudo-terminal. What the terminal shows is kept with the
// escape sequences and carriage returns removed, so that tests can wait
// for plain text.
type term struct {
	t    *testing.T
	pty  *os.File
	cmd  *exec.Cmd
	kick chan struct{}
	done chan struct{} // closed when the child's terminal closes

	mu  sync.Mutex
	out []byte // shown text
	pos int    // how far expect has consumed out
	esc int    // escape-sequence state: 0 none, 1 after ESC, 2 in CSI
}

// startTerm starts `freshet args…` on a terminal of 50×250 with
// FRESHET_HISTORY set to history.
func startTerm(t *testing.T, history string, args ...string) *term {
	t.Helper()
	js, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(js), "FRESHET_HISTORY="+history, "TERM=xterm")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 250})
	if err != nil {
		t.Fatalf("start on a pty: %v", err)
	}
	tm := &term{t: t, pty: f, cmd: cmd, kick: make(chan struct{}, 1), done: make(chan struct{})}
	go tm.read()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		f.Close()
		if t.Failed() || os.Getenv("FRESHET_TEST_TRANSCRIPT") != "" {
			tm.mu.Lock()
			t.Logf("the terminal showed (the end):\n%s", tail(tm.out, 6000))
			tm.mu.Unlock()
		}
	})
	return tm
}

func (tm *term) read() {
	defer close(tm.done)
	buf := make([]byte, 4096)
	for {
		n, err := tm.pty.Read(buf)
		tm.mu.Lock()
		tm.feed(buf[:n])
		tm.mu.Unlock()
		select {
		case tm.kick <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// feed appends terminal output, dropping escape sequences, carriage
// returns, backspaces and bells.
func (tm *term) feed(b []byte) {
	for _, c := range b {
		switch tm.esc {
		case 1:
			tm.esc = 0
			if c == '[' {
				tm.esc = 2
			}
			continue
		case 2:
			if c >= 0x40 && c <= 0x7e {
				tm.esc = 0
			}
			continue
		}
		switch c {
		case 0x1b:
			tm.esc = 1
		case '\r', '\b', '\a':
		default:
			tm.out = append(tm.out, c)
		}
	}
}

// tail returns the last n bytes of b.
func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// send types s.
func (tm *term) send(s string) {
	tm.t.Helper()
	if _, err := tm.pty.Write([]byte(s)); err != nil {
		tm.t.Fatalf("type %q: %v", s, err)
	}
}

// expect waits until the terminal shows want after what earlier calls
// consumed, and returns the text up to and including it.
func (tm *term) expect(want string) string {
	tm.t.Helper()
	return tm.expectWithin(want, expectTimeout)
}

func (tm *term) expectWithin(want string, d time.Duration) string {
	tm.t.Helper()
	deadline := time.After(d)
	for {
		tm.mu.Lock()
		seen := string(tm.out[tm.pos:])
		if i := strings.Index(seen, want); i >= 0 {
			tm.pos += i + len(want)
			tm.mu.Unlock()
			return seen[:i+len(want)]
		}
		tm.mu.Unlock()
		select {
		case <-tm.kick:
		case <-tm.done:
			tm.mu.Lock()
			seen := string(tm.out[tm.pos:])
			tm.mu.Unlock()
			if !strings.Contains(seen, want) {
				tm.t.Fatalf("the REPL ended before showing %q; it then showed:\n%s", want, tail([]byte(seen), 6000))
			}
		case <-deadline:
			tm.t.Fatalf("timed out waiting for %q; the terminal then showed:\n%s", want, tail([]byte(seen), 6000))
		}
	}
}

// exited waits for the child to end and returns its exit code.
func (tm *term) exited() int {
	tm.t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- tm.cmd.Wait() }()
	select {
	case err := <-errc:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			tm.t.Fatalf("wait: %v", err)
		}
		return 0
	case <-time.After(expectTimeout):
		tm.t.Fatal("the REPL did not exit")
		return -1
	}
}

// prompt waits for the main prompt.
func (tm *term) prompt() {
	tm.t.Helper()
	tm.expect("freshet> ")
}

// TestREPLTerminalStatements drives the REPL on a terminal: the banner,
// a statement over two lines (continuation prompt), two statements on one
// line, the table with its row count and timing, a long value cut with a
// marker, \format csv and vertical, \output to a file, errors with the
// caret under the right column (on the first and on a later line), and a
// statement that works after them.
func TestREPLTerminalStatements(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tm := startTerm(t, filepath.Join(dir, "history"), "--data-dir", filepath.Join(dir, "data"))
	tm.expect("embedded engine over " + filepath.Join(dir, "data"))
	tm.expect(`\help lists the commands`)
	tm.prompt()

	tm.send("CREATE STREAM orders (customer VARCHAR,\r")
	tm.expect("      -> ")
	tm.send("  note VARCHAR, amount DOUBLE);\r")
	tm.expect("Stream orders created.")
	tm.prompt()

	long := strings.Repeat("x", 80)
	tm.send("INSERT INTO orders VALUES ('c1', '" + long + "', 10.5), ('c2', 'short', 3); SELECT customer, note, amount FROM orders ORDER BY customer;\r")
	tm.expect("2 rows inserted into orders.")
	tm.expect("customer | note" + strings.Repeat(" ", 56) + " | amount\n" +
		"---------+-" + strings.Repeat("-", 60) + "-+-------\n" +
		"c1       | " + strings.Repeat("x", 59) + "… | 10.5\n" +
		"c2       | short" + strings.Repeat(" ", 55) + " | 3\n" +
		"(2 rows)\nTime: ")
	tm.expect(" ms\n")
	tm.prompt()

	tm.send("\\format csv\r")
	tm.expect("Format is csv.")
	tm.send("SELECT customer, amount FROM orders ORDER BY customer;\r")
	tm.expect("customer,amount\nc1,10.5\nc2,3\n")
	tm.prompt()
	tm.send("\\format vertical\r")
	tm.expect("Format is vertical.")
	tm.send("SELECT customer, amount FROM orders ORDER BY customer;\r")
	tm.expect("-[ RECORD 1 ]")
	tm.expect("customer | c1\namount   | 10.5\n-[ RECORD 2 ]")
	tm.expect("customer | c2\namount   | 3\n(2 rows)\n")
	tm.send("\\format table\r")
	tm.expect("Format is table.")

	out := filepath.Join(dir, "out.txt")
	tm.send("\\output " + out + "\r")
	tm.expect("Results go to " + out)
	tm.send("SELECT COUNT(*) AS n FROM orders;\r")
	tm.expect("Time: ")
	tm.send("\\output\r")
	tm.expect("Results go to the screen.")
	if b, err := os.ReadFile(out); err != nil || string(b) != "n\n-\n2\n(1 row)\n" {
		t.Fatalf("\\output file: %q %v", b, err)
	}

	tm.send("SELECT customer, nope FROM orders;\r")
	tm.expect(`error: line 1:18: unknown column "nope"`)
	tm.expect("\n  SELECT customer, nope FROM orders\n                   ^\n")
	tm.send("SELECT customer\r  FROM nosuch;\r")
	tm.expect("error: line 2:8: ")
	tm.expect("nosuch")
	tm.expect("\n    FROM nosuch\n         ^\n")
	tm.send("SELEC 1;\r")
	tm.expect("error: line 1:1: ")
	tm.expect("\n  SELEC 1\n  ^\n")

	tm.send("SELECT COUNT(*) AS n FROM orders;\r")
	tm.expect("n\n-\n2\n(1 row)\n")
	tm.send("\\quit\r")
	if code := tm.exited(); code != 0 {
		t.Fatalf("exit code %d", code)
	}
}

// TestREPLTerminalCompletionAndHistory completes a keyword, a stream name,
// a column of the stream named earlier in the statement and a
// meta-command with Tab; then, after Ctrl-D ends the session, a new
// session recalls the last statement (typed over two lines) with the up
// arrow and an older one with Ctrl-R, and runs them again.
func TestREPLTerminalCompletionAndHistory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	history := filepath.Join(dir, "cache", "freshet", "history")
	data := filepath.Join(dir, "data")
	tm := startTerm(t, history, "--data-dir", data)
	tm.prompt()
	tm.send("CREATE STREAM clickstream_events (user_name VARCHAR, amount DOUBLE);\r")
	tm.expect("Stream clickstream_events created.")
	tm.prompt()
	tm.send("INSERT INTO clickstream_events VALUES ('ann', 5), ('bob', 0.5);\r")
	tm.expect("2 rows inserted")
	tm.prompt()

	// "sel" + Tab → "select " (keywords follow the case typed); the stream
	// after FROM; the column of the stream named before it.
	tm.send("sel\t")
	tm.expect("freshet> select ")
	tm.send("user_name, amount FROM clickstream_e\t")
	tm.expect("FROM clickstream_events ")
	tm.send("WHERE amo\t")
	tm.expect("WHERE amount")
	tm.send(" > 1;\r")
	tm.expect("user_name | amount\n----------+-------\nann       | 5\n(1 row)\n")
	tm.prompt()

	tm.send("\\desc\t")
	tm.expect(`\describe `)
	tm.send("clicks\t")
	tm.expect("clickstream_events ")
	tm.send("\r")
	tm.expect("(event time)")
	tm.prompt()

	tm.send("SELECT COUNT(*) AS total\r")
	tm.expect("      -> ")
	tm.send("FROM clickstream_events;\r")
	tm.expect("total\n-----\n2\n(1 row)\n")
	tm.prompt()
	tm.send("\x04")
	if code := tm.exited(); code != 0 {
		t.Fatalf("Ctrl-D: exit code %d", code)
	}
	b, err := os.ReadFile(history)
	if err != nil || !strings.HasSuffix(string(b), "SELECT COUNT(*) AS total FROM clickstream_events;\n") {
		t.Fatalf("history file: %q %v", b, err)
	}

	tm = startTerm(t, history, "--data-dir", data)
	tm.prompt()
	tm.send("\x1b[A")
	tm.expect("SELECT COUNT(*) AS total FROM clickstream_events;")
	tm.send("\r")
	tm.expect("total\n-----\n2\n(1 row)\n")
	tm.prompt()
	// Ctrl-R searches the history; Enter runs what it found.
	tm.send("\x12amount >")
	tm.expect("select user_name, amount FROM clickstream_events WHERE amount > 1;")
	tm.send("\r")
	tm.expect("ann       | 5\n(1 row)\n")
	tm.prompt()
	tm.send("\\q\r")
	if code := tm.exited(); code != 0 {
		t.Fatalf("\\q: exit code %d", code)
	}
}

// TestREPLTerminalPushQueryCtrlC runs a push query that prints rows as
// they arrive, stops it with Ctrl-C (the REPL stays), and runs another
// statement; Ctrl-C at the prompt drops a half-typed statement.
func TestREPLTerminalPushQueryCtrlC(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tm := startTerm(t, filepath.Join(dir, "history"), "--data-dir", filepath.Join(dir, "data"))
	tm.prompt()
	tm.send("CREATE STREAM p (k VARCHAR, v BIGINT); INSERT INTO p VALUES ('a', 1), ('b', 2);\r")
	tm.expect("2 rows inserted")
	tm.prompt()
	tm.send("\\earliest on\r")
	tm.expect("Push queries start at the oldest record.")
	tm.prompt()
	tm.send("SELECT k, v * 10 AS v10 FROM p EMIT CHANGES;\r")
	tm.expect("Ctrl-C stops it.")
	// Push tables are printed as rows come, so columns get some room.
	tm.expect("k          | v10\n-----------+-----------\n")
	tm.expect("a          | 10\n")
	tm.expect("b          | 20\n")
	tm.send("\x03")
	tm.expect("(2 rows)\n")
	tm.expect("Query stopped.")
	tm.prompt()
	tm.send("SELECT COUNT(*) AS n FROM p;\r")
	tm.expect("n\n-\n2\n(1 row)\n")
	tm.prompt()

	tm.send("SELECT nothing\r")
	tm.expect("      -> ")
	tm.send("\x03")
	tm.prompt()
	tm.send("SELECT k FROM p WHERE v = 2;\r")
	tm.expect("k\n-\nb\n(1 row)\n")
	tm.prompt()
	tm.send("\x04")
	if code := tm.exited(); code != 0 {
		t.Fatalf("exit code %d", code)
	}
}

// TestREPLTerminalServer connects the REPL to a `freshet serve` process:
// statements, a push query streamed over HTTP and stopped with Ctrl-C,
// \tail through SQL; then the server is killed (the REPL says it is not
// reachable and stays), restarted on the same address, and the next
// statement works again.
func TestREPLTerminalServer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	srv := startChild(t, "serve", "--data-dir", data, "--listen", "127.0.0.1:0")
	tm := startTerm(t, filepath.Join(dir, "history"), "--server", srv.url)
	tm.expect("Connected to the server " + srv.url)
	tm.prompt()
	tm.send("CREATE STREAM s (k VARCHAR, v BIGINT); INSERT INTO s VALUES ('a', 1), ('b', 2);\r")
	tm.expect("Stream s created.")
	tm.expect("2 rows inserted")
	tm.prompt()
	tm.send("SELECT k, SUM(v) AS total FROM s GROUP BY k ORDER BY k;\r")
	tm.expect("k | total\n--+------\na | 1\nb | 2\n(2 rows)\n")
	tm.prompt()
	tm.send("SELECT k, nope FROM s;\r")
	tm.expect(`error: line 1:11: unknown column "nope"`)
	tm.expect("\n  SELECT k, nope FROM s\n            ^\n")
	tm.prompt()

	tm.send("\\earliest on\r")
	tm.prompt()
	tm.send("SELECT k, v FROM s EMIT CHANGES;\r")
	tm.expect("Ctrl-C stops it.")
	tm.expect("b          | 2\n")
	tm.send("\x03")
	tm.expect("Query stopped.")
	tm.prompt()

	tm.send("\\tail s 1\r")
	tm.expect("_arrival")
	tm.expect("| b ")
	tm.expect("(1 row)")
	tm.prompt()

	srv.kill(t)
	tm.send("SELECT COUNT(*) AS n FROM s;\r")
	tm.expect("is not reachable")
	tm.expect("the next statement tries again")
	tm.prompt()

	addr := strings.TrimPrefix(srv.url, "http://")
	startChild(t, "serve", "--data-dir", data, "--listen", addr)
	tm.send("SELECT COUNT(*) AS n FROM s;\r")
	tm.expect("n\n-\n2\n(1 row)\n")
	tm.prompt()
	tm.send("\\quit\r")
	if code := tm.exited(); code != 0 {
		t.Fatalf("exit code %d", code)
	}
}

// TestREPLTerminalDemo runs `freshet demo`: it prints the windowed query to
// try, and that query (given a LIMIT) produces rows from the generator's
// clicks within a window and the watermark delay; \tail shows raw records
// and \demo stop stops the generator.
func TestREPLTerminalDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tm := startTerm(t, filepath.Join(dir, "history"), "demo", "--data-dir", filepath.Join(dir, "data"))
	tm.expect("Stream demo_clicks created.")
	tm.expect("Try:")
	tm.expect("EMIT CHANGES;")
	tm.prompt()
	q := strings.Replace(repl.DemoQuery, "EMIT CHANGES;", "EMIT CHANGES LIMIT 3;", 1)
	tm.send(strings.ReplaceAll(q, "\n", "\r") + "\r")
	tm.expect("Ctrl-C stops it.")
	tm.expectWithin("url ", 40*time.Second)
	tm.expectWithin("(3 rows)", 40*time.Second)
	tm.prompt()
	tm.send("\\tail demo_clicks 3\r")
	tm.expect("arrival")
	tm.expect(`{"user_id":"u`)
	tm.expect("(3 rows)")
	tm.prompt()
	tm.send("\\demo stop\r")
	tm.expect("Demo generator stopped after ")
	tm.prompt()
	tm.send("\x04")
	if code := tm.exited(); code != 0 {
		t.Fatalf("exit code %d", code)
	}
}

// TestREPLTerminalSIGTERM: SIGTERM ends the session even while a push
// query runs (Ctrl-C only stops the query), and the exit is clean.
func TestREPLTerminalSIGTERM(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tm := startTerm(t, filepath.Join(dir, "history"), "--data-dir", filepath.Join(dir, "data"))
	tm.prompt()
	tm.send("CREATE STREAM s (k VARCHAR); SELECT k FROM s EMIT CHANGES;\r")
	tm.expect("Ctrl-C stops it.")
	if err := tm.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := tm.exited(); code != 0 {
		t.Fatalf("exit code %d", code)
	}
}
