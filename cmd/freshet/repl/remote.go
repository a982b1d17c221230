package repl

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/freshet/freshet/engine/httpapi"
)

// Remote runs statements on a freshet server through its query API
// (POST /v1/sql). Every statement is its own request, so a server that
// went away is simply tried again by the next statement.
type Remote struct {
	url    string
	client *http.Client
}

var _ Backend = (*Remote)(nil)

// NewRemote returns a backend for the server at url
// ("http://127.0.0.1:4567").
func NewRemote(url string) *Remote {
	tr := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConnsPerHost: 4,
	}
	return &Remote{url: strings.TrimRight(url, "/"), client: &http.Client{Transport: tr}}
}

// String implements Backend.
func (r *Remote) String() string { return "server " + r.url }

// ServerError is a statement error the server answered with; Line and
// Column (1-based, 0 when unknown) locate it in the statement.
type ServerError struct {
	Msg          string
	Line, Column int
}

func (e *ServerError) Error() string { return e.Msg }

// UnreachableError says the server could not be reached, or the
// connection to it broke.
type UnreachableError struct {
	URL string
	Err error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("server %s is not reachable: %v", e.URL, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Exec implements Backend. A snapshot answers with one JSON document, a
// push query with newline-delimited JSON (the first line names the
// columns), as httpapi documents.
func (r *Remote) Exec(ctx context.Context, text string, opts ExecOptions, out ResultWriter) error {
	if !opts.EventTimeFrom.IsZero() || !opts.EventTimeUntil.IsZero() {
		return errors.New("event-time bounds (--from, --to) need the embedded engine, not --server")
	}
	body, err := json.Marshal(httpapi.Request{SQL: text, FromEarliest: opts.FromEarliest})
	if err != nil {
		return fmt.Errorf("encode request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url+"/v1/sql", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("server %s: %w", r.url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &UnreachableError{URL: r.url, Err: unwrapURLError(err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var eb httpapi.ErrorBody
		if json.NewDecoder(resp.Body).Decode(&eb) == nil && eb.Error != "" {
			return &ServerError{Msg: eb.Error, Line: eb.Line, Column: eb.Column}
		}
		return fmt.Errorf("server %s: %s", r.url, resp.Status)
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/x-ndjson") {
		return r.stream(ctx, resp.Body, out)
	}
	var doc struct {
		Columns []httpapi.Column    `json:"columns"`
		Rows    [][]json.RawMessage `json:"rows"`
		Message string              `json:"message"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &UnreachableError{URL: r.url, Err: fmt.Errorf("reading the answer: %w", err)}
	}
	if doc.Columns != nil {
		if err := out.Columns(columnNames(doc.Columns), false); err != nil {
			return err
		}
		cells := make([]Cell, len(doc.Columns))
		for _, row := range doc.Rows {
			for i := range cells {
				cells[i] = NullCell()
				if i < len(row) {
					cells[i] = rawCell(row[i])
				}
			}
			if err := out.Row(cells); err != nil {
				return err
			}
		}
		if err := out.Flush(); err != nil {
			return err
		}
	}
	if doc.Message != "" {
		return out.Message(doc.Message)
	}
	return nil
}

// stream reads a push query's NDJSON answer. Rows that arrived together
// (all that is buffered) are flushed together.
func (r *Remote) stream(ctx context.Context, body io.Reader, out ResultWriter) error {
	br := bufio.NewReaderSize(body, 64<<10)
	var names []string
	var cells []Cell
	for {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			if names == nil {
				var h struct {
					Columns []httpapi.Column `json:"columns"`
				}
				if err := json.Unmarshal(line, &h); err != nil {
					return fmt.Errorf("server %s: bad header line: %w", r.url, err)
				}
				names = columnNames(h.Columns)
				cells = make([]Cell, len(names))
				if err := out.Columns(names, true); err != nil {
					return err
				}
			} else {
				var obj map[string]json.RawMessage
				if err := json.Unmarshal(line, &obj); err != nil {
					return fmt.Errorf("server %s: bad row: %w", r.url, err)
				}
				if e, ok := obj["error"]; ok && len(obj) == 1 {
					var msg string
					json.Unmarshal(e, &msg)
					return &ServerError{Msg: msg}
				}
				for i, n := range names {
					cells[i] = NullCell()
					if v, ok := obj[n]; ok {
						cells[i] = rawCell(v)
					}
				}
				if err := out.Row(cells); err != nil {
					return err
				}
			}
			if br.Buffered() == 0 {
				if err := out.Flush(); err != nil {
					return err
				}
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if errors.Is(err, io.EOF) {
				return out.Flush()
			}
			return &UnreachableError{URL: r.url, Err: fmt.Errorf("connection lost: %w", err)}
		}
	}
}

func columnNames(cols []httpapi.Column) []string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return names
}

// rawCell converts a JSON value of the query API.
func rawCell(v json.RawMessage) Cell {
	t := bytes.TrimSpace(v)
	switch {
	case len(t) == 0 || string(t) == "null":
		return NullCell()
	case t[0] == '"':
		var s string
		if json.Unmarshal(t, &s) == nil {
			return Cell{Text: s, JSON: string(t)}
		}
	}
	return Cell{Text: string(t), JSON: string(t)}
}

// unwrapURLError drops net/http's `Post "…/v1/sql": dial tcp …:` wrapping,
// which repeats what the message already says.
func unwrapURLError(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
