package sql

import (
	"strings"
)

// alterableKeys are the options ALTER STREAM … SET may change: the lake's.
var alterableKeys = []string{"archive", "archive_buffer_interval", "archive_buffer_size", "archive_compression",
	"archive_partition_by", "archive_sse", "archive_sse_kms_key_id"}

// AlterStream is ALTER STREAM name SET (key = value, …): it changes the
// archive options of an existing stream (to add a lake to it, or change how
// it is written). Apply checks the values against the stream.
type AlterStream struct {
	Span
	Name string
	// Keys lists the options set, in order.
	Keys []string

	src  *source
	opts []rawOption
}

type rawOption struct {
	key string
	val optValue
}

// Apply returns the stream's options with the statement's changes, or an
// error (with its position) when a value does not suit the stream.
func (s *AlterStream) Apply(def *StreamDef) (StreamOptions, error) {
	o := def.Options
	p := &stmtParser{src: s.src}
	for _, r := range s.opts {
		if err := p.setOption(&o, r.key, r.val, def.Name, def.Columns); err != nil {
			return def.Options, err
		}
	}
	return o, nil
}

func (p *stmtParser) alterStream() (Statement, *Error) {
	p.i = 1
	if t, ok := p.peek(); !ok || !t.is("stream") {
		if ok && t.kind == tokIdent {
			return nil, p.errAt(t, "unsupported statement ALTER %s (Freshet has ALTER STREAM name SET (archive = …))", strings.ToUpper(t.val))
		}
		return nil, p.errNext("STREAM after ALTER")
	}
	p.i++
	s := &AlterStream{Span: p.span(0), src: p.src}
	name, _, err := p.streamName()
	if err != nil {
		return nil, err
	}
	s.Name = name
	if err := p.expect("set"); err != nil {
		return nil, err
	}
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for {
		key, kt, err := p.name("option name")
		if err != nil {
			return nil, err
		}
		if !contains(alterableKeys, key) {
			return nil, p.errAt(kt, "ALTER STREAM cannot set %q (it sets: %s)", key, strings.Join(alterableKeys, ", "))
		}
		if seen[key] {
			return nil, p.errAt(kt, "option %s given twice", key)
		}
		seen[key] = true
		if err := p.expectOp("="); err != nil {
			return nil, err
		}
		v, err := p.optionValue()
		if err != nil {
			return nil, err
		}
		s.opts = append(s.opts, rawOption{key: key, val: v})
		s.Keys = append(s.Keys, key)
		if p.acceptOp(",") {
			continue
		}
		if err := p.expectOp(")"); err != nil {
			return nil, err
		}
		break
	}
	return s, p.end()
}
