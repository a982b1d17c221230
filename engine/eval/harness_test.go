package eval

import (
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// exprCase is an expression over the test stream t and its value for each
// of testRows (nil: NULL; timestamps as ts in the form
// 2006-01-02T15:04:05.000Z).
type exprCase struct {
	expr string
	want []any
}

// fixedNow is NOW() in the tests: 2025-01-01T00:00:00Z.
func fixedNow() int64 { return ts("2025-01-01T00:00:00Z").ms() }

// repeats is how many times the harness repeats testRows in a batch, so
// that batches cross byte boundaries of the bitmaps.
const repeats = 7

// runCases evaluates each case over testRows repeated, on the whole batch
// and on slices starting at several offsets (unaligned bitmaps), with a
// checked allocator.
func runCases(t *testing.T, cases []exprCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			if len(c.want) != len(testRows) {
				t.Fatalf("want has %d values, there are %d rows", len(c.want), len(testRows))
			}
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			expr := planExprs(t, c.expr)[0]
			ev, err := Compile(expr, scanSchema(), Env{Mem: mem, Now: fixedNow})
			if err != nil {
				t.Fatalf("compile %s: %v", expr, err)
			}
			rec := buildRecord(t, mem, testRows, repeats)
			defer rec.Release()
			var want []any
			for r := 0; r < repeats; r++ {
				want = append(want, norm(c.want)...)
			}
			n := int(rec.NumRows())
			for _, off := range []int{0, 1, 3, 8, 13} {
				end := n - off%4
				sub := rec.NewSlice(int64(off), int64(end))
				arr, err := ev.Eval(sub)
				sub.Release()
				if err != nil {
					t.Fatalf("eval %s at offset %d: %v", expr, off, err)
				}
				if !arrow.TypeEqual(arr.DataType(), ev.Type()) {
					t.Errorf("eval %s: type %s, Type() says %s", expr, arr.DataType(), ev.Type())
				}
				got := goValues(t, arr)
				arr.Release()
				if !sameValues(got, want[off:end]) {
					if len(got) >= len(testRows) && len(want) >= off+len(testRows) {
						t.Fatalf("%s at offset %d:\n got %s\nwant %s", expr, off, fmtValues(got[:len(testRows)]), fmtValues(want[off:off+len(testRows)]))
					}
					t.Fatalf("%s at offset %d:\n got %s\nwant %s", expr, off, fmtValues(got), fmtValues(want[off:end]))
				}
			}
			empty := rec.NewSlice(5, 5)
			defer empty.Release()
			if got := evalValues(t, ev, empty); len(got) != 0 {
				t.Fatalf("%s over no rows: %v", expr, got)
			}
		})
	}
}
