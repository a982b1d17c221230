package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/freshet/freshet/sql"
)

// Load reads a rule file, or every *.yaml and *.yml file of a directory in
// name order, into one Config and validates it (Validate). Problems come
// back as an ErrorList with file:line positions.
func Load(path string) (*Config, error) {
	cfg, errs, err := load(path)
	if err != nil {
		return nil, err
	}
	errs = append(errs, cfg.Validate()...)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// CheckFiles is Load followed by Check: it reports every problem of the
// files at once, YAML, SQL and templates (see Check for cat and fns).
func CheckFiles(path string, cat sql.Catalog, fns *sql.Functions) (*Config, error) {
	cfg, errs, err := load(path)
	if err != nil {
		return nil, err
	}
	errs = append(errs, Check(cfg, cat, fns)...)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// load reads the rule files at path without validating them.
func load(path string) (*Config, ErrorList, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("load rules: %w", err)
	}
	files := []string{path}
	if st.IsDir() {
		files = nil
		ents, err := os.ReadDir(path)
		if err != nil {
			return nil, nil, fmt.Errorf("load rules: %w", err)
		}
		for _, e := range ents {
			if ext := filepath.Ext(e.Name()); !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
		sort.Strings(files)
	}
	cfg := &Config{}
	var errs ErrorList
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, fmt.Errorf("load rules: %w", err)
		}
		c, ferrs := parseFile(f, data)
		errs = append(errs, ferrs...)
		cfg.Groups = append(cfg.Groups, c.Groups...)
		cfg.Notify = append(cfg.Notify, c.Notify...)
	}
	return cfg, errs, nil
}

// Parse reads one rule file's contents (name is used in positions) and
// validates it.
func Parse(name string, data []byte) (*Config, error) {
	cfg, errs := parseFile(name, data)
	errs = append(errs, cfg.Validate()...)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseFile decodes a rule file by walking yaml.v3's node tree, which keeps
// the line and column of every key and value.
func parseFile(name string, data []byte) (*Config, ErrorList) {
	p := &fileParser{file: name, lines: strings.Split(string(data), "\n")}
	cfg := &Config{}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		msg := err.Error()
		pos := Pos{File: name}
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			pos.Line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		p.errs.add(pos, "bad YAML: %s", strings.TrimPrefix(msg, "yaml: "))
		return cfg, p.errs
	}
	if root.Kind == 0 || len(root.Content) == 0 { // an empty file
		return cfg, nil
	}
	doc := root.Content[0]
	p.mapping(doc, "the rule file", map[string]func(v *yaml.Node){
		"groups": func(v *yaml.Node) {
			for _, g := range p.sequence(v, "groups") {
				cfg.Groups = append(cfg.Groups, p.group(g))
			}
		},
		"notify": func(v *yaml.Node) {
			for _, t := range p.sequence(v, "notify") {
				if tg, ok := p.target(t); ok {
					cfg.Notify = append(cfg.Notify, tg)
				}
			}
		},
	}, nil)
	return cfg, p.errs
}

type fileParser struct {
	file  string
	lines []string
	errs  ErrorList
}

func (p *fileParser) pos(n *yaml.Node) Pos { return Pos{File: p.file, Line: n.Line, Col: n.Column} }

func (p *fileParser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs.add(p.pos(n), format, args...)
}

// mapping calls the handler of each key of a mapping node; hints explain
// keys that are known elsewhere (Prometheus) but not here.
func (p *fileParser) mapping(n *yaml.Node, what string, keys map[string]func(v *yaml.Node), hints map[string]string) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping", what)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			p.errorf(k, "%s: key %q given twice", what, k.Value)
			continue
		}
		seen[k.Value] = true
		if h, ok := keys[k.Value]; ok {
			h(v)
			continue
		}
		if hint, ok := hints[k.Value]; ok {
			p.errorf(k, "%s: %s", what, hint)
			continue
		}
		names := make([]string, 0, len(keys))
		for name := range keys {
			names = append(names, name)
		}
		sort.Strings(names)
		p.errorf(k, "%s: unknown key %q (known: %s)", what, k.Value, strings.Join(names, ", "))
	}
}

func (p *fileParser) sequence(n *yaml.Node, what string) []*yaml.Node {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s must be a list", what)
		return nil
	}
	return n.Content
}

func (p *fileParser) str(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "%s must be a string", what)
		return ""
	}
	return n.Value
}

func (p *fileParser) duration(n *yaml.Node, what string) time.Duration {
	s := p.str(n, what)
	if n.Kind != yaml.ScalarNode {
		return 0
	}
	d, err := ParseDuration(s)
	if err != nil {
		p.errorf(n, "%s: %v", what, err)
	}
	return d
}

// strMap reads a mapping of strings, recording where each value is when
// at is not nil.
func (p *fileParser) strMap(n *yaml.Node, what string, at map[string]placement) map[string]string {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping of names to strings", what)
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if _, dup := out[k.Value]; dup {
			p.errorf(k, "%s: %q given twice", what, k.Value)
		}
		out[k.Value] = p.str(v, what+"."+k.Value)
		if at != nil {
			at[k.Value] = p.placement(v)
		}
	}
	return out
}

