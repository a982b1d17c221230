package exec_test

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine/exec"
)

// partialRows makes a deterministic input: n rows of few users, prices in
// quarters (so DOUBLE sums are exact in any order) and event times with
// many ties, in three parts.
func partialRows(n int) [][][3]any {
	var parts [][][3]any
	var cur [][3]any
	for i := range n {
		user := fmt.Sprintf("u%d", (i*7)%5)
		if i%13 == 0 {
			user = fmt.Sprintf("new%d", i) // keys first seen in later parts
		}
		var u any = user
		if i%17 == 5 {
			u = nil
		}
		cur = append(cur, [3]any{u, float64(i%9) + 0.25, 1000 * (i / 3)})
		if len(cur) == n/3 {
			parts = append(parts, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		parts = append(parts, cur)
	}
	return parts
}

// sameRows compares rows as rows renders them, numbers within a relative
// 1e-12: STDDEV's merge of parts rounds differently from one pass.
func sameRows(got, want string) bool {
	g, w := strings.FieldsFunc(got, isSep), strings.FieldsFunc(want, isSep)
	if len(g) != len(w) || strings.Count(got, ";") != strings.Count(want, ";") {
		return false
	}
	for i := range g {
		if g[i] == w[i] {
			continue
		}
		x, err1 := strconv.ParseFloat(g[i], 64)
		y, err2 := strconv.ParseFloat(w[i], 64)
		if err1 != nil || err2 != nil || math.Abs(x-y) > 1e-12*math.Max(math.Abs(x), math.Abs(y)) {
			return false
		}
	}
	return true
}

func isSep(r rune) bool { return r == ';' || r == ',' }

// Aggregating the parts of an input apart and merging them in order gives
// the rows, in the same order, that one pass gives: plain and global
// aggregates, tumbling and hopping windows, WHERE, HAVING, ORDER BY and
// LIMIT, every aggregate function (LAST's ties included).
func TestPartialMatchesOnePass(t *testing.T) {
	queries := []string{
		`SELECT user_id, COUNT(*) AS n, SUM(price) AS s, MIN(price) AS lo, MAX(user_id) AS hi FROM clicks GROUP BY user_id`,
		`SELECT COUNT(*) AS n, AVG(price) AS a, COUNT(DISTINCT user_id) AS d, FIRST(user_id) AS f, LAST(user_id) AS l FROM clicks`,
		`SELECT user_id, FIRST(price) AS f, LAST(price) AS l, APPROX_PERCENTILE(price, 0.5) AS p, APPROX_COUNT_DISTINCT(price) AS d,
		 STDDEV(price) AS sd, SUM(DISTINCT price) AS sdp FROM clicks GROUP BY user_id`,
		`SELECT user_id, COUNT(*) AS n, SUM(price) AS s FROM clicks WHERE price > 2 AND user_id != 'u3' GROUP BY user_id HAVING n > 1 ORDER BY s DESC, user_id LIMIT 4`,
		`SELECT user_id, window_start, COUNT(*) AS n, LAST(price) AS l FROM clicks GROUP BY user_id, TUMBLE(ts, INTERVAL 7 SECOND)`,
		`SELECT user_id, HOP_START(ts, INTERVAL 5 SECOND, INTERVAL 15 SECOND) AS ws, SUM(price) AS s FROM clicks WHERE price < 7
		 GROUP BY user_id, HOP(ts, INTERVAL 5 SECOND, INTERVAL 15 SECOND)`,
		`SELECT COUNT(*) AS n FROM clicks WHERE price > 100`, // no row passes: still one row
		`SELECT user_id, COUNT(*) AS n, SUM(price) AS s FROM clicks WHERE price > 2 GROUP BY user_id`,
		`SELECT user_id, UPPER(user_id) AS u, COUNT(*) AS n FROM clicks GROUP BY user_id, UPPER(user_id)`,
	}
	for _, text := range queries {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		q := plan(t, text)
		env := exec.Env{Mem: mem, Mode: exec.Final}
		parts := partialRows(300)

		one, err := exec.Build(q, env)
		if err != nil {
			t.Fatal(err)
		}
		if !one.Splits() {
			t.Fatalf("%s: does not split", text)
		}
		for _, p := range parts {
			if out := push(t, one, batch(t, mem, q, p...)); len(out) != 0 {
				t.Fatalf("%s: rows before the end", text)
			}
		}
		want := rows(t, advance(t, one, math.MaxInt64))
		one.Close()

		split, err := exec.Build(q, env)
		if err != nil {
			t.Fatal(err)
		}
		// Parts 0 and 1 are aggregated at once; part 2 after part 0 is
		// merged, in the Partial that merging recycles.
		var partials []*exec.Partial
		merged := 0
		for i, p := range parts {
			if i == 2 {
				if err := split.Merge(partials[0]); err != nil {
					t.Fatal(err)
				}
				merged++
			}
			pp, err := split.NewPartial()
			if err != nil {
				t.Fatal(err)
			}
			// Two batches per part, so a part folds several batches, as
			// lean as PartialInput allows.
			for _, half := range [][][3]any{p[:len(p)/2], p[len(p)/2:]} {
				b := asPartialInput(t, mem, batch(t, mem, q, half...), split.PartialInput())
				if err := pp.Push(b); err != nil {
					t.Fatal(err)
				}
				b.Release()
			}
			partials = append(partials, pp)
		}
		for _, pp := range partials[merged:] {
			if err := split.Merge(pp); err != nil {
				t.Fatal(err)
			}
		}
		got := rows(t, advance(t, split, math.MaxInt64))
		split.Close()
		if !sameRows(got, want) || want == "" {
			t.Errorf("%s:\none pass: %s\nparts:    %s", text, want, got)
		}
		mem.AssertSize(t, 0)
	}
}

// Plans that cannot be aggregated in parts say so.
func TestPartialRefused(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, c := range []struct {
		text string
		mode exec.AggMode
	}{
		{`SELECT user_id, COUNT(*) AS n FROM clicks GROUP BY user_id, SESSION(ts, INTERVAL 5 SECOND)`, exec.Final},
		{`SELECT user_id, COUNT(*) AS n FROM clicks GROUP BY user_id EMIT CHANGES`, exec.Updates},
		{`SELECT user_id, price FROM clicks WHERE price > 1`, exec.Final},
	} {
		p, err := exec.Build(plan(t, c.text), exec.Env{Mem: mem, Mode: c.mode})
		if err != nil {
			t.Fatal(err)
		}
		if p.Splits() {
			t.Errorf("%s: splits", c.text)
		}
		if _, err := p.NewPartial(); err == nil {
			t.Errorf("%s: NewPartial: no error", c.text)
		}
		p.Close()
	}
}

// asPartialInput makes b as lean as in allows: the Dictionary columns
// become dictionary arrays of the same strings (values in order of first
// sight, NULLs as NULL rows), the Unread ones Null arrays, and the times
// go without Times.
func asPartialInput(t *testing.T, mem memory.Allocator, b exec.Batch, in exec.PartialInput) exec.Batch {
	t.Helper()
	defer b.Release()
	times := b.Times
	if !in.Times {
		times = nil
	}
	arrs := make([]arrow.Array, b.Rec.NumCols())
	fields := slices.Clone(b.Rec.Schema().Fields())
	for i := range arrs {
		arrs[i] = b.Rec.Column(i)
		arrs[i].Retain()
	}
	defer func() {
		for _, a := range arrs {
			a.Release()
		}
	}()
	for _, c := range in.Unread {
		arrs[c].Release()
		arrs[c] = array.NewNull(int(b.Rec.NumRows()))
		fields[c].Type = arrow.Null
	}
	for _, c := range in.Dictionary {
		str := arrs[c].(*array.String)
		vb := array.NewStringBuilder(mem)
		ib := array.NewInt32Builder(mem)
		seen := map[string]int32{}
		vb.Append("never used") // a dictionary value no row holds
		for i := range str.Len() {
			if str.IsNull(i) {
				ib.AppendNull()
				continue
			}
			j, ok := seen[str.Value(i)]
			if !ok {
				j = int32(vb.Len())
				seen[str.Value(i)] = j
				vb.Append(str.Value(i))
			}
			ib.Append(j)
		}
		vals, ind := vb.NewArray(), ib.NewArray()
		vb.Release()
		ib.Release()
		dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
		arrs[c].Release()
		arrs[c] = array.NewDictionaryArray(dt, ind, vals)
		vals.Release()
		ind.Release()
		fields[c].Type = dt
	}
	return exec.Batch{Rec: array.NewRecord(arrow.NewSchema(fields, nil), arrs, b.Rec.NumRows()), Times: times}
}

// Only VARCHAR columns that nothing but the GROUP BY reads, as bare keys,
// may come as dictionaries; _event_time is unread unless an expression
// reads it; event times are read by windows, FIRST and LAST.
func TestPartialInput(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// The scan columns: user_id 0, price 1, ts 2, then the metadata
	// (_event_time is 7).
	for text, want := range map[string]string{
		`SELECT user_id, COUNT(*) AS n FROM clicks GROUP BY user_id`:                                                "[0] [7] false",
		`SELECT user_id, COUNT(*) AS n FROM clicks WHERE price > 1 GROUP BY user_id, TUMBLE(ts, INTERVAL 1 SECOND)`: "[0] [7] true",
		`SELECT user_id, COUNT(*) AS n FROM clicks WHERE user_id <> 'a' GROUP BY user_id`:                           "[] [7] false",
		`SELECT user_id, MAX(user_id) AS m FROM clicks GROUP BY user_id`:                                            "[] [7] false",
		`SELECT UPPER(user_id) AS u, COUNT(*) AS n FROM clicks GROUP BY UPPER(user_id)`:                             "[] [7] false",
		`SELECT user_id, price, LAST(price) AS l FROM clicks GROUP BY user_id, price`:                               "[0] [7] true",
		`SELECT COUNT(*) AS n FROM clicks WHERE _event_time > ts`:                                                   "[] [] false",
		`SELECT user_id, price FROM clicks`:                                                                         "[] [] false",
	} {
		p, err := exec.Build(plan(t, text), exec.Env{Mem: mem, Mode: exec.Final})
		if err != nil {
			t.Fatal(err)
		}
		in := p.PartialInput()
		if got := fmt.Sprintf("%v %v %v", in.Dictionary, in.Unread, in.Times); got != want {
			t.Errorf("%s: %s, want %s", text, got, want)
		}
		p.Close()
	}
}
