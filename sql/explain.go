package sql

import (
	"fmt"
	"strings"
)

// Explain formats the planned query as an indented tree, root first (the
// EXPLAIN statement prints it):
//
//	Query: push
//	Output: (user_id VARCHAR, n BIGINT)
//	Limit 10
//	  Project user_id, n
//	    Aggregate keys=[user_id] aggs=[n := COUNT(*)]
//	      Scan clicks used=[user_id, _event_time]
func (q *Query) Explain() string {
	var b strings.Builder
	b.WriteString("Query: " + q.Kind.String())
	if q.Sink != "" {
		b.WriteString(" INSERT INTO " + q.Sink)
	}
	b.WriteString("\nOutput: " + q.OutputSchema().String() + "\n")
	explainNode(&b, q.Root, 0)
	return b.String()
}

func explainNode(b *strings.Builder, n Node, depth int) {
	b.WriteString(strings.Repeat("  ", depth))
	b.WriteString(describeNode(n))
	b.WriteByte('\n')
	for _, c := range n.Children() {
		explainNode(b, c, depth+1)
	}
}

// describeNode is one line of Explain.
func describeNode(n Node) string {
	switch n := n.(type) {
	case *Scan:
		name := n.Stream
		if n.Archive && n.Dataset == nil {
			name = "archive." + name
		}
		parts := []string{"Scan " + name}
		if n.EventTime != "" {
			parts = append(parts, "event_time="+n.EventTime)
		}
		used := make([]string, len(n.Used))
		for i, u := range n.Used {
			used[i] = n.Output[u].Name
		}
		parts = append(parts, "used=["+strings.Join(used, ", ")+"]")
		return strings.Join(parts, " ")
	case *Filter:
		return "Filter " + n.Cond.String()
	case *Aggregate:
		keys := make([]string, len(n.GroupBy))
		for i, k := range n.GroupBy {
			keys[i] = named(n.KeyNames[i], k.String())
		}
		aggs := make([]string, len(n.Aggs))
		for i, a := range n.Aggs {
			aggs[i] = named(a.Name, a.String())
		}
		s := "Aggregate keys=[" + strings.Join(keys, ", ") + "]"
		if n.Window != nil {
			s += " window=" + n.Window.String()
		}
		return s + " aggs=[" + strings.Join(aggs, ", ") + "]"
	case *Project:
		cols := make([]string, len(n.Exprs))
		for i, e := range n.Exprs {
			cols[i] = named(e.Name, e.Expr.String())
		}
		return "Project " + strings.Join(cols, ", ")
	case *Sort:
		keys := make([]string, len(n.Keys))
		for i, k := range n.Keys {
			keys[i] = k.Expr.String()
			if k.Desc {
				keys[i] += " DESC"
			}
		}
		return "Sort " + strings.Join(keys, ", ")
	case *Limit:
		return fmt.Sprintf("Limit %d", n.N)
	}
	return fmt.Sprintf("%T", n)
}

// named writes "name := expr", or just the expression when it is the name.
func named(name, expr string) string {
	if name == expr || quoteIdent(name) == expr {
		return expr
	}
	return quoteIdent(name) + " := " + expr
}

// String formats the aggregate call as SQL.
func (a AggCall) String() string {
	name := strings.ToUpper(a.Func)
	switch {
	case len(a.Args) == 0:
		return name + "(*)"
	case a.Func == "approx_percentile":
		return fmt.Sprintf("%s(%s, %s)", name, joinExprs(a.Args), FloatValue(a.Param))
	case a.Distinct:
		return name + "(DISTINCT " + joinExprs(a.Args) + ")"
	}
	return name + "(" + joinExprs(a.Args) + ")"
}
