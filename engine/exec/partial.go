package exec

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/freshet/freshet/engine/eval"
	"github.com/freshet/freshet/sql"
	"github.com/freshet/freshet/window"
)

// Partial aggregation. A snapshot over a bounded input that is read in
// parts — the files of a lake scan, several at once — can aggregate each
// part apart, in the goroutine that reads it, and fold the parts into the
// pipeline's own aggregation in input order (Merge). Key ids, groups and
// their order, and every aggregate's value come out as pushing all the
// batches through the pipeline in that order would give them (DOUBLE sums
// up to rounding; see package agg), while the reading goroutines share
// the work of filtering and grouping.

// Partial is a pipeline's operators up to and including its aggregation,
// over one part of the input. A Partial is not safe for concurrent use;
// the Partials of one pipeline may run at once. Its state is Go memory: a
// Partial dropped without Merge needs no release.
type Partial struct {
	p       *Pipeline
	filters []Operator
	agg     *Aggregate
}

// Splits reports whether the pipeline can aggregate its input in parts
// (NewPartial): it emits only at the end (AggMode Final), its aggregation
// reads the scan through filters only, and it has no session window
// (sessions of one key from two parts may have to be joined).
func (p *Pipeline) Splits() bool {
	_, _, ok := p.partialPlan()
	return ok
}

// partialPlan returns the plan nodes a Partial runs: the filters above the
// scan, in order, and the aggregation.
func (p *Pipeline) partialPlan() ([]*sql.Filter, *sql.Aggregate, bool) {
	if p.env.Mode != Final {
		return nil, nil, false
	}
	var filters []*sql.Filter
	for i := len(p.chain) - 2; i >= 0; i-- {
		switch n := p.chain[i].(type) {
		case *sql.Filter:
			filters = append(filters, n)
		case *sql.Aggregate:
			if n.Window != nil && n.Window.Kind == sql.Session {
				return nil, nil, false
			}
			return filters, n, true
		default:
			return nil, nil, false
		}
	}
	return nil, nil, false
}

// NewPartial returns an empty Partial of p: a recycled one (see Merge),
// else a new one. The goroutines reading the parts may call it at once.
func (p *Pipeline) NewPartial() (*Partial, error) {
	filters, agg, ok := p.partialPlan()
	if !ok {
		return nil, fmt.Errorf("partial aggregation: the plan does not split")
	}
	if pp := p.spare(); pp != nil {
		return pp, nil
	}
	pp := &Partial{p: p}
	ee := eval.Env{Mem: p.env.Mem, Now: p.env.Now}
	for _, f := range filters {
		op, err := buildOp(f, ee, p.env)
		if err != nil {
			return nil, fmt.Errorf("partial aggregation: %w", err)
		}
		pp.filters = append(pp.filters, op)
	}
	a, err := buildAggregate(agg, agg.Input.Schema(), ee, p.env)
	if err != nil {
		return nil, fmt.Errorf("partial aggregation: %w", err)
	}
	a.keyCols, a.partial = keyColumns(agg), true
	pp.agg = a
	return pp, nil
}

// Push runs b through the Partial's filters into its aggregation. As with
// Pipeline.Push, b may hold only the scan's used columns, and the caller
// still owns b; the input may be as PartialInput describes.
func (pp *Partial) Push(in Batch) error {
	b, err := pp.widen(in)
	if err != nil {
		return err
	}
	for _, f := range pp.filters {
		out, err := f.Push(b)
		b.Release()
		if err != nil {
			releaseAll(out)
			return err
		}
		if len(out) == 0 {
			return nil
		}
		b = out[0]
	}
	defer b.Release()
	out, err := pp.agg.Push(b)
	releaseAll(out) // a Final aggregation emits nothing before Advance
	return err
}

// widen is Pipeline.widen for a Partial, whose operators read only the
// used columns: the others are Null arrays, which cost no memory, rather
// than columns of NULLs of their types.
func (pp *Partial) widen(b Batch) (Batch, error) {
	return pp.p.widenWith(b, func(_ arrow.DataType, n int) arrow.Array { return array.NewNull(n) })
}

