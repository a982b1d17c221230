package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/freshet/freshet/engine/encode"
	"github.com/freshet/freshet/sql"
)

// printer writes result rows in one of the output formats.
type printer struct {
	w      io.Writer
	format string // table, csv, json
	cols   []string
	// table: rows are buffered until flush so columns can be aligned.
	rows   [][]string
	header bool
}

func newPrinter(w io.Writer, format string) (*printer, error) {
	switch format {
	case "table", "csv", "json":
		return &printer{w: w, format: format}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want table, csv or json)", format)
}

func (p *printer) setColumns(cols []string) { p.cols = cols }

// row prints (or buffers) one row of values.
func (p *printer) row(vals []sql.Value) error {
	switch p.format {
	case "json":
		_, err := p.w.Write(append(encode.AppendJSON(nil, p.cols, vals), '\n'))
		return err
	case "csv":
		if !p.header {
			p.header = true
			if err := p.csvLine(p.cols); err != nil {
				return err
			}
		}
		_, err := p.w.Write(append(encode.AppendCSV(nil, vals), '\n'))
		return err
	}
	cells := make([]string, len(vals))
	for i, v := range vals {
		if v.IsNull() {
			cells[i] = "NULL"
		} else {
			cells[i] = encode.Text(v)
		}
	}
	p.rows = append(p.rows, cells)
	return nil
}

// rawRow prints a row given as JSON values (from the server).
func (p *printer) rawRow(vals []json.RawMessage) error {
	switch p.format {
	case "json":
		var b strings.Builder
		b.WriteByte('{')
		for i, v := range vals {
			if i > 0 {
				b.WriteByte(',')
			}
			n, _ := json.Marshal(p.cols[i])
			b.Write(n)
			b.WriteByte(':')
			b.Write(v)
		}
		b.WriteString("}\n")
		_, err := io.WriteString(p.w, b.String())
		return err
	}
	cells := make([]string, len(vals))
	for i, v := range vals {
		var s any
		json.Unmarshal(v, &s)
		switch x := s.(type) {
		case nil:
			cells[i] = "NULL"
			if p.format == "csv" {
				cells[i] = ""
			}
		case string:
			cells[i] = x
		default:
			cells[i] = string(v)
		}
	}
	if p.format == "csv" {
		if !p.header {
			p.header = true
			if err := p.csvLine(p.cols); err != nil {
				return err
			}
		}
		return p.csvLine(cells)
	}
	p.rows = append(p.rows, cells)
	return nil
}

func (p *printer) csvLine(cells []string) error {
	var b []byte
	for i, c := range cells {
		if i > 0 {
			b = append(b, ',')
		}
		b = encode.AppendCSVField(b, c)
	}
	_, err := p.w.Write(append(b, '\n'))
	return err
}

// flush prints the buffered table, with a row count.
func (p *printer) flush() error {
	if p.format != "table" {
		if p.format == "csv" && !p.header && p.cols != nil {
			p.header = true
			return p.csvLine(p.cols)
		}
		return nil
	}
	if p.cols == nil {
		return nil
	}
	const maxWidth = 60
	widths := make([]int, len(p.cols))
	for i, c := range p.cols {
		widths[i] = utf8.RuneCountInString(c)
	}
	for _, r := range p.rows {
		for i, c := range r {
			widths[i] = min(max(widths[i], utf8.RuneCountInString(c)), maxWidth)
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				b.WriteString(" | ")
			}
			if utf8.RuneCountInString(c) > widths[i] {
				c = string([]rune(c)[:widths[i]-1]) + "…"
			}
			b.WriteString(c)
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)))
			}
		}
		b.WriteByte('\n')
	}
	line(p.cols)
	for i, wd := range widths {
		if i > 0 {
			b.WriteString("-+-")
		}
		b.WriteString(strings.Repeat("-", wd))
	}
	b.WriteByte('\n')
	for _, r := range p.rows {
		line(r)
	}
	fmt.Fprintf(&b, "(%d row%s)\n", len(p.rows), map[bool]string{true: "", false: "s"}[len(p.rows) == 1])
	p.rows = nil
	_, err := io.WriteString(p.w, b.String())
	return err
}
