package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/ipc"
)

// runCLI runs the binary in-process.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, nil, &out, &errb)
	return out.String(), errb.String(), code
}

// TestSQLCommandEmbedded drives `freshet sql` on an embedded engine: DDL,
// inserts, a snapshot query in each output format, and errors with their
// position on stderr and a non-zero exit.
func TestSQLCommandEmbedded(t *testing.T) {
	dir := t.TempDir()
	sqlc := func(format, stmt string) (string, string, int) {
		return runCLI(t, "sql", "--data-dir", dir, "--format", format, stmt)
	}
	if out, errs, code := sqlc("table", `CREATE STREAM orders (customer VARCHAR, amount DOUBLE, ts TIMESTAMP) WITH (shards = 2, event_time = 'ts')`); code != 0 || !strings.Contains(out, "Stream orders created") {
		t.Fatalf("create: %d %q %q", code, out, errs)
	}
	if out, errs, code := sqlc("table", `INSERT INTO orders VALUES ('c1', 10.5, '2026-11-22T10:00:00Z'), ('c2', 3, '2026-11-22T10:00:30Z'), ('c1', 1, '2026-11-22T10:01:00Z')`); code != 0 || !strings.Contains(out, "3 rows inserted") {
		t.Fatalf("insert: %d %q %q", code, out, errs)
	}
	q := `SELECT customer, SUM(amount) AS total FROM orders GROUP BY customer ORDER BY customer`
	out, errs, code := sqlc("table", q)
	want := "customer | total\n---------+------\nc1       | 11.5\nc2       | 3\n(2 rows)\n"
	if code != 0 || out != want {
		t.Fatalf("table: %d\n%s\nwant\n%s\n%s", code, out, want, errs)
	}
	if out, _, _ := sqlc("csv", q); out != "customer,total\nc1,11.5\nc2,3\n" {
		t.Fatalf("csv: %q", out)
	}
	if out, _, _ := sqlc("json", q); out != "{\"customer\":\"c1\",\"total\":11.5}\n{\"customer\":\"c2\",\"total\":3}\n" {
		t.Fatalf("json: %q", out)
	}
	_, errs, code = sqlc("table", "SELECT nope\nFROM orders")
	if code != 1 || !strings.Contains(errs, "line 1:8") || !strings.Contains(errs, "nope") {
		t.Fatalf("bad column: %d %q", code, errs)
	}
	if _, errs, code := sqlc("yaml", q); code != 2 || !strings.Contains(errs, "unknown format") {
		t.Fatalf("bad format: %d %q", code, errs)
	}
	if out, _, code := sqlc("table", "SHOW STREAMS"); code != 0 || !strings.Contains(out, "orders") {
		t.Fatalf("show streams: %q", out)
	}
}

