package repl

import (
	"strings"
	"testing"
)

// cells builds a row; "NULL" stands for SQL NULL, and values that look
// like numbers are JSON numbers.
func cells(vals ...string) []Cell {
	out := make([]Cell, len(vals))
	for i, v := range vals {
		switch {
		case v == "NULL":
			out[i] = NullCell()
		case strings.Trim(v, "0123456789.") == "":
			out[i] = Cell{Text: v, JSON: v}
		default:
			out[i] = TextCell(v)
		}
	}
	return out
}

// printAll prints one result and returns the output.
func printAll(t *testing.T, f Format, push bool, cols []string, batches ...[][]Cell) string {
	t.Helper()
	var b strings.Builder
	p := NewPrinter(&b, f)
	if err := p.Columns(cols, push); err != nil {
		t.Fatal(err)
	}
	for _, batch := range batches {
		for _, r := range batch {
			if err := p.Row(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := p.End(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestPrinterFormats(t *testing.T) {
	cols := []string{"name", "n", "note"}
	rows := [][]Cell{cells("a", "1", `say "hi", <b>`), cells("bb", "22", "NULL")}
	for _, c := range []struct {
		f    Format
		want string
	}{
		{FormatTable, "name | n  | note\n" +
			"-----+----+--------------\n" +
			"a    | 1  | say \"hi\", <b>\n" +
			"bb   | 22 | NULL\n" +
			"(2 rows)\n"},
		{FormatCSV, "name,n,note\na,1,\"say \"\"hi\"\", <b>\"\nbb,22,\n"},
		{FormatJSON, `{"name":"a","n":1,"note":"say \"hi\", <b>"}` + "\n" + `{"name":"bb","n":22,"note":null}` + "\n"},
		{FormatVertical, "-[ RECORD 1 ]------------\nname | a\nn    | 1\nnote | say \"hi\", <b>\n" +
			"-[ RECORD 2 ]------------\nname | bb\nn    | 22\nnote | NULL\n(2 rows)\n"},
	} {
		if got := printAll(t, c.f, false, cols, rows); got != c.want {
			t.Errorf("%s:\n%s\nwant:\n%s", c.f, got, c.want)
		}
	}
	// No rows: the header (table, CSV) and the count.
	if got := printAll(t, FormatTable, false, []string{"a"}); got != "a\n-\n(0 rows)\n" {
		t.Errorf("empty table: %q", got)
	}
	if got := printAll(t, FormatCSV, false, []string{"a", "b"}); got != "a,b\n" {
		t.Errorf("empty CSV: %q", got)
	}
}

// TestPrinterTruncates cuts values wider than the maximum with "…" and
// keeps line breaks from breaking the table.
func TestPrinterTruncates(t *testing.T) {
	long := strings.Repeat("é", 70)
	got := printAll(t, FormatTable, false, []string{"v", "w"}, [][]Cell{cells(long, "two\nlines")})
	want := "v" + strings.Repeat(" ", 59) + " | w\n" +
		strings.Repeat("-", 60) + "-+----------\n" +
		strings.Repeat("é", 59) + "… | two↵lines\n(1 row)\n"
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestPrinterPushTable prints a push query's table batch by batch: the
// header once, widths fixed by the first batch (at least ten), wider
// values cut later.
func TestPrinterPushTable(t *testing.T) {
	var b strings.Builder
	p := NewPrinter(&b, FormatTable)
	p.Columns([]string{"k", "total"}, true)
	p.Row(cells("ab", "1"))
	if b.Len() != 0 {
		t.Fatalf("printed before the batch ended: %q", b.String())
	}
	p.Flush()
	if want := "k          | total\n-----------+-----------\nab         | 1\n"; b.String() != want {
		t.Fatalf("first batch: %q, want %q", b.String(), want)
	}
	p.Row(cells("abcdefghijkl", "2"))
	p.Flush()
	p.End()
	if want := "k          | total\n-----------+-----------\nab         | 1\nabcdefghi… | 2\n(2 rows)\n"; b.String() != want {
		t.Fatalf("second batch: %q, want %q", b.String(), want)
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"table", "CSV", "json", "vertical"} {
		if _, err := ParseFormat(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	if _, err := ParseFormat("yaml"); err == nil || !strings.Contains(err.Error(), "unknown format") {
		t.Errorf("yaml: %v", err)
	}
}
