package sql

import (
	"strings"
)

// grouping plans a query that aggregates. Expressions of the select list,
// HAVING and ORDER BY are bound over the aggregate's output: a sub-expression
// equal to a GROUP BY key becomes a reference to the key's column, an
// aggregate call a reference to its column (identical calls share one), and
// TUMBLE_START(…)/window_start a reference to the window's columns. A column
// of the stream outside of these is an error.
type grouping struct {
	scope    *scanScope
	fns      *Functions
	items    []selItem
	keys     []Expr
	keyNames []string
	keyCanon map[string]int
	window   *WindowSpec
	aggs     []AggCall
	aggCanon map[string]int
}

// windowCols is the number of window columns (window_start, window_end).
func (g *grouping) windowCols() int {
	if g.window != nil {
		return 2
	}
	return 0
}

// planGrouped plans the aggregation and everything above it.
func planGrouped(stmt *Select, items []selItem, scope *scanScope, fns *Functions, input Node) (*shaped, *Error) {
	g := &grouping{scope: scope, fns: fns, items: items, keyCanon: map[string]int{}, aggCanon: map[string]int{}}
	if err := g.groupBy(stmt); err != nil {
		return nil, err
	}
	// The select list.
	sb := g.binder("the select list", false)
	bound := make([]Expr, len(items))
	for i, it := range items {
		e, err := sb.bind(it.raw)
		if err != nil {
			return nil, err
		}
		bound[i] = e
		// An aggregate that is a whole aliased select item takes the alias.
		if c, ok := e.(*ColumnRef); ok && it.alias != "" {
			if j := c.Index - len(g.keys) - g.windowCols(); j >= 0 && g.aggs[j].Name == g.aggCanonName(j) {
				g.aggs[j].Name = it.alias
			}
		}
	}
	var having Expr
	if stmt.Having != nil {
		h, err := g.binder("HAVING", true).bind(stmt.Having)
		if err != nil {
			return nil, err
		}
		if having, err = condition(h, "HAVING"); err != nil {
			return nil, err
		}
	}
	ob := g.binder("ORDER BY", true)
	var order []SortKey
	for _, o := range stmt.OrderBy {
		e, err := orderKey(o.Expr, items, bound, ob)
		if err != nil {
			return nil, err
		}
		order = append(order, SortKey{Expr: e, Desc: o.Desc})
	}
	// The aggregate's output, and the final names of its columns in every
	// reference.
	agg := &Aggregate{Input: input, GroupBy: g.keys, KeyNames: g.keyNames, Window: g.window, Aggs: g.aggs}
	for i, k := range g.keys {
		agg.Output = append(agg.Output, Column{Name: g.keyNames[i], Type: k.Type()})
	}
	if g.window != nil {
		agg.Output = append(agg.Output, Column{"window_start", Timestamp}, Column{"window_end", Timestamp})
	}
	for _, a := range g.aggs {
		agg.Output = append(agg.Output, Column{Name: a.Name, Type: a.Type})
	}
	rename := func(e Expr) Expr {
		return mapExpr(e, func(x Expr) Expr {
			if c, ok := x.(*ColumnRef); ok && c.Index >= 0 && c.Index < len(agg.Output) {
				r := *c
				r.Name = agg.Output[c.Index].Name
				return &r
			}
			return x
		})
	}
	out := &shaped{input: agg, window: g.window}
	if having != nil {
		out.input = &Filter{Input: agg, Cond: rename(having)}
	}
	for i, it := range items {
		out.project = append(out.project, NamedExpr{Name: it.name, Expr: rename(bound[i])})
	}
	for _, k := range order {
		out.order = append(out.order, SortKey{Expr: rename(k.Expr), Desc: k.Desc})
	}
	return out, nil
}

// aggCanonName is the default name of aggregate j (its SQL text).
func (g *grouping) aggCanonName(j int) string {
	for k, i := range g.aggCanon {
		if i == j {
			return k
		}
	}
	return ""
}

// groupBy binds the GROUP BY keys and the window (or, for SELECT DISTINCT,
// makes every select item a key).
func (g *grouping) groupBy(stmt *Select) *Error {
	raws := stmt.GroupBy
	if stmt.Distinct {
		if len(stmt.GroupBy) > 0 {
			return errorf(stmt.Start, "SELECT DISTINCT with GROUP BY is not supported")
		}
		for _, it := range g.items {
			if hasAggregate(it.raw, g.fns) {
				return errorf(it.raw.Pos(), "SELECT DISTINCT with aggregate functions is not supported")
			}
			raws = append(raws, it.raw)
		}
	}
	b := g.scope.binder(g.fns, "GROUP BY")
	for _, raw := range raws {
		if c, ok := raw.(*Call); ok {
			if f, ok := g.fns.Lookup(c.Name); ok && f.Kind == WindowFunc {
				if g.window != nil {
					return errorf(c.At, "only one window per query: GROUP BY already has %s", g.window)
				}
				w, err := g.windowSpec(c, f)
				if err != nil {
					return err
				}
				g.window = w
				continue
			}
		}
		raw, err := g.keyAlias(raw)
		if err != nil {
			return err
		}
		key, err := b.bind(raw)
		if err != nil {
			return err
		}
		canon := raw.String()
		if _, dup := g.keyCanon[canon]; dup {
			continue
		}
		g.keyCanon[canon] = len(g.keys)
		g.keys = append(g.keys, key)
		g.keyNames = append(g.keyNames, g.keyName(raw))
	}
	return nil
}

