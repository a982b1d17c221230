package sql

import (
	"strings"
)

// createStream parses CREATE STREAM [IF NOT EXISTS] name (col TYPE, …)
// [WITH (key = value, …)].
func (p *stmtParser) createStream() (Statement, *Error) {
	p.i = 1
	t, ok := p.peek()
	if !ok || !t.is("stream") {
		if ok && t.kind == tokIdent && (t.val == "table" || t.val == "view" || t.val == "index" || t.val == "database" || t.val == "schema") {
			return nil, p.errAt(t, "unsupported statement CREATE %s (Freshet has streams: CREATE STREAM name (col TYPE, …) WITH (…))", strings.ToUpper(t.val))
		}
		return nil, p.errNext("STREAM after CREATE")
	}
	p.i++
	s := &CreateStream{Span: p.span(0)}
	if p.accept("if") {
		if err := p.expect("not"); err != nil {
			return nil, err
		}
		if err := p.expect("exists"); err != nil {
			return nil, err
		}
		s.IfNotExists = true
	}
	name, _, err := p.streamName()
	if err != nil {
		return nil, err
	}
	s.Name = name
	if t, ok := p.peek(); ok && t.is("as") {
		return nil, p.errAt(t, "CREATE STREAM … AS SELECT is not supported: create the stream with its columns, then INSERT INTO it SELECT …")
	}
	if t, ok := p.peek(); !ok || !t.isOp("(") {
		return nil, p.errNext("column list \"(name TYPE, …)\"")
	}
	if s.Columns, err = p.columnDefs(); err != nil {
		return nil, err
	}
	opts := DefaultStreamOptions()
	if p.accept("with") {
		if opts, err = p.streamOptions(s.Name, s.Columns); err != nil {
			return nil, err
		}
	}
	s.Options = opts
	if err := p.end(); err != nil {
		return nil, err
	}
	return s, nil
}

// isMetadataName reports whether name is a metadata column's name, which
// user columns may not take.
func isMetadataName(name string) bool {
	return MetadataColumns().Index(name) >= 0
}

// columnDefs parses "(name TYPE [(n[, m])], …)".
func (p *stmtParser) columnDefs() (Schema, *Error) {
	open := p.toks[p.i]
	p.i++
	var cols Schema
	for {
		name, nt, err := p.name("column name")
		if err != nil {
			return nil, err
		}
		if isMetadataName(name) {
			return nil, p.errAt(nt, "column name %s is reserved for record metadata", name)
		}
		if cols.Index(name) >= 0 {
			return nil, p.errAt(nt, "duplicate column %s", name)
		}
		tt, ok := p.peek()
		if !ok || tt.kind != tokIdent {
			return nil, p.errNext("column type (BOOLEAN, BIGINT, DOUBLE, VARCHAR or TIMESTAMP)")
		}
		typ, known := ParseType(tt.val)
		if !known {
			return nil, p.errAt(tt, "unknown type %s (use BOOLEAN, INT, BIGINT, DOUBLE, VARCHAR, TEXT or TIMESTAMP)", strings.ToUpper(tt.val))
		}
		p.i++
		if tt.val == "double" {
			p.accept("precision")
		}
		if p.acceptOp("(") { // a length or precision: VARCHAR(64), DECIMAL(10, 2), TIMESTAMP(3)
			for {
				n, ok := p.peek()
				if !ok || n.kind != tokNumber {
					return nil, p.errNext("a length")
				}
				p.i++
				if !p.acceptOp(",") {
					break
				}
			}
			if err := p.expectOp(")"); err != nil {
				return nil, err
			}
		}
		cols = append(cols, Column{Name: name, Type: typ})
		if t, ok := p.peek(); ok && t.kind == tokIdent && (t.val == "not" || t.val == "null" || t.val == "primary" || t.val == "key" || t.val == "default" || t.val == "unique") {
			return nil, p.errAt(t, "column constraints are not supported (every column is nullable)")
		}
		if p.acceptOp(",") {
			continue
		}
		if p.acceptOp(")") {
			break
		}
		if _, ok := p.peek(); !ok {
			return nil, p.errAt(open, "unclosed column list")
		}
		return nil, p.errNext("\",\" or \")\" in the column list")
	}
	return cols, nil
}