// Merge folds the groups of pp into the pipeline's aggregation: pp must
// hold a part of the input that comes after everything pushed or merged
// before. pp is spent: emptied, it may come back from NewPartial.
func (p *Pipeline) Merge(pp *Partial) error {
	for _, op := range p.ops {
		if a, ok := op.(*Aggregate); ok {
			if err := a.mergeFrom(pp.agg); err != nil {
				return fmt.Errorf("partial aggregation: %w", err)
			}
			p.recycle(pp)
			return nil
		}
	}
	return fmt.Errorf("partial aggregation: the pipeline has no aggregation")
}

// maxSpare is how many merged Partials a pipeline keeps for NewPartial.
const maxSpare = 8

// recycle keeps a merged Partial, emptied, for NewPartial: its scratch
// space, sized to the batches, is then not grown again for every part.
func (p *Pipeline) recycle(pp *Partial) {
	if pp.agg.clear() != nil {
		return // a Partial that cannot be emptied is dropped
	}
	p.spareMu.Lock()
	defer p.spareMu.Unlock()
	if len(p.spares) < maxSpare {
		p.spares = append(p.spares, pp)
	}
}

// spare returns a recycled Partial, or nil.
func (p *Pipeline) spare() *Partial {
	p.spareMu.Lock()
	defer p.spareMu.Unlock()
	n := len(p.spares)
	if n == 0 {
		return nil
	}
	pp := p.spares[n-1]
	p.spares = p.spares[:n-1]
	return pp
}

// clear empties the aggregation, as a new one of the same plan would be,
// keeping its scratch space.
func (a *Aggregate) clear() error {
	if a.keyTab != nil {
		if err := a.keyTab.Clear(); err != nil {
			return err
		}
	}
	a.accs.Clear()
	clear(a.groups)
	clear(a.byWin)
	clear(a.sessions)
	clear(a.keyRefs)
	a.recent = [4]*winState{}
	a.plain, a.free, a.changed = a.plain[:0], a.free[:0], a.changed[:0]
	a.timeline = &window.Timeline{}
	a.next, a.wm = 0, math.MinInt64
	return nil
}

// mergeFrom folds the groups of o, an aggregation of the same plan over
// rows that come after all of a's, into a. Neither has fired a window.
func (a *Aggregate) mergeFrom(o *Aggregate) error {
	// o's keys, interned in o's id order: both hand out ids in order of
	// first sight, so a numbers new keys as one pass would have.
	var ids []uint32 // o's key id → a's
	if o.keyTab != nil && o.keyTab.Len() > 0 {
		all := make([]uint32, o.keyTab.Len())
		for i := range all {
			all[i] = uint32(i)
		}
		keys, err := o.keyTab.Keys(all)
		if err != nil {
			return err
		}
		ids, err = a.keyTab.Lookup(keys, nil, nil)
		releaseArrays(keys)
		if err != nil {
			return err
		}
	}
	keyOf := func(k uint32) uint32 {
		if ids == nil {
			return 0 // a global aggregate: one key
		}
		return ids[k]
	}
	// o's groups paired with a's, each window's in creation order.
	var src, dst []uint32
	if o.assigner != nil {
		wins := make([]window.Window, 0, len(o.byWin))
		for w := range o.byWin {
			wins = append(wins, w)
		}
		slices.SortFunc(wins, func(x, y window.Window) int {
			if x.Start != y.Start {
				return cmp.Compare(x.Start, y.Start)
			}
			return cmp.Compare(x.End, y.End)
		})
		for _, w := range wins {
			ws := a.winFor(w)
			for _, g := range o.byWin[w].groups {
				src = append(src, g.slot)
				dst = append(dst, a.windowGroup(ws, keyOf(g.key)).slot)
			}
		}
	} else {
		for k, g := range o.plain {
			if g != nil {
				src = append(src, g.slot)
				dst = append(dst, a.plainGroup(keyOf(uint32(k))).slot)
			}
		}
	}
	if len(src) == 0 {
		return nil
	}
	// Move o's state into scratch slots of a, then merge those in.
	state, err := o.accs.MarshalSlots(src)
	if err != nil {
		return err
	}
	tmp := make([]uint32, len(src))
	for i := range tmp {
		tmp[i] = a.slot()
	}
	defer func() { a.free = append(a.free, tmp...) }()
	if err := a.accs.UnmarshalSlots(state, tmp); err != nil {
		return err
	}
	for i := range dst {
		if err := a.accs.MergeAfter(dst[i], tmp[i]); err != nil {
			return err
		}
	}
	return nil
}
