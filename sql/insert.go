package sql

import (
	"strconv"
	"strings"
)

// InsertValues is a planned INSERT … VALUES: rows of typed values, each
// row with one value per stream column, in the stream's column order
// (columns the statement did not name are NULL).
type InsertValues struct {
	Stream  string
	Columns Schema
	Rows    [][]Value
}

// PlanInsert plans INSERT INTO s [(cols)] VALUES …: every value must be a
// literal (a negative number, NULL, or a CAST of a literal), and is
// converted to its column's type: BIGINT to DOUBLE, an integral DOUBLE to
// BIGINT, a timestamp string or epoch milliseconds to TIMESTAMP.
func PlanInsert(stmt *Insert, cat Catalog) (plan *InsertValues, err error) {
	defer recoverInternal(stmt.Start, &err)
	def, ok := cat.Stream(stmt.Stream)
	if !ok {
		return nil, errorf(stmt.StreamPos, "unknown stream %q", stmt.Stream)
	}
	target, perr := targetColumns(def, stmt.Columns, stmt.ColumnPos)
	if perr != nil {
		return nil, perr
	}
	out := &InsertValues{Stream: def.Name, Columns: def.Columns}
	for r, row := range stmt.Rows {
		if len(row) != len(target) {
			return nil, errorf(stmt.RowPos[r], "row %d has %d value%s but %s", r+1, len(row), plural(len(row)), describeTarget(def, stmt.Columns))
		}
		vals := make([]Value, len(def.Columns))
		for i := range vals {
			vals[i] = NullOf(def.Columns[i].Type)
		}
		for i, e := range row {
			col := def.Columns[target[i]]
			v, perr := constValue(e)
			if perr != nil {
				return nil, perr
			}
			stored, cerr := assignValue(v, col.Type, false)
			if cerr != nil {
				return nil, errorf(e.Pos(), "column %s is %s: cannot store %s: %v", col.Name, col.Type, v, cerr)
			}
			vals[target[i]] = stored
		}
		out.Rows = append(out.Rows, vals)
	}
	return out, nil
}

// describeTarget says how many values a row needs.
func describeTarget(def *StreamDef, cols []string) string {
	if len(cols) > 0 {
		return "the INSERT names " + itoa(len(cols)) + " column" + plural(len(cols))
	}
	return "stream " + def.Name + " has " + itoa(len(def.Columns)) + " column" + plural(len(def.Columns)) + " (" + strings.Join(def.Columns.Names(), ", ") + ")"
}

// targetColumns maps the named columns (all columns if none are named) to
// indexes of the stream's columns.
func targetColumns(def *StreamDef, cols []string, pos []Pos) ([]int, *Error) {
	if len(cols) == 0 {
		out := make([]int, len(def.Columns))
		for i := range out {
			out[i] = i
		}
		return out, nil
	}
	seen := map[int]bool{}
	out := make([]int, len(cols))
	for i, c := range cols {
		j := def.Columns.Index(c)
		if j < 0 {
			return nil, errorf(pos[i], "unknown column %q in %s (columns: %s)", c, def.Name, strings.Join(def.Columns.Names(), ", "))
		}
		if seen[j] {
			return nil, errorf(pos[i], "column %s is named twice", c)
		}
		seen[j] = true
		out[i] = j
	}
	return out, nil
}

// constValue evaluates a literal INSERT value.
func constValue(e Expr) (Value, *Error) {
	switch e := e.(type) {
	case *Literal:
		if e.Value.Type == Interval {
			return Value{}, errorf(e.At, "an INTERVAL cannot be stored in a column")
		}
		return e.Value, nil
	case *Unary:
		if e.Op == OpNeg {
			v, err := constValue(e.X)
			if err != nil {
				return v, err
			}
			switch v.Type {
			case Int64:
				v.Int = -v.Int
				return v, nil
			case Float64:
				v.Float = -v.Float
				return v, nil
			}
		}
	case *Cast:
		if l, ok := e.X.(*Literal); ok && castable(l.Value.Type, e.To) {
			if folded, err := foldCast(l, e.To, e.At); err != nil {
				return Value{}, err
			} else if fl, ok := folded.(*Literal); ok {
				return fl.Value, nil
			}
		}
	}
	return Value{}, errorf(e.Pos(), "INSERT … VALUES takes literal values only, not %s", e)
}

// PlanInsertSelect plans INSERT INTO s SELECT …, a persistent query. The
// query's columns go to the stream's columns of the same name (ignoring
// case) or, when the statement names columns, to those in order; stream
// columns it does not fill are NULL. A BIGINT fills a DOUBLE column; other
// types must match.
func PlanInsertSelect(stmt *InsertSelect, cat Catalog, fns *Functions) (q *Query, err error) {
	defer recoverInternal(stmt.Start, &err)
	def, ok := cat.Stream(stmt.Stream)
	if !ok {
		return nil, errorf(stmt.StreamPos, "unknown stream %q", stmt.Stream)
	}
	sel := stmt.Query
	if sel.From.Stream == def.Name && !sel.From.Archive {
		return nil, errorf(stmt.StreamPos, "a query cannot insert into the stream it reads (%s)", def.Name)
	}
	if sel.Limit >= 0 {
		return nil, errorf(sel.LimitPos, "LIMIT is not allowed in INSERT INTO … SELECT: a persistent query runs until STOP QUERY")
	}
	root, perr := planSelect(sel, cat, fns, Persistent)
	if perr != nil {
		return nil, perr
	}
	proj := root.(*Project) // planSelect ends with a Project when there is no LIMIT
	target, perr := targetColumns(def, stmt.Columns, stmt.ColumnPos)
	if perr != nil {
		return nil, perr
	}
	if len(stmt.Columns) > 0 && len(stmt.Columns) != len(proj.Exprs) {
		return nil, errorf(sel.Start, "the INSERT names %d column%s but the query gives %d", len(stmt.Columns), plural(len(stmt.Columns)), len(proj.Exprs))
	}
	sink := make([]Expr, len(def.Columns))
	for i, ne := range proj.Exprs {
		j := -1
		if len(stmt.Columns) > 0 {
			j = target[i]
		} else if j = def.Columns.Index(ne.Name); j < 0 {
			return nil, errorf(ne.Expr.Pos(), "column %q is not in stream %s (columns: %s); name it with AS", ne.Name, def.Name, strings.Join(def.Columns.Names(), ", "))
		}
		if sink[j] != nil {
			return nil, errorf(ne.Expr.Pos(), "column %s of %s is given twice", def.Columns[j].Name, def.Name)
		}
		ref := &ColumnRef{Name: ne.Name, Index: i, Typ: ne.Expr.Type(), At: ne.Expr.Pos()}
		col := def.Columns[j]
		e, ok, cerr := coerce(ref, col.Type)
		if cerr != nil {
			return nil, cerr
		}
		if !ok {
			return nil, mismatch(ne.Expr.Pos(), "column %s of %s is %s, the query gives %s", col.Name, def.Name, col.Type, ne.Expr.Type())
		}
		sink[j] = e
	}
	out := &Project{Input: proj}
	for j, col := range def.Columns {
		e := sink[j]
		if e == nil {
			e = &Literal{Value: NullOf(col.Type)}
		}
		out.Exprs = append(out.Exprs, NamedExpr{Name: col.Name, Expr: e})
	}
	return &Query{Kind: Persistent, Root: applyRewrites(out), Sink: def.Name, Text: stmt.Text}, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
