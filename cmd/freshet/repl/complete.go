package repl

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/freshet/freshet/sql"
)

// keywords are the SQL words Tab completes.
func keywords() []string {
	return []string{
		"SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "LIMIT", "EMIT", "CHANGES",
		"INSERT", "INTO", "VALUES", "CREATE", "STREAM", "WITH", "DROP", "IF", "EXISTS",
		"SHOW", "STREAMS", "QUERIES", "QUERY", "STOP", "DESCRIBE", "EXPLAIN",
		"AS", "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "BETWEEN", "CASE", "WHEN",
		"THEN", "ELSE", "END", "DISTINCT", "ASC", "DESC", "INTERVAL", "SECOND", "MINUTE",
		"HOUR", "DAY", "TRUE", "FALSE", "CAST", "ARCHIVE",
		"VARCHAR", "BIGINT", "DOUBLE", "BOOLEAN", "TIMESTAMP",
		"window_start", "window_end",
	}
}

// streamPosition lists the words after which a stream name comes.
func streamPosition(word string) bool {
	switch strings.ToUpper(word) {
	case "FROM", "JOIN", "INTO", "STREAM", "DESCRIBE", "DESC", "EXISTS", "ARCHIVE.":
		return true
	}
	return false
}

// completer completes what is typed at the prompt (readline.AutoCompleter).
type completer struct {
	r   *REPL
	ctx context.Context
}

// Do returns the candidates for the word before pos, as the text each
// would add, and the length of that word.
func (c *completer) Do(line []rune, pos int) ([][]rune, int) {
	if pos > len(line) {
		pos = len(line)
	}
	if c.r.in.empty() && isMeta(string(line)) {
		return c.meta(line, pos)
	}
	start := pos
	for start > 0 && isWordRune(line[start-1]) {
		start--
	}
	prefix := string(line[start:pos])
	before := strings.TrimRightFunc(string(line[:start]), unicode.IsSpace)
	// The statement being typed: what is unfinished, and this line from
	// its last semicolon before the cursor.
	text := c.r.in.unfinished() + string(line)
	_, rest, _, _ := split(c.r.in.unfinished() + string(line[:pos]))
	text = text[rest:]

	streams, _ := c.r.streams(c.ctx)
	var cands []string
	add := func(names []string, suffix string) {
		for _, n := range names {
			cands = append(cands, n+suffix)
		}
	}
	names := make([]string, 0, len(streams))
	for n := range streams {
		names = append(names, n)
	}
	sort.Strings(names)
	prev := lastWord(before)
	if strings.HasSuffix(before, ".") {
		prev = strings.ToUpper(lastWord(strings.TrimSuffix(before, "."))) + "."
	}
	if streamPosition(prev) {
		add(names, " ")
		return suffixes(cands, prefix), len([]rune(prefix))
	}
	// Columns of the streams the statement names, then streams, functions
	// and keywords.
	named := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !isWordRune(r) }) {
		if _, ok := streams[w]; ok && !named[w] {
			named[w] = true
			add(streams[w], "")
		}
	}
	if len(named) > 0 {
		add(sql.MetadataColumns().Names(), "")
	}
	if prefix == "" {
		return suffixes(cands, prefix), 0
	}
	add(names, " ")
	upper := strings.ToLower(prefix) != prefix
	for _, f := range c.r.cfg.Functions {
		if upper {
			f = strings.ToUpper(f)
		}
		cands = append(cands, f+"(")
	}
	for _, k := range keywords() {
		if !upper && strings.ToUpper(k) == k {
			k = strings.ToLower(k)
		}
		cands = append(cands, k+" ")
	}
	return suffixes(cands, prefix), len([]rune(prefix))
}

// meta completes a meta-command and its argument.
func (c *completer) meta(line []rune, pos int) ([][]rune, int) {
	start := pos
	for start > 0 && !unicode.IsSpace(line[start-1]) {
		start--
	}
	prefix := string(line[start:pos])
	head := strings.Fields(string(line[:start]))
	var cands []string
	if len(head) == 0 {
		for _, m := range metaCommands() {
			cands = append(cands, `\`+m.name+" ")
		}
		return suffixes(cands, prefix), len([]rune(prefix))
	}
	if len(head) > 1 {
		return nil, 0
	}
	cmd, _ := findMeta(strings.TrimPrefix(head[0], `\`))
	switch cmd.name {
	case "describe", "tail":
		streams, _ := c.r.streams(c.ctx)
		for n := range streams {
			cands = append(cands, n+" ")
		}
		sort.Strings(cands)
	case "format":
		for _, f := range Formats() {
			cands = append(cands, string(f))
		}
	case "timing", "earliest":
		cands = []string{"on", "off"}
	case "demo":
		cands = []string{"stop"}
	case "stop":
		cands = c.queryIDs()
	case "source", "output":
		return suffixes(files(prefix), prefix), len([]rune(prefix))
	}
	return suffixes(cands, prefix), len([]rune(prefix))
}

// queryIDs lists the running persistent queries.
func (c *completer) queryIDs() []string {
	ctx, cancel := context.WithTimeout(c.ctx, 2*time.Second)
	defer cancel()
	var col collector
	if c.r.cfg.Backend.Exec(ctx, "SHOW QUERIES", ExecOptions{}, &col) != nil {
		return nil
	}
	id := col.column("id")
	if id < 0 {
		return nil
	}
	var out []string
	for _, row := range col.rows {
		out = append(out, row[id].Text)
	}
	return out
}

// files lists the paths that start with prefix; directories end in "/".
func files(prefix string) []string {
	dir, base := filepath.Split(prefix)
	entries, err := os.ReadDir(filepath.Clean(dir + "."))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), base) || strings.HasPrefix(e.Name(), ".") && !strings.HasPrefix(base, ".") {
			continue
		}
		if e.IsDir() {
			out = append(out, dir+e.Name()+"/")
		} else {
			out = append(out, dir+e.Name()+" ")
		}
	}
	return out
}

// suffixes returns, for each candidate that starts with prefix (ignoring
// case), what it adds to prefix; duplicates are dropped.
func suffixes(cands []string, prefix string) [][]rune {
	p := []rune(prefix)
	seen := map[string]bool{}
	var out [][]rune
	for _, c := range cands {
		r := []rune(c)
		if len(r) < len(p) || !strings.EqualFold(string(r[:len(p)]), prefix) {
			continue
		}
		s := string(r[len(p):])
		if seen[strings.ToLower(s)] {
			continue
		}
		seen[strings.ToLower(s)] = true
		out = append(out, r[len(p):])
	}
	return out
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// lastWord returns the last word of s.
func lastWord(s string) string {
	end := len(s)
	start := strings.LastIndexFunc(s[:end], func(r rune) bool { return !isWordRune(r) }) + 1
	return s[start:end]
}
