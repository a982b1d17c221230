package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/ingest/streamstore"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/storeurl"
	"github.com/freshet/freshet/sql"
)

// TestCasesArchive runs every case of testdata/engine over the lake: its
// streams archived to a local directory, the query reading
// archive.<stream>. Archive queries take other paths (files read in
// parallel, aggregations in parts, dictionary keys, no event times when
// unneeded); they must give the golden rows all the same.
func TestCasesArchive(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			store, err := streamstore.Open(streamstore.Options{RetentionCheck: -1})
			if err != nil {
				t.Fatal(err)
			}
			eng, err := engine.Open(engine.Options{Store: store, Mem: mem,
				OpenArchive: func(ctx context.Context, url string) (output.ObjectStore, error) {
					return storeurl.Open(ctx, url, output.S3Config{})
				}})
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				eng.Close()
				store.Close()
				mem.AssertSize(t, 0)
			}()
			stmts, err := sql.Parse(c.setup)
			if err != nil {
				t.Fatal(err)
			}
			lake := "file://" + t.TempDir()
			for _, st := range stmts {
				if cs, ok := st.(*sql.CreateStream); ok {
					cs.Options.Shards = 1 // more rows per file: some dictionary-encoded
					cs.Options.Archive = lake
					cs.Options.ArchiveBufferInterval = time.Second
				}
				res, err := eng.ExecuteStatement(context.Background(), st, engine.ExecOptions{})
				if err != nil {
					t.Fatalf("setup %q: %v", st.Source().Text, err)
				}
				res.Close()
			}
			want := 0
			for _, s := range c.order {
				put(t, eng.Store(), s, c.inputs[s])
				want += len(c.inputs[s])
			}
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				delivered := int64(0)
				for _, st := range eng.ArchiveStats() {
					delivered += st.DeliveredRecords
				}
				if delivered == int64(want) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("lake not delivered: %+v, want %d records", eng.ArchiveStats(), want)
				}
			}
			q := c.query
			for _, s := range c.order {
				q = regexp.MustCompile(`(?i)\bFROM\s+`+regexp.QuoteMeta(s)+`\b`).ReplaceAllString(q, "FROM archive."+s)
			}
			if !strings.Contains(q, "archive.") {
				t.Fatalf("no stream of the query replaced: %s", q)
			}
			got := collect(t, eng, q)
			if !strings.Contains(strings.ToUpper(c.query), "ORDER BY") {
				sort.Strings(got[1:])
			}
			b, err := os.ReadFile(filepath.Join("../testdata/engine", c.name+".golden"))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "\n") != strings.TrimRight(string(b), "\n") {
				t.Fatalf("%s\ngot:\n%s\nwant:\n%s", q, strings.Join(got, "\n"), strings.TrimRight(string(b), "\n"))
			}
		})
	}
}
