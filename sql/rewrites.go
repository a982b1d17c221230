package sql

import "sort"

// Rewrite is one plan rewrite: a function from a plan to an equivalent
// plan. Rewrites are listed as data (Rewrites) and applied in order.
type Rewrite struct {
	Name  string
	Apply func(Node) Node
}

// Rewrites returns the rewrites Plan applies, in order.
func Rewrites() []Rewrite {
	return []Rewrite{
		{"drop-true-filter", everywhere(dropTrueFilter)},
		{"merge-filters", everywhere(mergeFilters)},
		{"merge-projects", everywhere(mergeProjects)},
		{"drop-identity-project", everywhere(dropIdentityProject)},
		{"mark-used-columns", markUsedColumns},
	}
}

// applyRewrites applies every rewrite.
func applyRewrites(n Node) Node {
	for _, r := range Rewrites() {
		n = r.Apply(n)
	}
	return n
}

// everywhere applies a local rewrite to every node, bottom-up.
func everywhere(f func(Node) Node) func(Node) Node {
	var walk func(Node) Node
	walk = func(n Node) Node {
		kids := n.Children()
		if len(kids) > 0 {
			nk := make([]Node, len(kids))
			for i, k := range kids {
				nk[i] = walk(k)
			}
			n = n.WithChildren(nk...)
		}
		return f(n)
	}
	return walk
}

// dropTrueFilter removes WHERE TRUE.
func dropTrueFilter(n Node) Node {
	if f, ok := n.(*Filter); ok {
		if l, ok := f.Cond.(*Literal); ok && l.Value.Type == Boolean && !l.Value.IsNull() && l.Value.Bool {
			return f.Input
		}
	}
	return n
}

// mergeFilters turns a filter over a filter into one filter.
func mergeFilters(n Node) Node {
	if f, ok := n.(*Filter); ok {
		if g, ok := f.Input.(*Filter); ok {
			return &Filter{Input: g.Input, Cond: &Binary{Op: OpAnd, L: g.Cond, R: f.Cond, Typ: Boolean, At: g.Cond.Pos()}}
		}
	}
	return n
}

// mergeProjects turns a projection over a projection into one, inlining
// the inner expressions.
func mergeProjects(n Node) Node {
	p, ok := n.(*Project)
	if !ok {
		return n
	}
	inner, ok := p.Input.(*Project)
	if !ok {
		return n
	}
	out := &Project{Input: inner.Input}
	for _, ne := range p.Exprs {
		e := mapExpr(ne.Expr, func(x Expr) Expr {
			if c, ok := x.(*ColumnRef); ok && c.Index >= 0 && c.Index < len(inner.Exprs) {
				return inner.Exprs[c.Index].Expr
			}
			return x
		})
		out.Exprs = append(out.Exprs, NamedExpr{Name: ne.Name, Expr: e})
	}
	return out
}

// dropIdentityProject removes a projection that passes its input through
// unchanged.
func dropIdentityProject(n Node) Node {
	p, ok := n.(*Project)
	if !ok {
		return n
	}
	in := p.Input.Schema()
	if len(p.Exprs) != len(in) {
		return n
	}
	for i, ne := range p.Exprs {
		c, ok := ne.Expr.(*ColumnRef)
		if !ok || c.Index != i || ne.Name != in[i].Name {
			return n
		}
	}
	return p.Input
}

// markUsedColumns records in the Scan which of its columns the plan reads:
// the columns referenced by the nodes that see the scan's schema (up to and
// including the first Aggregate or Project), plus _event_time.
func markUsedColumns(root Node) Node {
	var chain []Node // root first
	for n := root; n != nil; {
		chain = append(chain, n)
		kids := n.Children()
		if len(kids) == 0 {
			break
		}
		n = kids[0]
	}
	scan, ok := chain[len(chain)-1].(*Scan)
	if !ok {
		return root
	}
	used := map[int]bool{scan.Output.Index(ColEventTime): true}
	note := func(e Expr) {
		Walk(e, func(x Expr) bool {
			if c, ok := x.(*ColumnRef); ok && c.Index >= 0 {
				used[c.Index] = true
			}
			return true
		})
	}
	for i := len(chain) - 2; i >= 0; i-- {
		stop := false
		switch n := chain[i].(type) {
		case *Filter:
			note(n.Cond)
		case *Sort:
			for _, k := range n.Keys {
				note(k.Expr)
			}
		case *Project:
			for _, e := range n.Exprs {
				note(e.Expr)
			}
			stop = true
		case *Aggregate:
			for _, e := range n.GroupBy {
				note(e)
			}
			if n.Window != nil {
				note(n.Window.Time)
			}
			for _, a := range n.Aggs {
				for _, e := range a.Args {
					note(e)
				}
			}
			stop = true
		}
		if stop {
			break
		}
	}
	s := *scan
	s.Used = nil
	for i := range used {
		s.Used = append(s.Used, i)
	}
	sort.Ints(s.Used)
	// Rebuild the chain over the new scan.
	var n Node = &s
	for i := len(chain) - 2; i >= 0; i-- {
		n = chain[i].WithChildren(n)
	}
	return n
}
