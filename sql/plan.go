package sql

import (
	"time"
)

// QueryKind is how a query runs (ksqlDB's convention).
type QueryKind int

// The query kinds.
const (
	// Snapshot: SELECT without EMIT CHANGES, over what the stream holds now;
	// it ends, closing open windows at the end of input.
	Snapshot QueryKind = iota + 1
	// Push: SELECT … EMIT CHANGES, streaming rows until cancelled or LIMIT.
	Push
	// Persistent: INSERT INTO stream SELECT …, running in the server until
	// STOP QUERY, across restarts.
	Persistent
)

// String names the kind.
func (k QueryKind) String() string {
	switch k {
	case Snapshot:
		return "snapshot"
	case Push:
		return "push"
	case Persistent:
		return "persistent"
	}
	return "unknown"
}

// Query is a planned query: how it runs and its plan, a chain of nodes
//
//	Scan → [Filter] → [Aggregate → [Filter]] → [Sort] → Project → [Limit]
//
// read from the root (the last node) down to the Scan. Nodes are immutable.
type Query struct {
	Kind QueryKind
	Root Node
	// Sink is the target stream of a persistent query; the root's schema is
	// then the target stream's columns, in order.
	Sink string
	// Text is the statement's text.
	Text string
}

// OutputSchema is the schema of the rows the query produces.
func (q *Query) OutputSchema() Schema { return q.Root.Schema() }

// Scan returns the plan's scan.
func (q *Query) Scan() *Scan {
	for n := q.Root; n != nil; {
		if s, ok := n.(*Scan); ok {
			return s
		}
		kids := n.Children()
		if len(kids) == 0 {
			return nil
		}
		n = kids[0]
	}
	return nil
}

// Aggregate returns the plan's aggregation, or nil.
func (q *Query) Aggregate() *Aggregate {
	for n := q.Root; n != nil; {
		if a, ok := n.(*Aggregate); ok {
			return a
		}
		kids := n.Children()
		if len(kids) == 0 {
			return nil
		}
		n = kids[0]
	}
	return nil
}

// Window returns the GROUP BY window, or nil.
func (q *Query) Window() *WindowSpec {
	if a := q.Aggregate(); a != nil {
		return a.Window
	}
	return nil
}

// Node is a plan node. Expressions in a node are bound to the schema of its
// input (its only child).
type Node interface {
	// Schema is the schema of the rows the node produces.
	Schema() Schema
	// Children returns the inputs (none for a Scan, one otherwise).
	Children() []Node
	// WithChildren returns a copy of the node with other inputs.
	WithChildren(children ...Node) Node
	node()
}

// Scan reads a stream: its live records, or with Archive its copy in the
// lake (FROM archive.<stream>). Its schema is the stream's columns followed
// by the metadata columns (MetadataColumns).
type Scan struct {
	Stream  string
	Archive bool
	Output  Schema
	// Columns is the number of the stream's own columns (the rest are
	// metadata).
	Columns int
	// EventTime is the stream's event-time column, "" for arrival time.
	EventTime string
	// Dataset describes the dataset a scan of FROM s3.`…` or file.`…`
	// reads (Archive is set too); nil for streams.
	Dataset *Dataset
	// Used lists the indexes (into Output) of the columns the plan reads,
	// sorted; _event_time is always included. A reader may decode only
	// these.
	Used []int
}

// Filter keeps the rows for which Cond is TRUE.
type Filter struct {
	Input Node
	Cond  Expr
}

// Aggregate groups its input by GroupBy (and the window, if any) and
// computes Aggs per group. Its schema is the group keys, then window_start
// and window_end (TIMESTAMP) when windowed, then one column per aggregate.
type Aggregate struct {
	Input   Node
	GroupBy []Expr
	// KeyNames names the group-key columns of the output.
	KeyNames []string
	Window   *WindowSpec
	Aggs     []AggCall
	Output   Schema
}

