package repl

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/freshet/freshet/sql"
)

// complete asks the completer about line with the cursor at its end and
// returns the candidates as whole words.
func complete(c *completer, line string) []string {
	rs := []rune(line)
	sufs, n := c.Do(rs, len(rs))
	prefix := string(rs[len(rs)-n:])
	var out []string
	for _, s := range sufs {
		out = append(out, prefix+string(s))
	}
	return out
}

func TestCompleter(t *testing.T) {
	eng := newEngine(t)
	ctx := context.Background()
	for _, s := range []string{
		"CREATE STREAM orders (customer VARCHAR, amount DOUBLE)",
		"CREATE STREAM order_lines (sku VARCHAR, qty BIGINT)",
		"CREATE STREAM visits (url VARCHAR)",
	} {
		if _, err := eng.Execute(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	r := New(Config{Backend: NewEmbedded(eng, "mem"), Functions: sql.NewFunctions().Names()})
	c := &completer{r: r, ctx: ctx}
	for _, tc := range []struct {
		line string
		want []string // must be among the candidates
		not  []string // must not be
	}{
		{"SEL", []string{"SELECT "}, nil},
		{"sel", []string{"select "}, []string{"SELECT "}},
		{"SELECT * FROM ord", []string{"orders ", "order_lines "}, []string{"ORDER "}},
		{"SELECT * FROM vi", []string{"visits "}, nil},
		{"DESCRIBE v", []string{"visits "}, nil},
		{"SELECT cu", nil, []string{"customer"}}, // no stream named yet
		{"SELECT * FROM orders WHERE am", []string{"amount"}, []string{"qty"}},
		{"SELECT * FROM orders WHERE _p", []string{"_partition_key"}, nil},
		{"SELECT * FROM orders WHERE ", []string{"customer", "amount"}, []string{"SELECT "}},
		{"SELECT COU", []string{"COUNT("}, nil},
		{"select tumble_s", []string{"tumble_start("}, nil},
		{`\de`, []string{`\describe `}, nil},
		{`\describe or`, []string{"orders ", "order_lines "}, nil},
		{`\tail vis`, []string{"visits "}, nil},
		{`\format c`, []string{"csv"}, nil},
		{`\timing o`, []string{"on", "off"}, nil},
	} {
		got := complete(c, tc.line)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: %q lacks %q", tc.line, got, w)
			}
		}
		for _, w := range tc.not {
			if slices.Contains(got, w) {
				t.Errorf("%q: %q has %q", tc.line, got, w)
			}
		}
	}

	// Columns of a stream named on an earlier line of the statement.
	r.in.add("SELECT amount")
	r.in.add("FROM orders")
	if got := complete(c, "WHERE cust"); !slices.Equal(got, []string{"customer"}) {
		t.Errorf("continued statement: %q", got)
	}
	r.in.reset()

	// File names for \source.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "setup.sql"), nil, 0o644)
	os.Mkdir(filepath.Join(dir, "scripts"), 0o755)
	if got := complete(c, `\source `+dir+"/s"); !slices.Equal(got, []string{dir + "/scripts/", dir + "/setup.sql "}) {
		t.Errorf(`\source: %q`, got)
	}
}

func TestColumnList(t *testing.T) {
	if got := columnList("(user_id VARCHAR, price DOUBLE, ts TIMESTAMP)"); !slices.Equal(got, []string{"user_id", "price", "ts"}) {
		t.Fatalf("%q", got)
	}
}