// keyAlias resolves a GROUP BY position (GROUP BY 1) or select alias to
// the select item's expression.
func (g *grouping) keyAlias(raw Expr) (Expr, *Error) {
	switch r := raw.(type) {
	case *Literal:
		if r.Value.Type != Int64 {
			return nil, errorf(r.At, "GROUP BY a constant is not supported")
		}
		n := r.Value.Int
		if n < 1 || n > int64(len(g.items)) {
			return nil, errorf(r.At, "GROUP BY position %d is not in the select list (1 to %d)", n, len(g.items))
		}
		it := g.items[n-1]
		if hasAggregate(it.raw, g.fns) {
			return nil, errorf(r.At, "GROUP BY position %d is an aggregate", n)
		}
		return it.raw, nil
	case *ColumnRef:
		if r.Qualifier == "" && g.scope.schema.Index(r.Name) < 0 {
			for _, it := range g.items {
				if it.alias == r.Name && !hasAggregate(it.raw, g.fns) {
					return it.raw, nil
				}
			}
		}
	}
	return raw, nil
}

// keyName names a key column: the column's name, else the name of the
// select item that is the key, else the key's SQL text.
func (g *grouping) keyName(raw Expr) string {
	if c, ok := raw.(*ColumnRef); ok {
		return c.Name
	}
	for _, it := range g.items {
		if it.raw.String() == raw.String() {
			return it.name
		}
	}
	return raw.String()
}

// binder returns a binder over the aggregate's output. With aliases,
// select aliases may be used (HAVING, ORDER BY), as MySQL allows.
func (g *grouping) binder(clause string, aliases bool) *binder {
	b := &binder{fns: g.fns, clause: clause}
	b.special = g.special
	b.column = func(c *ColumnRef) (Expr, *Error) {
		if g.window != nil && c.Qualifier == "" && (c.Name == "window_start" || c.Name == "window_end") {
			return g.windowRef(c.Name == "window_end", c.At), nil
		}
		if aliases && c.Qualifier == "" {
			for _, it := range g.items {
				if it.alias == c.Name {
					return g.binder(clause, false).bind(it.raw)
				}
			}
		}
		if _, err := g.scope.resolve(c); err != nil {
			return nil, err
		}
		return nil, errorf(c.At, "column %s must be in GROUP BY or inside an aggregate function", c.Name)
	}
	return b
}

// special maps group keys, aggregates and window bounds to output columns.
func (g *grouping) special(e Expr) (Expr, bool, *Error) {
	if _, lit := e.(*Literal); !lit {
		if i, ok := g.keyCanon[e.String()]; ok {
			return &ColumnRef{Name: g.keyNames[i], Index: i, Typ: g.keys[i].Type(), At: e.Pos()}, true, nil
		}
	}
	c, ok := e.(*Call)
	if !ok {
		return nil, false, nil
	}
	f, ok := g.fns.Lookup(c.Name)
	if !ok {
		return nil, false, nil
	}
	switch f.Kind {
	case AggregateFunc:
		r, err := g.aggregate(c, f)
		return r, true, err
	case WindowBoundFunc:
		r, err := g.windowBound(c, f)
		return r, true, err
	}
	return nil, false, nil
}

// aggregate registers an aggregate call and returns a reference to its
// output column.
func (g *grouping) aggregate(c *Call, f *Func) (Expr, *Error) {
	canon := c.String()
	base := len(g.keys) + g.windowCols()
	if j, ok := g.aggCanon[canon]; ok {
		return &ColumnRef{Name: g.aggs[j].Name, Index: base + j, Typ: g.aggs[j].Type, At: c.At}, nil
	}
	args, err := g.scope.binder(g.fns, "aggregate").bindAll(c.Args)
	if err != nil {
		return nil, err
	}
	call, err := checkCall(f, c, args)
	if err != nil {
		return nil, err
	}
	a := AggCall{Func: f.Name, Args: call.Args, Distinct: c.Distinct, Type: call.Typ, Name: canon}
	if f.Name == "approx_percentile" {
		a.Param = call.Args[1].(*Literal).Value.Float
		a.Args = call.Args[:1]
	}
	j := len(g.aggs)
	g.aggCanon[canon] = j
	g.aggs = append(g.aggs, a)
	return &ColumnRef{Name: a.Name, Index: base + j, Typ: a.Type, At: c.At}, nil
}