// TestQueryAPIAndMetrics drives a running server's /v1 API: a statement
// error with its position, a snapshot as JSON, a push query streamed as
// NDJSON while records arrive, and /metrics.
func TestQueryAPIAndMetrics(t *testing.T) {
	srv := startChild(t, "serve", "--data-dir", t.TempDir(), "--listen", "127.0.0.1:0")
	post := func(stmt string) *http.Response {
		body, _ := json.Marshal(map[string]string{"sql": stmt})
		resp, err := http.Post(srv.url+"/v1/sql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := post("SELEC 1")
	var eb struct {
		Error        string
		Line, Column int
	}
	json.NewDecoder(resp.Body).Decode(&eb)
	resp.Body.Close()
	if resp.StatusCode != 400 || eb.Line != 1 || eb.Column != 1 || eb.Error == "" {
		t.Fatalf("syntax error: %d %+v", resp.StatusCode, eb)
	}
	postSQL(t, srv.url, `CREATE STREAM m (k VARCHAR, v BIGINT)`)
	postSQL(t, srv.url, `INSERT INTO m VALUES ('a', 1), ('b', 2), ('a', 3)`)
	resp = post(`SELECT k, SUM(v) AS s FROM m GROUP BY k ORDER BY k`)
	var doc struct {
		Columns []struct{ Name, Type string }
		Rows    [][]any
	}
	json.NewDecoder(resp.Body).Decode(&doc)
	resp.Body.Close()
	if len(doc.Rows) != 2 || doc.Rows[0][0] != "a" || doc.Rows[0][1] != 4.0 || doc.Columns[1].Type != "BIGINT" {
		t.Fatalf("snapshot: %+v", doc)
	}

	// The same snapshot as an Arrow IPC stream.
	areq, _ := http.NewRequest(http.MethodPost, srv.url+"/v1/sql", strings.NewReader(`SELECT k, SUM(v) AS s FROM m GROUP BY k ORDER BY k`))
	areq.Header.Set("Accept", "application/vnd.apache.arrow.stream")
	aresp, err := http.DefaultClient.Do(areq)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := ipc.NewReader(aresp.Body)
	if err != nil {
		t.Fatalf("arrow stream: %v", err)
	}
	var arrowRows []string
	for rd.Next() {
		rec := rd.Record()
		for i := 0; i < int(rec.NumRows()); i++ {
			arrowRows = append(arrowRows, rec.Column(0).ValueStr(i)+"="+rec.Column(1).ValueStr(i))
		}
	}
	rd.Release()
	aresp.Body.Close()
	if strings.Join(arrowRows, ",") != "a=4,b=2" {
		t.Fatalf("arrow rows: %v", arrowRows)
	}

	// A persistent query, listed, described and stopped through the API.
	postSQL(t, srv.url, `CREATE STREAM sums (k VARCHAR, s BIGINT)`)
	postSQL(t, srv.url, `INSERT INTO sums SELECT k, SUM(v) AS s FROM m GROUP BY k`)
	qresp, err := http.Get(srv.url + "/v1/queries/q1")
	if err != nil {
		t.Fatal(err)
	}
	var q map[string]any
	json.NewDecoder(qresp.Body).Decode(&q)
	qresp.Body.Close()
	if q["id"] != "q1" || q["sink"] != "sums" || q["status"] != "RUNNING" {
		t.Fatalf("GET /v1/queries/q1: %v", q)
	}
	dreq, _ := http.NewRequest(http.MethodDelete, srv.url+"/v1/queries/q1", nil)
	dresp, err := http.DefaultClient.Do(dreq)
	if err != nil || dresp.StatusCode != 200 {
		t.Fatalf("DELETE /v1/queries/q1: %v %v", dresp.Status, err)
	}
	dresp.Body.Close()
	if r, _ := http.Get(srv.url + "/v1/queries/q1"); r.StatusCode != 404 {
		t.Fatalf("stopped query still listed: %s", r.Status)
	}

	// Push: rows stream while they are inserted; LIMIT ends the response.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	body, _ := json.Marshal(map[string]string{"sql": `SELECT k, v * 10 AS v10 FROM m WHERE v > 1 EMIT CHANGES LIMIT 2`})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.url+"/v1/sql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	presp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer presp.Body.Close()
	go func() {
		time.Sleep(100 * time.Millisecond)
		postSQL(t, srv.url, `INSERT INTO m VALUES ('c', 0), ('d', 5), ('e', 7), ('f', 9)`)
	}()
	all, err := io.ReadAll(presp.Body)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(all)), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], `"columns"`) || lines[1] != `{"k":"d","v10":50}` || lines[2] != `{"k":"e","v10":70}` {
		t.Fatalf("push stream: %q", all)
	}

	mresp, err := http.Get(srv.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(mresp.Body)
	mresp.Body.Close()
	if !strings.Contains(string(m), `freshet_stream_records_read_total{stream="m"}`) || !strings.Contains(string(m), `freshet_stream_records_in_total{stream="m"} 7`) {
		t.Fatalf("metrics: %s", m)
	}
}

// TestLakeCompactCommand: the command's wiring (merging itself is tested
// in output/lake): usage errors, and a run over a local archive.
func TestLakeCompactCommand(t *testing.T) {
	if _, errs, code := runCLI(t, "lake", "compact", "file:///tmp"); code != 2 || !strings.Contains(errs, "--stream") {
		t.Fatalf("without --stream: %d %q", code, errs)
	}
	out, errs, code := runCLI(t, "lake", "compact", "--stream", "ev", "file://"+t.TempDir())
	if code != 0 || out != "0 closed partitions looked at; 0 merged files written, 0 small files removed.\n" {
		t.Fatalf("compact: %d %q %q", code, out, errs)
	}
	if _, errs, code := runCLI(t, "lake", "compact", "--stream", "ev", "ftp://x"); code != 1 || errs == "" {
		t.Fatalf("bad URL: %d %q", code, errs)
	}
}

// TestSQLCommandInterrupted: Ctrl-C (a cancelled context) cuts a snapshot
// short with exit status 130 and a message that its output is incomplete;
// it ends a push query normally.
func TestSQLCommandInterrupted(t *testing.T) {
	dir := t.TempDir()
	if _, errs, code := runCLI(t, "sql", "--data-dir", dir, `CREATE STREAM ev (id VARCHAR)`); code != 0 {
		t.Fatalf("create: %d %q", code, errs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"sql", "--data-dir", dir, "SELECT id FROM ev"}, nil, &out, &errb); code != 130 || !strings.Contains(errb.String(), "interrupted: the output is incomplete") {
		t.Errorf("interrupted snapshot: exit %d, stderr %q", code, errb.String())
	}
	errb.Reset()
	if code := run(ctx, []string{"sql", "--data-dir", dir, "SELECT id FROM ev EMIT CHANGES"}, nil, &out, &errb); code != 0 {
		t.Errorf("interrupted push query: exit %d, stderr %q", code, errb.String())
	}
}
