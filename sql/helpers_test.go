package sql

import (
	"fmt"
	"strings"
	"testing"
)

// testCatalogSQL creates the streams the tests query.
const testCatalogSQL = `
CREATE STREAM clicks (user_id VARCHAR, url VARCHAR, price DOUBLE, ts TIMESTAMP)
  WITH (shards = 4, format = 'json', event_time = 'ts', watermark_delay = '5s', archive = 's3://lake/raw');
CREATE STREAM per_minute (user_id VARCHAR, n BIGINT, window_start TIMESTAMP)
  WITH (shards = 1, archive = 's3://lake/agg');
CREATE STREAM logs (service VARCHAR, level VARCHAR, status BIGINT, latency_ms DOUBLE, msg TEXT,
  payload VARCHAR, ok BOOLEAN, at BIGINT)
  WITH (event_time = at, partition_key = 'service', late_stream = 'late_logs');
CREATE STREAM events (name VARCHAR, n INT, created TIMESTAMP);
CREATE STREAM totals (service VARCHAR, total DOUBLE, hits BIGINT, last_seen TIMESTAMP);
`

// testCatalog returns the streams of testCatalogSQL.
func testCatalog(t testing.TB) Streams {
	t.Helper()
	stmts, err := Parse(testCatalogSQL)
	if err != nil {
		t.Fatalf("parse catalog: %v", err)
	}
	cat := Streams{}
	for _, s := range stmts {
		c := s.(*CreateStream)
		cat[c.Name] = c.Def()
	}
	return cat
}

// describeStmt renders a parsed statement compactly, for the valid-statement
// lists.
func describeStmt(s Statement) string {
	switch s := s.(type) {
	case *CreateStream:
		o := s.Options
		cols := make([]string, len(s.Columns))
		for i, c := range s.Columns {
			cols[i] = c.Name + " " + c.Type.String()
		}
		out := fmt.Sprintf("CREATE STREAM %s (%s) shards=%d format=%s", s.Name, strings.Join(cols, ", "), o.Shards, o.Format)
		if s.IfNotExists {
			out = strings.Replace(out, "STREAM ", "STREAM IF NOT EXISTS ", 1)
		}
		for _, kv := range [][2]string{
			{"event_time", o.EventTime}, {"watermark_delay", nonzero(o.WatermarkDelay.String(), "0s")},
			{"idle_timeout", nonzero(o.IdleTimeout.String(), "30s")}, {"retention", nonzero(o.Retention.String(), "24h0m0s")},
			{"late_stream", o.LateStream}, {"partition_key", o.PartitionKey}, {"archive", o.Archive},
		} {
			if kv[1] != "" {
				out += " " + kv[0] + "=" + kv[1]
			}
		}
		return out
	case *DropStream:
		if s.IfExists {
			return "DROP STREAM IF EXISTS " + s.Name
		}
		return "DROP STREAM " + s.Name
	case *ShowStreams:
		return "SHOW STREAMS"
	case *ShowQueries:
		return "SHOW QUERIES"
	case *ShowAlerts:
		return "SHOW ALERTS"
	case *StopQuery:
		return "STOP QUERY " + s.ID
	case *Describe:
		return "DESCRIBE " + s.Name
	case *Explain:
		if s.Into != nil {
			return "EXPLAIN " + describeStmt(s.Into)
		}
		return "EXPLAIN " + describeStmt(s.Query)
	case *Insert:
		rows := make([]string, len(s.Rows))
		for i, r := range s.Rows {
			rows[i] = "(" + joinExprs(r) + ")"
		}
		return fmt.Sprintf("INSERT INTO %s%s VALUES %s", s.Stream, colList(s.Columns), strings.Join(rows, ", "))
	case *InsertSelect:
		return fmt.Sprintf("INSERT INTO %s%s %s", s.Stream, colList(s.Columns), describeStmt(s.Query))
	case *Select:
		return describeSelect(s)
	}
	return fmt.Sprintf("%T", s)
}

func nonzero(s, zero string) string {
	if s == zero {
		return ""
	}
	return s
}

func colList(cols []string) string {
	if len(cols) == 0 {
		return ""
	}
	return " (" + strings.Join(cols, ", ") + ")"
}

