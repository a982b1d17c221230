package sql

import (
	"fmt"
	"strings"
)

// Plan plans a SELECT against a catalog: it resolves the stream, binds and
// type-checks every expression, extracts aggregates and the window, checks
// what streaming allows, and applies the rewrites (Rewrites). The query is
// a push query with EMIT CHANGES, else a snapshot query.
func Plan(stmt *Select, cat Catalog, fns *Functions) (q *Query, err error) {
	defer recoverInternal(stmt.Start, &err)
	kind := Snapshot
	if stmt.Emit {
		kind = Push
	}
	root, perr := planSelect(stmt, cat, fns, kind)
	if perr != nil {
		return nil, perr
	}
	return &Query{Kind: kind, Root: applyRewrites(root), Text: stmt.Text}, nil
}

// recoverInternal turns a panic into an error: planning must never crash
// the server on a statement.
func recoverInternal(at Pos, err *error) {
	if r := recover(); r != nil {
		*err = errorf(at, "internal error: %v", r)
	}
}

// scanScope resolves column names against a scan.
type scanScope struct {
	def    *StreamDef
	schema Schema
	names  []string // qualifiers that name the stream: its name and alias
}

// resolve binds a column reference to the scan schema.
func (s *scanScope) resolve(c *ColumnRef) (Expr, *Error) {
	if c.Qualifier != "" && !contains(s.names, c.Qualifier) {
		return nil, errorf(c.At, "unknown stream or alias %q in %s.%s (the query reads %s)", c.Qualifier, c.Qualifier, c.Name, strings.Join(s.names, " as "))
	}
	i := s.schema.Index(c.Name)
	if i < 0 {
		return nil, s.unknown(c)
	}
	return &ColumnRef{Name: s.schema[i].Name, Qualifier: c.Qualifier, Index: i, Typ: s.schema[i].Type, At: c.At}, nil
}

// unknown is the error for a column the stream does not have.
func (s *scanScope) unknown(c *ColumnRef) *Error {
	msg := fmt.Sprintf("unknown column %q in %s (columns: %s)", c.Name, s.def.Name, strings.Join(s.schema.Names(), ", "))
	if c.Name == "window_start" || c.Name == "window_end" {
		msg += "; " + c.Name + " needs a GROUP BY window (TUMBLE, HOP or SESSION)"
	}
	return errorf(c.At, "%s", msg)
}

// binder returns a binder over the scan schema.
func (s *scanScope) binder(fns *Functions, clause string) *binder {
	return &binder{fns: fns, clause: clause, column: s.resolve}
}

// selItem is a select item after * expansion.
type selItem struct {
	raw   Expr
	name  string
	alias string
}

// lookup resolves the FROM clause: a stream in the catalog, or a dataset
// the catalog describes.
func lookup(from TableRef, cat Catalog) (*StreamDef, *Error) {
	if from.Dataset {
		dc, ok := cat.(DatasetCatalog)
		if !ok {
			return nil, errorf(from.Pos, "datasets (%s) cannot be read here", from.Stream)
		}
		def, err := dc.Dataset(from.Stream)
		if err != nil {
			return nil, errorf(from.Pos, "%v", err)
		}
		return def, nil
	}
	def, ok := cat.Stream(from.Stream)
	if !ok {
		return nil, errorf(from.Pos, "unknown stream %q", from.Stream)
	}
	return def, nil
}

// planSelect builds the plan chain of a SELECT.
func planSelect(stmt *Select, cat Catalog, fns *Functions, kind QueryKind) (Node, *Error) {
	def, perr := lookup(stmt.From, cat)
	if perr != nil {
		return nil, perr
	}
	if stmt.From.Archive {
		what, instead := "archive."+def.Name, "read the stream"
		if def.Dataset != nil {
			what, instead = "the dataset "+def.Name, "datasets are bounded"
		}
		switch kind {
		case Push:
			return nil, errorf(stmt.EmitPos, "EMIT CHANGES cannot read %s: the lake is bounded (drop EMIT CHANGES for a snapshot query)", what)
		case Persistent:
			return nil, errorf(stmt.From.Pos, "a persistent query cannot read %s: %s", what, instead)
		}
	}
	scope := &scanScope{def: def, schema: def.ScanSchema(), names: []string{def.Name}}
	if stmt.From.Alias != "" {
		scope.names = append(scope.names, stmt.From.Alias)
	}
	scan := &Scan{Stream: def.Name, Archive: stmt.From.Archive, Output: scope.schema, Columns: len(def.Columns), EventTime: def.Options.EventTime, Dataset: def.Dataset}
	var node Node = scan
	if stmt.Where != nil {
		cond, err := scope.binder(fns, "WHERE").bind(stmt.Where)
		if err != nil {
			return nil, err
		}
		if cond, err = condition(cond, "WHERE"); err != nil {
			return nil, err
		}
		node = &Filter{Input: node, Cond: cond}
	}
	items, err := expandItems(stmt, scope)
	if err != nil {
		return nil, err
	}
	var out *shaped
	if isGrouped(stmt, items, fns) {
		out, err = planGrouped(stmt, items, scope, fns, node)
	} else {
		out, err = planPlain(stmt, items, scope, fns, node)
	}
	if err != nil {
		return nil, err
	}
	if len(out.order) > 0 && kind != Snapshot && out.window == nil {
		return nil, errorf(stmt.OrderPos, "ORDER BY is not supported on a %s query without a window: its rows never end (ORDER BY works on snapshot queries and within windows)", kind)
	}
	for _, ne := range out.project {
		if ne.Expr.Type() == Interval {
			return nil, errorf(ne.Expr.Pos(), "an INTERVAL cannot be a result column (add it to a TIMESTAMP)")
		}
	}
	node = out.input
	if len(out.order) > 0 {
		node = &Sort{Input: node, Keys: out.order}
	}
	node = &Project{Input: node, Exprs: out.project}
	if stmt.Limit >= 0 {
		node = &Limit{Input: node, N: stmt.Limit}
	}
	return node, nil
}