// windowRef references window_start or window_end.
func (g *grouping) windowRef(end bool, at Pos) Expr {
	if end {
		return &ColumnRef{Name: "window_end", Index: len(g.keys) + 1, Typ: Timestamp, At: at}
	}
	return &ColumnRef{Name: "window_start", Index: len(g.keys), Typ: Timestamp, At: at}
}

// windowKinds maps window function names to kinds.
var windowKinds = map[string]WindowKind{"tumble": Tumble, "hop": Hop, "session": Session}

// windowSpec binds TUMBLE(ts, size), HOP(ts, slide, size) or SESSION(ts,
// gap) (or the arguments of a window bound function).
func (g *grouping) windowSpec(c *Call, f *Func) (*WindowSpec, *Error) {
	kind := windowKinds[strings.SplitN(f.Name, "_", 2)[0]]
	args, err := g.scope.binder(g.fns, "a window").bindAll(c.Args)
	if err != nil {
		return nil, err
	}
	if len(args) > 0 {
		if args[0], err = g.eventTime(args[0], f); err != nil {
			return nil, err
		}
	}
	call, err := checkCall(f, c, args)
	if err != nil {
		return nil, err
	}
	w := &WindowSpec{Kind: kind, Time: call.Args[0]}
	dur := func(i int) Value { return call.Args[i].(*Literal).Value }
	switch kind {
	case Tumble:
		w.Size = dur(1).Duration()
	case Hop:
		w.Slide, w.Size = dur(1).Duration(), dur(2).Duration()
		if w.Slide > w.Size {
			return nil, errorf(call.Args[1].Pos(), "HOP slide %s must not be longer than its size %s", formatInterval(w.Slide), formatInterval(w.Size))
		}
	case Session:
		w.Gap = dur(1).Duration()
	}
	return w, nil
}

// eventTime checks that a window's time argument is the stream's event
// time, and reads a BIGINT event-time column as _event_time.
func (g *grouping) eventTime(arg Expr, f *Func) (Expr, *Error) {
	def := g.scope.def
	if def.Dataset != nil && def.Dataset.TimeColumn == "" {
		return nil, errorf(arg.Pos(), "%s needs an event time, and the dataset %s has no TIMESTAMP column", f.upperName(), def.Name)
	}
	et := def.Options.EventTime
	want := "_event_time"
	if et != "" {
		want = et + " or _event_time"
	}
	c, ok := arg.(*ColumnRef)
	switch {
	case ok && (c.Name == ColEventTime || et != "" && c.Name == et || et == "" && def.Dataset == nil && c.Name == ColArrival):
		if c.Typ != Timestamp {
			i := g.scope.schema.Index(ColEventTime)
			return &ColumnRef{Name: ColEventTime, Index: i, Typ: Timestamp, At: c.At}, nil
		}
		return c, nil
	case ok:
		return nil, errorf(arg.Pos(), "%s must window on the stream's event time (%s), not %s", f.upperName(), want, c.Name)
	}
	return nil, errorf(arg.Pos(), "%s must window on the stream's event time (%s), not an expression", f.upperName(), want)
}

// windowBound maps TUMBLE_START(…) and friends to window_start or
// window_end, checking that they repeat the GROUP BY window.
func (g *grouping) windowBound(c *Call, f *Func) (Expr, *Error) {
	if g.window == nil {
		return nil, errorf(c.At, "%s needs a GROUP BY window: GROUP BY …, %s(…)", f.upperName(), strings.ToUpper(strings.SplitN(f.Name, "_", 2)[0]))
	}
	w, err := g.windowSpec(c, f)
	if err != nil {
		return nil, err
	}
	// The time arguments are both the event time (windowSpec checks it).
	if w.Kind != g.window.Kind || w.Size != g.window.Size || w.Slide != g.window.Slide || w.Gap != g.window.Gap {
		return nil, errorf(c.At, "%s(…) does not match the GROUP BY window %s", f.upperName(), g.window)
	}
	return g.windowRef(strings.HasSuffix(f.Name, "_end"), c.At), nil
}

// mapExpr rebuilds e bottom-up, replacing each node by fn(node).
func mapExpr(e Expr, fn func(Expr) Expr) Expr {
	if e == nil {
		return nil
	}
	kids := Children(e)
	if len(kids) > 0 {
		nk := make([]Expr, len(kids))
		for i, k := range kids {
			nk[i] = mapExpr(k, fn)
		}
		e = withChildren(e, nk)
	}
	return fn(e)
}