// dropStream parses DROP STREAM [IF EXISTS] name.
func (p *stmtParser) dropStream() (Statement, *Error) {
	p.i = 1
	if t, ok := p.peek(); !ok || !t.is("stream") {
		if ok && t.kind == tokIdent && (t.val == "table" || t.val == "view" || t.val == "index" || t.val == "database") {
			return nil, p.errAt(t, "unsupported statement DROP %s (use DROP STREAM name)", strings.ToUpper(t.val))
		}
		return nil, p.errNext("STREAM after DROP")
	}
	p.i++
	s := &DropStream{Span: p.span(0)}
	if p.accept("if") {
		if err := p.expect("exists"); err != nil {
			return nil, err
		}
		s.IfExists = true
	}
	name, _, err := p.streamName()
	if err != nil {
		return nil, err
	}
	s.Name = name
	return s, p.end()
}

// show parses SHOW STREAMS and SHOW QUERIES.
func (p *stmtParser) show() (Statement, *Error) {
	p.i = 1
	t, ok := p.peek()
	var s Statement
	switch {
	case ok && t.is("streams"):
		s = &ShowStreams{Span: p.span(0)}
	case ok && t.is("queries"):
		s = &ShowQueries{Span: p.span(0)}
	case ok && t.is("alerts"):
		s = &ShowAlerts{Span: p.span(0)}
	case ok && t.kind == tokIdent:
		return nil, p.errAt(t, "unsupported statement SHOW %s (use SHOW STREAMS, SHOW QUERIES or SHOW ALERTS)", strings.ToUpper(t.val))
	default:
		return nil, p.errNext("STREAMS, QUERIES or ALERTS after SHOW")
	}
	p.i++
	if err := p.end(); err != nil {
		return nil, err
	}
	return s, nil
}

// stopQuery parses STOP QUERY id.
func (p *stmtParser) stopQuery() (Statement, *Error) {
	p.i = 1
	if err := p.expect("query"); err != nil {
		return nil, err
	}
	t, ok := p.peek()
	if !ok || !(t.isName() || t.kind == tokString || t.kind == tokNumber) {
		return nil, p.errNext("query id")
	}
	p.i++
	s := &StopQuery{Span: p.span(0), ID: t.val}
	return s, p.end()
}

// describe parses DESCRIBE name and DESC name.
func (p *stmtParser) describe() (Statement, *Error) {
	p.i = 1
	if t, ok := p.peek(); ok && (t.is("select") || t.is("insert")) {
		return p.explain()
	}
	if url, ok, err := p.dataset(); ok || err != nil {
		if err != nil {
			return nil, err
		}
		return &Describe{Span: p.span(0), Name: url, Dataset: true}, p.end()
	}
	name, _, err := p.streamName()
	if err != nil {
		return nil, err
	}
	s := &Describe{Span: p.span(0), Name: name}
	return s, p.end()
}

// dataset parses a dataset name, s3.`bucket/prefix`, file.`/path` or
// `scheme://…`, keeping the path's case; ok is false when the next tokens
// are not one.
func (p *stmtParser) dataset() (url string, ok bool, err *Error) {
	t, _ := p.peek()
	raw := func(q token) string {
		v, _, _ := scanQuotedIdent(p.src.text, q.off)
		return v
	}
	var scheme, path string
	isURL := false
	switch {
	case (t.is("s3") || t.is("file")) && p.i+2 < len(p.toks) && p.toks[p.i+1].isOp(".") && p.toks[p.i+2].kind == tokQuoted:
		scheme, path = t.val, raw(p.toks[p.i+2])
		p.i += 3
	case t.kind == tokQuoted && strings.Contains(t.val, "://"):
		var s string
		s, path, _ = strings.Cut(raw(t), "://")
		scheme, isURL = lower(s), true
		p.i++
	default:
		return "", false, nil
	}
	url, msg := datasetURL(scheme, path, isURL)
	if msg != "" {
		return "", true, p.errAt(t, "%s", msg)
	}
	return url, true, nil
}

// explain parses EXPLAIN <select> and EXPLAIN INSERT INTO s <select>.
func (p *stmtParser) explain() (Statement, *Error) {
	if len(p.toks) < 2 {
		p.i = 1
		return nil, p.errNext("SELECT or INSERT after EXPLAIN")
	}
	inner := p.toks[1]
	if !(inner.is("select") || inner.is("insert") || inner.isOp("(")) {
		return nil, p.errAt(inner, "EXPLAIN explains SELECT or INSERT INTO … SELECT, found %s", inner.describe(p.src.text))
	}
	st, err := parseSQL(p.src, p.toks[1:])
	if err != nil {
		return nil, err
	}
	e := &Explain{Span: p.span(0)}
	switch st := st.(type) {
	case *Select:
		e.Query = st
	case *InsertSelect:
		e.Query, e.Into = st.Query, st
	default:
		return nil, p.errAt(inner, "EXPLAIN explains SELECT or INSERT INTO … SELECT, not INSERT … VALUES")
	}
	return e, nil
}
