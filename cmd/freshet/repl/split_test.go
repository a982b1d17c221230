package repl

import (
	"reflect"
	"testing"
)

func TestSplit(t *testing.T) {
	for _, c := range []struct {
		in    string
		stmts []string
		rest  string
		open  byte
		blank bool
	}{
		{"SELECT 1;", []string{"SELECT 1"}, "", 0, true},
		{"SELECT 1; SELECT 2;\n", []string{"SELECT 1", "SELECT 2"}, "\n", 0, true},
		{"SELECT 1; SELECT", []string{"SELECT 1"}, " SELECT", 0, false},
		{"SELECT ';' FROM s;", []string{"SELECT ';' FROM s"}, "", 0, true},
		{`SELECT "a;b", 'it''s;', 'back\';slash' FROM s;`, []string{`SELECT "a;b", 'it''s;', 'back\';slash' FROM s`}, "", 0, true},
		{"SELECT `we;ird` FROM s;", []string{"SELECT `we;ird` FROM s"}, "", 0, true},
		{"SELECT 1 -- no; end\n, 2;", []string{"SELECT 1 -- no; end\n, 2"}, "", 0, true},
		{"# c;\n// c;\n/* c; */ SELECT 1 ;", []string{"SELECT 1"}, "", 0, true},
		{"-- only a comment;\n", nil, "-- only a comment;\n", 0, true},
		{";;  ;", nil, "", 0, true},
		{"SELECT 'open;", nil, "SELECT 'open;", '\'', false},
		{"SELECT 1 /* open;", nil, "SELECT 1 /* open;", '*', false},
		{"SELECT `open;", nil, "SELECT `open;", '`', false},
		{"SELECT 1\n  FROM s  \n;", []string{"SELECT 1\n  FROM s"}, "", 0, true},
	} {
		cuts, rest, open, blank := split(c.in)
		var got []string
		for _, ct := range cuts {
			got = append(got, c.in[ct.start:ct.end])
		}
		if !reflect.DeepEqual(got, c.stmts) || c.in[rest:] != c.rest || open != c.open || blank != c.blank {
			t.Errorf("split(%q) = %q, rest %q, open %q, blank %v; want %q, %q, %q, %v", c.in, got, c.in[rest:], open, blank, c.stmts, c.rest, c.open, c.blank)
		}
	}
}

// TestInput feeds lines and checks the statements they complete, with
// their positions in the input.
func TestInput(t *testing.T) {
	in := &input{}
	if got := in.add("SELECT 1; SELECT"); !reflect.DeepEqual(got, []statement{{"SELECT 1", 1, 1}}) || in.empty() {
		t.Fatalf("line 1: %+v", got)
	}
	if got := in.add("  2; SELECT 3;"); !reflect.DeepEqual(got, []statement{{"SELECT\n  2", 1, 11}, {"SELECT 3", 2, 6}}) || !in.empty() {
		t.Fatalf("line 2: %+v, empty %v", got, in.empty())
	}
	in.skip() // line 3: a meta-command
	if got := in.add("-- a comment"); got != nil || !in.empty() {
		t.Fatalf("comment: %+v", got)
	}
	if got := in.add("SELECT 'a;"); got != nil || in.open != '\'' {
		t.Fatalf("open string: %+v %q", got, in.open)
	}
	if got := in.add("b' FROM s"); got != nil || in.unfinished() != "SELECT 'a;\nb' FROM s\n" {
		t.Fatalf("closed string: %+v %q", got, in.unfinished())
	}
	if got := in.finish(); !reflect.DeepEqual(got, []statement{{"SELECT 'a;\nb' FROM s", 5, 1}}) {
		t.Fatalf("finish: %+v", got)
	}
	in.add("SELECT 'never closed")
	if got := in.finish(); !reflect.DeepEqual(got, []statement{{"SELECT 'never closed", 7, 1}}) {
		t.Fatalf("finish an open string: %+v", got)
	}
}

func TestFlatten(t *testing.T) {
	for in, want := range map[string]string{
		"SELECT a,\n  b -- the b\nFROM s;":    "SELECT a, b FROM s;",
		"SELECT 'two\nlines' /* c */ FROM s;": `SELECT 'two\nlines' FROM s;`,
		"  SELECT   1 ;  ":                    "SELECT 1 ;",
		"SELECT '--not a comment' FROM s;":    "SELECT '--not a comment' FROM s;",
	} {
		if got := flatten(in); got != want {
			t.Errorf("flatten(%q) = %q, want %q", in, got, want)
		}
	}
}
