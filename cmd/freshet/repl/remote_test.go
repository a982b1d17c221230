package repl

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/freshet/freshet/engine/httpapi"
)

// TestRemote runs the Remote backend against the real query API
// (httpapi over an engine) on a loopback HTTP server: snapshots, messages,
// a push query streamed until its LIMIT, a push query cancelled, errors
// with positions, and a server that is gone.
func TestRemote(t *testing.T) {
	eng := newEngine(t)
	srv := httptest.NewServer(httpapi.New(eng, nil))
	defer srv.Close()
	r := NewRemote(srv.URL + "/")
	ctx := context.Background()
	exec := func(stmt string, opts ExecOptions) (string, error) {
		var b strings.Builder
		p := NewPrinter(&b, FormatCSV)
		err := r.Exec(ctx, stmt, opts, p)
		p.End()
		return b.String(), err
	}
	if out, err := exec("CREATE STREAM m (k VARCHAR, v BIGINT, t TIMESTAMP)", ExecOptions{}); err != nil || out != "Stream m created.\n" {
		t.Fatalf("create: %q %v", out, err)
	}
	if _, err := exec("INSERT INTO m VALUES ('a', 1, '2026-01-01T00:00:00Z'), ('b, c', NULL, NULL)", ExecOptions{}); err != nil {
		t.Fatal(err)
	}
	if out, err := exec("SELECT k, v, t FROM m ORDER BY k", ExecOptions{}); err != nil || out != "k,v,t\na,1,2026-01-01T00:00:00.000Z\n\"b, c\",,\n" {
		t.Fatalf("snapshot: %q %v", out, err)
	}
	if out, err := exec("SELECT k FROM m EMIT CHANGES LIMIT 2", ExecOptions{FromEarliest: true}); err != nil || out != "k\na\n\"b, c\"\n" {
		t.Fatalf("push: %q %v", out, err)
	}

	// A push query with nothing to send, cancelled.
	cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	var c collector
	if err := r.Exec(cctx, "SELECT k FROM m EMIT CHANGES", ExecOptions{}, &c); !errors.Is(err, context.DeadlineExceeded) || len(c.cols) != 1 {
		t.Fatalf("cancelled push: %v %v", err, c.cols)
	}

	_, err := exec("SELECT k, nope FROM m", ExecOptions{})
	var se *ServerError
	if !errors.As(err, &se) || se.Line != 1 || se.Column != 11 || !strings.Contains(se.Msg, "nope") {
		t.Fatalf("error: %#v", err)
	}

	srv.Close()
	_, err = exec("SHOW STREAMS", ExecOptions{})
	var ue *UnreachableError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "is not reachable") {
		t.Fatalf("server gone: %v", err)
	}
}
