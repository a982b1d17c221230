package exec

import (
	"fmt"
	"math"
	"sync"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine/agg"
	"github.com/freshet/freshet/engine/eval"
	"github.com/freshet/freshet/sql"
	"github.com/freshet/freshet/window"
)

// Env is what building a pipeline needs besides the plan.
type Env struct {
	Mem memory.Allocator
	// Now is NOW() in Unix milliseconds.
	Now func() int64
	// Mode says when a non-windowed aggregation emits.
	Mode AggMode
}

// Pipeline is a query's operators, in order from the scan up. Its input is
// batches with the scan's schema, or — when Input lists only the columns
// the plan uses — batches of just those columns, which Push widens.
type Pipeline struct {
	ops   []Operator
	limit *Limit
	mem   memory.Allocator

	scan       *sql.Scan
	scanSchema *arrow.Schema
	// Output is the schema of the batches the pipeline produces.
	Output *arrow.Schema

	// chain is the plan's nodes from the root down to the scan, and env
	// what it was built with, for NewPartial.
	chain []sql.Node
	env   Env
	// spares are merged Partials kept for NewPartial (see recycle).
	spareMu sync.Mutex
	spares  []*Partial
}

// Build turns a planned query into a pipeline.
func Build(q *sql.Query, env Env) (*Pipeline, error) {
	var chain []sql.Node
	for n := q.Root; n != nil; {
		chain = append(chain, n)
		kids := n.Children()
		if len(kids) == 0 {
			break
		}
		n = kids[0]
	}
	scan, ok := chain[len(chain)-1].(*sql.Scan)
	if !ok {
		return nil, fmt.Errorf("build pipeline: plan does not start with a scan")
	}
	scanSchema, err := eval.ArrowSchema(scan.Output)
	if err != nil {
		return nil, fmt.Errorf("build pipeline: %w", err)
	}
	out, err := eval.ArrowSchema(q.Root.Schema())
	if err != nil {
		return nil, fmt.Errorf("build pipeline: %w", err)
	}
	p := &Pipeline{mem: env.Mem, scan: scan, scanSchema: scanSchema, Output: out, chain: chain, env: env}
	ee := eval.Env{Mem: env.Mem, Now: env.Now}
	for i := len(chain) - 2; i >= 0; i-- {
		op, err := buildOp(chain[i], ee, env)
		if err != nil {
			p.Close()
			return nil, fmt.Errorf("build pipeline: %w", err)
		}
		if l, ok := op.(*Limit); ok {
			p.limit = l
		}
		p.ops = append(p.ops, op)
	}
	return p, nil
}

