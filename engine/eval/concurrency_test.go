package eval

import (
	"sync"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/memory"
)

// TestConcurrentEval evaluates the same evaluators from several goroutines
// (run with -race).
func TestConcurrentEval(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	exprs := planExprs(t, "UPPER(s), doc->>'$.a', s LIKE s2, 'const', i IN (1, 10), CASE WHEN b THEN f END, NOW(), DATE_FORMAT(ts, '%Y')")
	evals, err := CompileAll(exprs, scanSchema(), Env{Mem: mem, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	rec := buildRecord(t, mem, testRows, 20)
	defer rec.Release()
	want := make([][]any, len(evals))
	for i, ev := range evals {
		want[i] = evalValues(t, ev, rec)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 20; round++ {
				for i, ev := range evals {
					arr, err := ev.Eval(rec)
					if err != nil {
						errs <- err.Error()
						return
					}
					got := goValues(t, arr)
					arr.Release()
					if !sameValues(got, want[i]) {
						errs <- "different values from " + exprs[i].String()
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
