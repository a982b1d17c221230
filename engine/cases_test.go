package engine_test

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/engine/encode"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/streamstore"
	"github.com/freshet/freshet/sql"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/engine")

// engineCase is one SQL case of testdata/engine: statements that set up
// streams, input records per stream, and one query.
type engineCase struct {
	name   string
	setup  string
	inputs map[string][]string
	order  []string // streams in the order their input appears
	query  string
}

func loadCases(t *testing.T) []engineCase {
	files, err := filepath.Glob("../testdata/engine/*.case")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	var out []engineCase
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := engineCase{name: strings.TrimSuffix(filepath.Base(f), ".case"), inputs: map[string][]string{}}
		section, stream := "", ""
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "-- ") {
				f := strings.Fields(line[3:])
				section = f[0]
				if section == "input" {
					stream = f[1]
					c.order = append(c.order, stream)
				}
				continue
			}
			if strings.HasPrefix(line, "#") && section == "" {
				continue
			}
			switch section {
			case "setup":
				c.setup += line + "\n"
			case "input":
				if line != "" {
					c.inputs[stream] = append(c.inputs[stream], line)
				}
			case "query":
				c.query += line + "\n"
			}
		}
		out = append(out, c)
	}
	return out
}

// newEngine returns an engine over an in-memory store with a checked
// allocator; the cleanup checks that every Arrow buffer was released.
func newEngine(t *testing.T, batch int) *engine.Engine {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	store, err := streamstore.Open(streamstore.Options{RetentionCheck: -1})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.Open(engine.Options{Store: store, Mem: mem, BatchSize: batch})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		eng.Close()
		store.Close()
		mem.AssertSize(t, 0)
	})
	return eng
}

// runSetup runs a setup script, overriding each stream's shard count.
func runSetup(t *testing.T, eng *engine.Engine, script string, shards int) {
	t.Helper()
	stmts, err := sql.Parse(script)
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	for _, st := range stmts {
		if cs, ok := st.(*sql.CreateStream); ok {
			cs.Options.Shards = shards
		}
		res, err := eng.ExecuteStatement(context.Background(), st, engine.ExecOptions{})
		if err != nil {
			t.Fatalf("setup %q: %v", st.Source().Text, err)
		}
		res.Close()
	}
}

// put writes lines as records, keyed so that they spread over shards.
func put(t *testing.T, store ingest.Store, stream string, lines []string) {
	t.Helper()
	var es []ingest.PutEntry
	for i, l := range lines {
		es = append(es, ingest.PutEntry{PartitionKey: fmt.Sprintf("k%d", i%7), Data: []byte(l)})
	}
	if _, err := store.PutRecords(context.Background(), stream, es); err != nil {
		t.Fatal(err)
	}
}

// collect runs a query and renders its rows as CSV lines (header first).
func collect(t *testing.T, eng *engine.Engine, query string) []string {
	t.Helper()
	ctx := context.Background()
	res, err := eng.Execute(ctx, query)
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	defer res.Close()
	out := []string{strings.Join(res.Columns.Names(), ",")}
	for {
		rec, err := res.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("query: %v", err)
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row, err := encode.Row(rec, i)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(encode.AppendCSV(nil, row)))
		}
		rec.Release()
	}
}

// TestCases runs every case of testdata/engine as a snapshot query over 1
// and 4 shards, batch sizes of 1, 3 and 10,000 records, and the input in
// order and shuffled; every run must give the golden rows (sorted, unless
// the query orders them).
func TestCases(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.name, func(t *testing.T) {
			golden := filepath.Join("../testdata/engine", c.name+".golden")
			var want []string
			for _, shards := range []int{1, 4} {
				for _, batch := range []int{1, 3, 10000} {
					for _, shuffle := range []bool{false, true} {
						name := fmt.Sprintf("shards=%d/batch=%d/shuffled=%v", shards, batch, shuffle)
						eng := newEngine(t, batch)
						runSetup(t, eng, c.setup, shards)
						for _, s := range c.order {
							lines := append([]string(nil), c.inputs[s]...)
							if shuffle {
								r := rand.New(rand.NewPCG(uint64(len(lines)), 7))
								r.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
							}
							put(t, eng.Store(), s, lines)
						}
						got := collect(t, eng, c.query)
						if !strings.Contains(strings.ToUpper(c.query), "ORDER BY") {
							sort.Strings(got[1:])
						}
						if want == nil {
							if *update {
								os.WriteFile(golden, []byte(strings.Join(got, "\n")+"\n"), 0o644)
							}
							b, err := os.ReadFile(golden)
							if err != nil {
								t.Fatalf("%s: %v (run with -update to create it)", name, err)
							}
							want = strings.Split(strings.TrimRight(string(b), "\n"), "\n")
						}
						if strings.Join(got, "\n") != strings.Join(want, "\n") {
							t.Fatalf("%s:\ngot:\n%s\nwant:\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
						}
					}
				}
			}
		})
	}
}