func compileAll(es []sql.Expr, input sql.Schema, env eval.Env) ([]eval.Evaluator, error) {
	out := make([]eval.Evaluator, len(es))
	for i, e := range es {
		if e == nil {
			continue
		}
		c, err := eval.Compile(e, input, env)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

func buildOp(n sql.Node, ee eval.Env, env Env) (Operator, error) {
	input := n.Children()[0].Schema()
	switch n := n.(type) {
	case *sql.Filter:
		c, err := eval.Compile(n.Cond, input, ee)
		if err != nil {
			return nil, err
		}
		return &Filter{mem: env.Mem, cond: c}, nil
	case *sql.Project:
		exprs := make([]sql.Expr, len(n.Exprs))
		for i, ne := range n.Exprs {
			exprs[i] = ne.Expr
		}
		evs, err := compileAll(exprs, input, ee)
		if err != nil {
			return nil, err
		}
		schema, err := eval.ArrowSchema(n.Schema())
		if err != nil {
			return nil, err
		}
		return &Project{exprs: evs, schema: schema}, nil
	case *sql.Limit:
		return &Limit{n: int64(n.N)}, nil
	case *sql.Sort:
		s := &Sort{mem: env.Mem}
		for _, k := range n.Keys {
			c, err := eval.Compile(k.Expr, input, ee)
			if err != nil {
				return nil, err
			}
			s.keys = append(s.keys, c)
			s.desc = append(s.desc, k.Desc)
		}
		return s, nil
	case *sql.Aggregate:
		return buildAggregate(n, input, ee, env)
	}
	return nil, fmt.Errorf("unsupported plan node %T", n)
}

func buildAggregate(n *sql.Aggregate, input sql.Schema, ee eval.Env, env Env) (*Aggregate, error) {
	keys, err := compileAll(n.GroupBy, input, ee)
	if err != nil {
		return nil, err
	}
	keyTypes := make([]arrow.DataType, len(keys))
	for i, k := range keys {
		keyTypes[i] = k.Type()
	}
	args := make([]sql.Expr, len(n.Aggs))
	specs := make([]agg.Spec, len(n.Aggs))
	for i, a := range n.Aggs {
		rt, err := eval.ArrowType(a.Type)
		if err != nil {
			return nil, fmt.Errorf("aggregate %s: %w", a, err)
		}
		specs[i] = agg.Spec{Func: a.Func, Distinct: a.Distinct, Param: a.Param, ResultType: rt}
		if len(a.Args) > 0 {
			args[i] = a.Args[0]
		}
	}
	argEvals, err := compileAll(args, input, ee)
	if err != nil {
		return nil, err
	}
	for i, e := range argEvals {
		if e != nil {
			specs[i].ArgType = e.Type()
		}
	}
	accs, err := agg.NewAccumulators(env.Mem, specs)
	if err != nil {
		return nil, err
	}
	schema, err := eval.ArrowSchema(n.Schema())
	if err != nil {
		return nil, err
	}
	var keyTab *agg.KeyTable // nil for a global aggregate: every row has key 0
	if len(keyTypes) > 0 {
		if keyTab, err = agg.NewKeyTable(env.Mem, keyTypes); err != nil {
			return nil, err
		}
	}
	a := &Aggregate{
		mem: env.Mem, keys: keys, args: argEvals, keyTab: keyTab, accs: accs,
		schema: schema, mode: env.Mode, groups: map[groupID]*group{}, byWin: map[window.Window]*winState{},
		timeline: &window.Timeline{}, sessions: map[uint32]*window.SessionSet{}, keyRefs: map[uint32]int{},
		wm: math.MinInt64,
	}
	if w := n.Window; w != nil {
		switch w.Kind {
		case sql.Tumble:
			a.assigner = window.Tumble{Size: w.Size.Milliseconds()}
		case sql.Hop:
			a.assigner = window.Hop{Slide: w.Slide.Milliseconds(), Size: w.Size.Milliseconds()}
		case sql.Session:
			a.gap = w.Gap.Milliseconds()
			if a.sessAsg, err = window.NewSessions(w.Gap); err != nil {
				return nil, err
			}
		}
	}
	return a, nil
}

// Push runs a batch through the pipeline and returns what comes out of it.
// in may hold only the scan's used columns (in order); Push then widens it
// to the scan schema with null columns for the unused ones.
func (p *Pipeline) Push(in Batch) ([]Batch, error) {
	b, err := p.widen(in)
	if err != nil {
		return nil, err
	}
	defer b.Release()
	return p.pushFrom(0, []Batch{b}, false)
}

// Advance moves the watermark through every operator, in order, pushing
// what each emits into the ones after it.
func (p *Pipeline) Advance(wm int64) ([]Batch, error) {
	var carry []Batch
	for i, op := range p.ops {
		var next []Batch
		for _, b := range carry {
			out, err := op.Push(b)
			b.Release()
			if err != nil {
				releaseAll(next)
				return nil, err
			}
			next = append(next, out...)
		}
		out, err := op.Advance(wm)
		if err != nil {
			releaseAll(next)
			return nil, err
		}
		carry = append(next, out...)
		_ = i
	}
	return carry, nil
}

func (p *Pipeline) pushFrom(start int, in []Batch, owned bool) ([]Batch, error) {
	carry := in
	for i := start; i < len(p.ops); i++ {
		var next []Batch
		for _, b := range carry {
			out, err := p.ops[i].Push(b)
			if owned || i > start {
				b.Release()
			}
			if err != nil {
				releaseAll(next)
				return nil, err
			}
			next = append(next, out...)
		}
		carry = next
		if len(carry) == 0 {
			return nil, nil
		}
	}
	if len(p.ops) == 0 {
		for _, b := range carry {
			b.Rec.Retain()
		}
	}
	return carry, nil
}

// Done reports whether the query's LIMIT has been reached.
func (p *Pipeline) Done() bool { return p.limit != nil && p.limit.Done() }

// Close releases every operator.
func (p *Pipeline) Close() {
	for _, op := range p.ops {
		op.Close()
	}
}

// Snapshot returns the state of every operator.
func (p *Pipeline) Snapshot() ([]byte, error) {
	var out []byte
	for i, op := range p.ops {
		s, err := op.Snapshot()
		if err != nil {
			return nil, fmt.Errorf("snapshot operator %d: %w", i, err)
		}
		out = appendBytes(out, s)
	}
	return out, nil
}

// Restore sets every operator's state from a Snapshot of the same plan.
func (p *Pipeline) Restore(state []byte) error {
	for i, op := range p.ops {
		s, rest, err := readBytes(state)
		if err != nil {
			return fmt.Errorf("restore operator %d: %w", i, err)
		}
		if err := op.Restore(s); err != nil {
			return fmt.Errorf("restore operator %d: %w", i, err)
		}
		state = rest
	}
	return nil
}

// Used lists the scan columns the pipeline reads (indexes into the scan
// schema), which is what a decoder should produce.
func (p *Pipeline) Used() []int { return p.scan.Used }

// widen returns b with the scan's full schema.
func (p *Pipeline) widen(b Batch) (Batch, error) {
	return p.widenWith(b, func(t arrow.DataType, n int) arrow.Array { return array.MakeArrayOfNull(p.mem, t, n) })
}

// widenWith returns b with the scan's full schema, the columns b lacks
// made by null.
func (p *Pipeline) widenWith(b Batch, null func(t arrow.DataType, n int) arrow.Array) (Batch, error) {
	if b.Rec.NumCols() == int64(p.scanSchema.NumFields()) {
		b.Rec.Retain()
		return b, nil
	}
	if int(b.Rec.NumCols()) != len(p.scan.Used) {
		return Batch{}, fmt.Errorf("pipeline input has %d columns, want %d or %d", b.Rec.NumCols(), len(p.scan.Used), p.scanSchema.NumFields())
	}
	n := int(b.Rec.NumRows())
	cols := make([]arrow.Array, p.scanSchema.NumFields())
	for i, u := range p.scan.Used {
		cols[u] = b.Rec.Column(i)
		cols[u].Retain()
	}
	for i := range cols {
		if cols[i] == nil {
			cols[i] = null(p.scanSchema.Field(i).Type, n)
		}
	}
	rec := array.NewRecord(p.scanSchemaOf(cols), cols, int64(n))
	releaseArrays(cols)
	return Batch{Rec: rec, Times: b.Times}, nil
}