// AggCall is one aggregate: Func is its canonical name (count, sum, avg,
// min, max, stddev, stddev_pop, first, last, approx_count_distinct,
// approx_percentile). COUNT(*) has no Args. APPROX_PERCENTILE keeps its
// fraction in Param and only the value in Args. FIRST and LAST order by
// event time.
type AggCall struct {
	Func     string
	Args     []Expr
	Distinct bool
	Param    float64
	Type     Type
	// Name is the output column's name: the select alias when the aggregate
	// is a whole select item, else its SQL text.
	Name string
}

// WindowKind is the kind of a GROUP BY window.
type WindowKind int

// The window kinds.
const (
	Tumble WindowKind = iota + 1
	Hop
	Session
)

// String returns the window function's name.
func (k WindowKind) String() string {
	switch k {
	case Tumble:
		return "TUMBLE"
	case Hop:
		return "HOP"
	case Session:
		return "SESSION"
	}
	return "UNKNOWN"
}

// WindowSpec is the GROUP BY window. Time is the event time (a TIMESTAMP
// column of the scan: the stream's event-time column, or _event_time).
// Tumble uses Size; Hop uses Size and Slide; Session uses Gap. Windows are
// [start, end) aligned to the Unix epoch.
type WindowSpec struct {
	Kind  WindowKind
	Time  Expr
	Size  time.Duration
	Slide time.Duration
	Gap   time.Duration
}

// String formats the window as its GROUP BY call.
func (w *WindowSpec) String() string {
	switch w.Kind {
	case Hop:
		return "HOP(" + w.Time.String() + ", " + formatInterval(w.Slide) + ", " + formatInterval(w.Size) + ")"
	case Session:
		return "SESSION(" + w.Time.String() + ", " + formatInterval(w.Gap) + ")"
	}
	return "TUMBLE(" + w.Time.String() + ", " + formatInterval(w.Size) + ")"
}

// Project computes the output columns.
type Project struct {
	Input Node
	Exprs []NamedExpr
}

// NamedExpr is an output column: a name and the expression computing it.
type NamedExpr struct {
	Name string
	Expr Expr
}

// Sort orders rows by Keys. On a push or persistent query it sorts the
// rows of each window as it fires.
type Sort struct {
	Input Node
	Keys  []SortKey
}

// SortKey is one ORDER BY key.
type SortKey struct {
	Expr Expr
	Desc bool
}

// Limit stops after N rows.
type Limit struct {
	Input Node
	N     int
}

func (n *Scan) Schema() Schema      { return n.Output }
func (n *Filter) Schema() Schema    { return n.Input.Schema() }
func (n *Aggregate) Schema() Schema { return n.Output }
func (n *Sort) Schema() Schema      { return n.Input.Schema() }
func (n *Limit) Schema() Schema     { return n.Input.Schema() }

// Schema is the projected columns.
func (n *Project) Schema() Schema {
	out := make(Schema, len(n.Exprs))
	for i, e := range n.Exprs {
		out[i] = Column{Name: e.Name, Type: e.Expr.Type()}
	}
	return out
}

func (n *Scan) Children() []Node      { return nil }
func (n *Filter) Children() []Node    { return []Node{n.Input} }
func (n *Aggregate) Children() []Node { return []Node{n.Input} }
func (n *Project) Children() []Node   { return []Node{n.Input} }
func (n *Sort) Children() []Node      { return []Node{n.Input} }
func (n *Limit) Children() []Node     { return []Node{n.Input} }

func (n *Scan) WithChildren(...Node) Node { c := *n; return &c }

func (n *Filter) WithChildren(k ...Node) Node    { c := *n; c.Input = k[0]; return &c }
func (n *Aggregate) WithChildren(k ...Node) Node { c := *n; c.Input = k[0]; return &c }
func (n *Project) WithChildren(k ...Node) Node   { c := *n; c.Input = k[0]; return &c }
func (n *Sort) WithChildren(k ...Node) Node      { c := *n; c.Input = k[0]; return &c }
func (n *Limit) WithChildren(k ...Node) Node     { c := *n; c.Input = k[0]; return &c }

func (*Scan) node()      {}
func (*Filter) node()    {}
func (*Aggregate) node() {}
func (*Project) node()   {}
func (*Sort) node()      {}
func (*Limit) node()     {}
