package sql

import (
	"strconv"
	"strings"
	"time"
)

// streamOptionKeys are the keys CREATE STREAM … WITH accepts, sorted.
var streamOptionKeys = []string{"archive", "event_time", "format", "idle_timeout", "late_stream", "partition_key", "retention", "shards", "watermark_delay"}

// Limits on stream options.
const (
	maxShards    = 1024
	minRetention = 24 * time.Hour
	maxRetention = 8760 * time.Hour
)

// optValue is the value of one WITH option as written.
type optValue struct {
	tok      token   // first token of the value
	kind     tokKind // tokString, tokNumber, tokIdent (a bare word) or 0 for INTERVAL
	text     string
	interval time.Duration
}

// streamOptions parses "(key = value, …)" after WITH and validates the
// options against the stream's columns.
func (p *stmtParser) streamOptions(stream string, cols Schema) (StreamOptions, *Error) {
	o := DefaultStreamOptions()
	if err := p.expectOp("("); err != nil {
		return o, err
	}
	seen := map[string]bool{}
	for {
		key, kt, err := p.name("option name")
		if err != nil {
			return o, err
		}
		if !contains(streamOptionKeys, key) {
			return o, p.errAt(kt, "unknown stream option %q (known: %s)", key, strings.Join(streamOptionKeys, ", "))
		}
		if seen[key] {
			return o, p.errAt(kt, "option %s given twice", key)
		}
		seen[key] = true
		if err := p.expectOp("="); err != nil {
			return o, err
		}
		v, err := p.optionValue()
		if err != nil {
			return o, err
		}
		if err := p.setOption(&o, key, v, stream, cols); err != nil {
			return o, err
		}
		if p.acceptOp(",") {
			continue
		}
		if err := p.expectOp(")"); err != nil {
			return o, err
		}
		return o, nil
	}
}

// optionValue parses a literal option value: 'text', 12, a bare word, or
// INTERVAL n UNIT.
func (p *stmtParser) optionValue() (optValue, *Error) {
	t, ok := p.peek()
	if !ok {
		return optValue{}, p.errNext("option value")
	}
	p.i++
	switch {
	case t.is("interval"):
		q, ok := p.peek()
		if !ok || !(q.kind == tokNumber || q.kind == tokString) {
			return optValue{}, p.errNext("INTERVAL quantity")
		}
		p.i++
		u, ok := p.peek()
		if !ok || u.kind != tokIdent {
			return optValue{}, p.errNext("INTERVAL unit")
		}
		p.i++
		d, err := makeInterval(q.val, u.val)
		if err != nil {
			return optValue{}, p.errAt(q, "%v", err)
		}
		return optValue{tok: t, interval: d}, nil
	case t.isOp("-"):
		n, ok := p.peek()
		if !ok || n.kind != tokNumber {
			return optValue{}, p.errNext("number")
		}
		p.i++
		return optValue{tok: t, kind: tokNumber, text: "-" + n.val}, nil
	case t.kind == tokString || t.kind == tokNumber || t.isName():
		kind := t.kind
		if kind == tokQuoted {
			kind = tokIdent
		}
		return optValue{tok: t, kind: kind, text: t.val}, nil
	}
	return optValue{}, p.errAt(t, "expected option value, found %s", t.describe(p.src.text))
}

// setOption checks one option and stores it in o.
func (p *stmtParser) setOption(o *StreamOptions, key string, v optValue, stream string, cols Schema) *Error {
	switch key {
	case "shards":
		n, err := strconv.Atoi(v.text)
		if v.kind == 0 || err != nil || n < 1 || n > maxShards {
			return p.errAt(v.tok, "shards must be an integer from 1 to %d", maxShards)
		}
		o.Shards = n
	case "format":
		f := lower(v.text)
		if v.kind == tokNumber || v.kind == 0 || f != "json" && f != "csv" {
			return p.errAt(v.tok, "format must be 'json' or 'csv'")
		}
		o.Format = f
	case "event_time", "partition_key":
		if v.kind != tokString && v.kind != tokIdent {
			return p.errAt(v.tok, "%s must name a column", key)
		}
		name := lower(v.text)
		i := cols.Index(name)
		if i < 0 {
			return p.errAt(v.tok, "%s names unknown column %q (columns: %s)", key, name, strings.Join(cols.Names(), ", "))
		}
		if key == "event_time" {
			if t := cols[i].Type; t != Timestamp && t != Int64 {
				return p.errAt(v.tok, "event_time column %s must be TIMESTAMP or BIGINT (epoch milliseconds), not %s", name, t)
			}
			o.EventTime = name
		} else {
			o.PartitionKey = name
		}
	case "watermark_delay", "idle_timeout", "retention":
		d, err := p.duration(key, v)
		if err != nil {
			return err
		}
		switch {
		case key == "watermark_delay" && d < 0:
			return p.errAt(v.tok, "watermark_delay must not be negative")
		case key == "idle_timeout" && d <= 0:
			return p.errAt(v.tok, "idle_timeout must be positive")
		case key == "retention" && (d < minRetention || d > maxRetention):
			return p.errAt(v.tok, "retention must be from 24h to 8760h, got %s", formatDuration(d))
		}
		switch key {
		case "watermark_delay":
			o.WatermarkDelay = d
		case "idle_timeout":
			o.IdleTimeout = d
		default:
			o.Retention = d
		}
	case "late_stream":
		if v.kind != tokString && v.kind != tokIdent {
			return p.errAt(v.tok, "late_stream must name a stream")
		}
		name := lower(v.text)
		if msg := checkStreamName(name); msg != "" {
			return p.errAt(v.tok, "%s", msg)
		}
		if name == stream {
			return p.errAt(v.tok, "late_stream must be another stream than %s", stream)
		}
		o.LateStream = name
	case "archive":
		if v.kind != tokString || !(strings.HasPrefix(v.text, "s3://") || strings.HasPrefix(v.text, "file://")) || len(v.text) <= len("file://") {
			return p.errAt(v.tok, "archive must be an s3:// or file:// URL in quotes, like 's3://lake/raw'")
		}
		o.Archive = v.text
	}
	return nil
}

// duration reads a duration option: '5s' or INTERVAL 5 SECOND.
func (p *stmtParser) duration(key string, v optValue) (time.Duration, *Error) {
	if v.kind == 0 {
		return v.interval, nil
	}
	if v.kind != tokString {
		return 0, p.errAt(v.tok, "%s must be a duration like '5s' or INTERVAL 5 SECOND", key)
	}
	d, err := ParseDuration(v.text)
	if err != nil {
		return 0, p.errAt(v.tok, "%s: %v", key, err)
	}
	return d, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