func (p *fileParser) group(n *yaml.Node) Group {
	g := Group{Pos: p.pos(n)}
	p.mapping(n, "group", map[string]func(v *yaml.Node){
		"name":     func(v *yaml.Node) { g.Name = p.str(v, "group name") },
		"interval": func(v *yaml.Node) { g.Interval = p.duration(v, "interval") },
		"rules": func(v *yaml.Node) {
			for _, r := range p.sequence(v, "rules") {
				g.Rules = append(g.Rules, p.rule(r))
			}
		},
	}, map[string]string{
		"limit":        "limit is not supported",
		"query_offset": "query_offset is not supported",
		"labels":       "group labels are not supported: give each rule its labels",
	})
	return g
}

func (p *fileParser) rule(n *yaml.Node) Rule {
	r := Rule{Pos: p.pos(n), src: ruleSource{labels: map[string]placement{}, annotations: map[string]placement{}}}
	p.mapping(n, "rule", map[string]func(v *yaml.Node){
		"alert": func(v *yaml.Node) { r.Alert, r.Pos = p.str(v, "alert"), p.pos(v) },
		"sql": func(v *yaml.Node) {
			r.SQL = strings.TrimRight(p.str(v, "sql"), "\n")
			r.src.sql = p.placement(v)
		},
		"for":             func(v *yaml.Node) { r.For = p.duration(v, "for") },
		"keep_firing_for": func(v *yaml.Node) { r.KeepFiringFor = p.duration(v, "keep_firing_for") },
		"labels":          func(v *yaml.Node) { r.Labels = p.strMap(v, "labels", r.src.labels) },
		"annotations":     func(v *yaml.Node) { r.Annotations = p.strMap(v, "annotations", r.src.annotations) },
	}, map[string]string{
		"expr":   "expr is PromQL; Freshet rules give a SQL query as sql:",
		"record": "recording rules are not supported: use INSERT INTO … SELECT for a persistent query",
	})
	return r
}

func (p *fileParser) target(n *yaml.Node) (Target, bool) {
	t := Target{Pos: p.pos(n)}
	if n.Kind != yaml.MappingNode || len(n.Content) != 2 {
		p.errorf(n, "notify: each target is one of webhook: URL, http: URL, stream: NAME or log: true")
		return t, false
	}
	k, v := n.Content[0], n.Content[1]
	switch k.Value {
	case "webhook":
		t.Kind, t.URL = Webhook, p.str(v, "webhook")
	case "http":
		t.Kind, t.URL = HTTP, p.str(v, "http")
	case "stream":
		t.Kind, t.Stream = Stream, p.str(v, "stream")
	case "log":
		var on bool
		if err := v.Decode(&on); err != nil {
			p.errorf(v, "notify: log must be true or false")
			return t, false
		}
		if !on {
			return t, false
		}
		t.Kind = Log
	default:
		p.errorf(k, "notify: unknown target %q (known: webhook, http, stream, log)", k.Value)
		return t, false
	}
	return t, true
}

// placement maps a position inside a string value (a rule's sql, a
// template) to the rule file, when the YAML style allows it.
type placement struct {
	at     Pos  // the sql value
	block  bool // a literal block (|): sql line L is file line at.Line+L
	indent int  // the block's indentation
	inline int  // > 0: one-line scalar whose first character is at this column
}

func (p *fileParser) placement(v *yaml.Node) placement {
	pl := placement{at: p.pos(v)}
	switch v.Style {
	case yaml.LiteralStyle:
		pl.block = true
		for i := v.Line; i < len(p.lines); i++ { // p.lines[v.Line] is the first line after the header
			l := p.lines[i]
			if strings.TrimSpace(l) != "" {
				pl.indent = len(l) - len(strings.TrimLeft(l, " "))
				break
			}
		}
	case 0:
		if !strings.Contains(v.Value, "\n") {
			pl.inline = v.Column
		}
	case yaml.SingleQuotedStyle:
		if !strings.ContainsAny(v.Value, "\n'") {
			pl.inline = v.Column + 1
		}
	case yaml.DoubleQuotedStyle:
		if !strings.ContainsAny(v.Value, "\n\"\\") {
			pl.inline = v.Column + 1
		}
	}
	return pl
}

// filePos returns the file position of line:col (1-based, columns in
// characters; col 0 for the whole line) of the value, or the value's own
// position.
func (pl placement) filePos(line, col int) Pos {
	switch {
	case pl.block && line > 0 && col > 0:
		return Pos{File: pl.at.File, Line: pl.at.Line + line, Col: pl.indent + col}
	case pl.block && line > 0:
		return Pos{File: pl.at.File, Line: pl.at.Line + line}
	case pl.inline > 0 && line == 1 && col > 0:
		return Pos{File: pl.at.File, Line: pl.at.Line, Col: pl.inline + col - 1}
	}
	return pl.at
}
