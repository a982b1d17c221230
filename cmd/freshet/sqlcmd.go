package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/engine/encode"
	"github.com/freshet/freshet/engine/httpapi"
	"github.com/freshet/freshet/sql"
)

func runSQL(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("freshet sql", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", envOr("FRESHET_SERVER", ""), "URL of a running `freshet serve` (env FRESHET_SERVER); without it the statement runs on an embedded engine over --data-dir")
	dataDir := fs.String("data-dir", envOr("FRESHET_DATA_DIR", "./freshet-data"), "data directory of the embedded engine (env FRESHET_DATA_DIR)")
	format := fs.String("format", "table", "output format: table, csv (with a header row) or json (one object per line)")
	earliest := fs.Bool("from-earliest", false, "start a push query (EMIT CHANGES) at the oldest record instead of the end of the stream")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: freshet sql [flags] "STATEMENT"

Runs one SQL statement and prints its result on stdout; an error goes to
stderr with its line:column and the exit status is 1. A push query
(SELECT … EMIT CHANGES) prints rows as they come until its LIMIT or Ctrl-C.

Flags:`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, `freshet sql: give exactly one statement, quoted: freshet sql "SHOW STREAMS"`)
		return errUsage
	}
	p, err := newPrinter(stdout, *format)
	if err != nil {
		fmt.Fprintf(stderr, "freshet sql: --format: %v\n", err)
		return errUsage
	}
	text := fs.Arg(0)
	if *server != "" {
		return sqlRemote(ctx, *server, text, *earliest, p, stdout)
	}
	stmt, err := sql.ParseOne(text)
	if err != nil {
		return err
	}
	store, err := openStore(&serveConfig{dataDir: *dataDir, maxShards: 1000, segmentSize: 64 << 20})
	if err != nil {
		return err
	}
	defer store.Close()
	eng, err := engine.Open(engine.Options{Store: store, Dir: engineDir(*dataDir)})
	if err != nil {
		return err
	}
	defer eng.Close()
	res, err := eng.ExecuteStatement(ctx, stmt, engine.ExecOptions{FromEarliest: *earliest})
	if err != nil {
		return err
	}
	defer res.Close()
	return printResult(ctx, res, p, stdout)
}

// printResult prints an engine result.
func printResult(ctx context.Context, res *engine.Result, p *printer, stdout io.Writer) error {
	if res.Columns == nil {
		if res.Message != "" {
			fmt.Fprintln(stdout, res.Message)
		}
		return nil
	}
	p.setColumns(res.Columns.Names())
	for {
		rec, err := res.Next(ctx)
		if errors.Is(err, io.EOF) || errors.Is(err, context.Canceled) {
			break
		}
		if err != nil {
			return err
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row, err := encode.Row(rec, i)
			if err == nil {
				err = p.row(row)
			}
			if err != nil {
				rec.Release()
				return err
			}
		}
		rec.Release()
		if res.Kind == sql.Push {
			if err := p.flush(); err != nil {
				return err
			}
		}
	}
	return p.flush()
}

// sqlRemote runs a statement on a server through /v1/sql.
func sqlRemote(ctx context.Context, server, text string, earliest bool, p *printer, stdout io.Writer) error {
	body, _ := json.Marshal(httpapi.Request{SQL: text, FromEarliest: earliest})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(server, "/")+"/v1/sql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("server %s: %w", server, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var eb httpapi.ErrorBody
		if json.NewDecoder(resp.Body).Decode(&eb) == nil && eb.Error != "" {
			return errors.New(eb.Error)
		}
		return fmt.Errorf("server %s: %s", server, resp.Status)
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/x-ndjson") {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		first := true
		for sc.Scan() {
			if first {
				var h struct{ Columns []httpapi.Column }
				if err := json.Unmarshal(sc.Bytes(), &h); err != nil {
					return fmt.Errorf("server %s: %w", server, err)
				}
				for _, c := range h.Columns {
					p.cols = append(p.cols, c.Name)
				}
				first = false
				continue
			}
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
				return fmt.Errorf("server %s: %w", server, err)
			}
			if e, ok := obj["error"]; ok && len(obj) == 1 {
				return fmt.Errorf("%s", strings.Trim(string(e), `"`))
			}
			vals := make([]json.RawMessage, len(p.cols))
			for i, c := range p.cols {
				vals[i] = obj[c]
				if vals[i] == nil {
					vals[i] = json.RawMessage("null")
				}
			}
			if err := p.rawRow(vals); err != nil {
				return err
			}
			if err := p.flush(); err != nil {
				return err
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		return sc.Err()
	}
	var out struct {
		Columns []httpapi.Column
		Rows    [][]json.RawMessage
		Message string
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return fmt.Errorf("server %s: %w", server, err)
	}
	if out.Columns == nil {
		if out.Message != "" {
			fmt.Fprintln(stdout, out.Message)
		}
		return nil
	}
	for _, c := range out.Columns {
		p.cols = append(p.cols, c.Name)
	}
	for _, r := range out.Rows {
		if err := p.rawRow(r); err != nil {
			return err
		}
	}
	return p.flush()
}