// shaped is what the plain and grouped paths produce: the node below the
// sort, the projection and sort keys over its schema, and the window.
type shaped struct {
	input   Node
	project []NamedExpr
	order   []SortKey
	window  *WindowSpec
}

// expandItems expands stars into the stream's columns and names the items.
func expandItems(stmt *Select, scope *scanScope) ([]selItem, *Error) {
	var items []selItem
	for _, it := range stmt.Items {
		if it.Star {
			if it.Qualifier != "" && !contains(scope.names, it.Qualifier) {
				return nil, errorf(it.Pos, "unknown stream or alias %q in %s.*", it.Qualifier, it.Qualifier)
			}
			for _, c := range scope.def.Columns {
				items = append(items, selItem{raw: &ColumnRef{Name: c.Name, Index: -1, At: it.Pos}, name: c.Name})
			}
			continue
		}
		name := it.Alias
		if name == "" {
			name = it.Expr.String()
			if c, ok := it.Expr.(*ColumnRef); ok {
				name = c.Name
			}
		}
		items = append(items, selItem{raw: it.Expr, name: name, alias: it.Alias})
	}
	return items, nil
}

// isGrouped reports whether the query aggregates: GROUP BY, DISTINCT, or an
// aggregate function anywhere in the select list, HAVING or ORDER BY.
func isGrouped(stmt *Select, items []selItem, fns *Functions) bool {
	if len(stmt.GroupBy) > 0 || stmt.Distinct || stmt.Having != nil {
		return true
	}
	exprs := make([]Expr, 0, len(items)+len(stmt.OrderBy))
	for _, it := range items {
		exprs = append(exprs, it.raw)
	}
	for _, o := range stmt.OrderBy {
		exprs = append(exprs, o.Expr)
	}
	for _, e := range exprs {
		if hasAggregate(e, fns) {
			return true
		}
	}
	return false
}

// hasAggregate reports whether e calls an aggregate function.
func hasAggregate(e Expr, fns *Functions) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if c, ok := x.(*Call); ok {
			if f, ok := fns.Lookup(c.Name); ok && f.Kind == AggregateFunc {
				found = true
			}
		}
		return !found
	})
	return found
}

// planPlain binds a query without aggregation over the scan schema.
func planPlain(stmt *Select, items []selItem, scope *scanScope, fns *Functions, input Node) (*shaped, *Error) {
	b := scope.binder(fns, "the select list")
	out := &shaped{input: input}
	bound := make([]Expr, len(items))
	for i, it := range items {
		e, err := b.bind(it.raw)
		if err != nil {
			return nil, err
		}
		bound[i] = e
		out.project = append(out.project, NamedExpr{Name: it.name, Expr: e})
	}
	ob := scope.binder(fns, "ORDER BY")
	for _, o := range stmt.OrderBy {
		e, err := orderKey(o.Expr, items, bound, ob)
		if err != nil {
			return nil, err
		}
		out.order = append(out.order, SortKey{Expr: e, Desc: o.Desc})
	}
	return out, nil
}

// orderKey binds an ORDER BY key: a position in the select list (ORDER BY
// 2), a select alias, or an expression.
func orderKey(raw Expr, items []selItem, bound []Expr, b *binder) (Expr, *Error) {
	if l, ok := raw.(*Literal); ok && l.Value.Type == Int64 {
		n := l.Value.Int
		if n < 1 || n > int64(len(items)) {
			return nil, errorf(l.At, "ORDER BY position %d is not in the select list (1 to %d)", n, len(items))
		}
		return bound[n-1], nil
	}
	if c, ok := raw.(*ColumnRef); ok && c.Qualifier == "" {
		for i, it := range items {
			if it.alias != "" && it.alias == c.Name {
				return bound[i], nil
			}
		}
	}
	return b.bind(raw)
}
