package sql

import (
	"strconv"
	"strings"
	"time"
)

// streamOptionKeys are the keys CREATE STREAM … WITH accepts, sorted.
var streamOptionKeys = []string{"archive", "archive_buffer_interval", "archive_buffer_size", "archive_compression", "archive_partition_by",
	"archive_sse", "archive_sse_kms_key_id", "event_time", "format", "idle_timeout", "late_stream", "partition_key", "retention", "shards", "watermark_delay"}

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
	case "archive_buffer_interval":
		d, err := p.duration(key, v)
		if err != nil {
			return err
		}
		if d < time.Second || d > 15*time.Minute {
			return p.errAt(v.tok, "archive_buffer_interval must be from 1s to 15m, got %s", formatDuration(d))
		}
		o.ArchiveBufferInterval = d
	case "archive_buffer_size":
		n, err := parseSize(v.text)
		if v.kind == 0 || err != nil || n < 1<<20 || n > 1<<30 {
			return p.errAt(v.tok, "archive_buffer_size must be a size from 1MB to 1GB, like '64MB' or 67108864")
		}
		o.ArchiveBufferSize = n
	case "archive_compression":
		c := lower(v.text)
		if v.kind != tokString && v.kind != tokIdent || !contains([]string{"gzip", "none", "snappy", "zstd"}, c) {
			return p.errAt(v.tok, "archive_compression must be snappy, zstd, gzip or none")
		}
		o.ArchiveCompression = c
	case "archive_partition_by":
		if v.kind != tokString && v.kind != tokIdent {
			return p.errAt(v.tok, "archive_partition_by must list columns, like 'country,device'")
		}
		for _, f := range strings.Split(v.text, ",") {
			name := lower(strings.TrimSpace(f))
			if cols.Index(name) < 0 {
				return p.errAt(v.tok, "archive_partition_by names unknown column %q (columns: %s)", name, strings.Join(cols.Names(), ", "))
			}
			o.ArchivePartitionBy = append(o.ArchivePartitionBy, name)
		}
	case "archive_sse":
		if v.kind != tokString || v.text != "AES256" && v.text != "aws:kms" {
			return p.errAt(v.tok, "archive_sse must be 'AES256' or 'aws:kms'")
		}
		o.ArchiveSSE = v.text
	case "archive_sse_kms_key_id":
		if v.kind != tokString || v.text == "" {
			return p.errAt(v.tok, "archive_sse_kms_key_id must be a KMS key id in quotes")
		}
		o.ArchiveSSEKMSKeyID = v.text
	case "archive":
		if v.kind != tokString || !(strings.HasPrefix(v.text, "s3://") || strings.HasPrefix(v.text, "file://")) || len(v.text) <= len("file://") {
			return p.errAt(v.tok, "archive must be an s3:// or file:// URL in quotes, like 's3://lake/raw'")
		}
		o.Archive = v.text
	}
	return nil
}

// parseSize reads a byte size: a number, or one with KB, MB, GB, KiB, MiB
// or GiB.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, err
	}
	return n * mult, nil
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