func describeSelect(s *Select) string {
	var b strings.Builder
	b.WriteString("SELECT ")
	if s.Distinct {
		b.WriteString("DISTINCT ")
	}
	items := make([]string, len(s.Items))
	for i, it := range s.Items {
		switch {
		case it.Star && it.Qualifier != "":
			items[i] = it.Qualifier + ".*"
		case it.Star:
			items[i] = "*"
		default:
			items[i] = it.Expr.String()
			if it.Alias != "" {
				items[i] += " AS " + it.Alias
			}
		}
	}
	b.WriteString(strings.Join(items, ", "))
	b.WriteString(" FROM ")
	if s.From.Archive && !s.From.Dataset {
		b.WriteString("archive.")
	}
	b.WriteString(s.From.Stream)
	if s.From.Alias != "" {
		b.WriteString(" AS " + s.From.Alias)
	}
	if s.Where != nil {
		b.WriteString(" WHERE " + s.Where.String())
	}
	if len(s.GroupBy) > 0 {
		b.WriteString(" GROUP BY " + joinExprs(s.GroupBy))
	}
	if s.Having != nil {
		b.WriteString(" HAVING " + s.Having.String())
	}
	if len(s.OrderBy) > 0 {
		keys := make([]string, len(s.OrderBy))
		for i, o := range s.OrderBy {
			keys[i] = o.Expr.String()
			if o.Desc {
				keys[i] += " DESC"
			}
		}
		b.WriteString(" ORDER BY " + strings.Join(keys, ", "))
	}
	if s.Emit {
		b.WriteString(" EMIT CHANGES")
	}
	if s.Limit >= 0 {
		fmt.Fprintf(&b, " LIMIT %d", s.Limit)
	}
	return b.String()
}

// positions lists every expression node of a statement with its position,
// in source order: "url@1:8".
func positions(s Statement) string {
	var exprs []Expr
	switch s := s.(type) {
	case *Select:
		exprs = selectExprs(s)
	case *InsertSelect:
		exprs = selectExprs(s.Query)
	case *Insert:
		for _, r := range s.Rows {
			exprs = append(exprs, r...)
		}
	case *Explain:
		exprs = selectExprs(s.Query)
	}
	var out []string
	for _, e := range exprs {
		Walk(e, func(x Expr) bool {
			out = append(out, fmt.Sprintf("%s@%d:%d", label(x), x.Pos().Line, x.Pos().Col))
			return true
		})
	}
	return strings.Join(out, " ")
}

func selectExprs(s *Select) []Expr {
	var exprs []Expr
	for _, it := range s.Items {
		if it.Expr != nil {
			exprs = append(exprs, it.Expr)
		}
	}
	if s.Where != nil {
		exprs = append(exprs, s.Where)
	}
	exprs = append(exprs, s.GroupBy...)
	if s.Having != nil {
		exprs = append(exprs, s.Having)
	}
	for _, o := range s.OrderBy {
		exprs = append(exprs, o.Expr)
	}
	return exprs
}

// label is a short name of a node for positions.
func label(e Expr) string {
	switch e := e.(type) {
	case *ColumnRef:
		return e.Name
	case *Literal:
		return e.Value.String()
	case *Unary:
		if e.Op == OpNot {
			return "NOT"
		}
		return "neg"
	case *Binary:
		return e.Op.String()
	case *IsNull:
		return "IS"
	case *In:
		return "IN"
	case *Between:
		return "BETWEEN"
	case *Like:
		if e.Regexp {
			return "REGEXP"
		}
		return "LIKE"
	case *Case:
		return "CASE"
	case *Cast:
		return "CAST"
	case *Call:
		return strings.ToUpper(e.Name)
	}
	return "?"
}

// planStatement plans a SELECT, INSERT … SELECT or EXPLAIN.
func planStatement(s Statement, cat Catalog, fns *Functions) (*Query, error) {
	switch s := s.(type) {
	case *Select:
		return Plan(s, cat, fns)
	case *InsertSelect:
		return PlanInsertSelect(s, cat, fns)
	case *Explain:
		if s.Into != nil {
			return PlanInsertSelect(s.Into, cat, fns)
		}
		return Plan(s.Query, cat, fns)
	}
	return nil, fmt.Errorf("not a query: %T", s)
}

// parseAndPlan parses one statement and plans it.
func parseAndPlan(t testing.TB, text string, cat Catalog, fns *Functions) (*Query, error) {
	t.Helper()
	st, err := ParseOne(text)
	if err != nil {
		return nil, err
	}
	return planStatement(st, cat, fns)
}
