package sql

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// translator turns the parser's tree into ours, locating positions with its
// locator. It is the only place where parser types appear.
type translator struct {
	loc *locator
}

// findWord returns the index of the first token at or after from that is
// the word w, or from.
func (tr *translator) findWord(from int, w string) int {
	for i := from; i < len(tr.loc.toks); i++ {
		if tr.loc.toks[i].is(w) {
			return i
		}
	}
	return from
}

// all returns a cursor over the whole statement.
func (tr *translator) all() *cursor { return tr.loc.span(0, len(tr.loc.toks)) }

// clause returns a cursor over a clause range (after its keyword), or over
// the statement from start when the range was not found.
func (tr *translator) clause(r [2]int, start int) *cursor {
	if r[0] < 0 {
		return tr.loc.span(start, len(tr.loc.toks))
	}
	return tr.loc.span(r[0]+1, r[1])
}

// item returns a cursor over item i of a list of n items, or over the
// whole clause when the items could not be told apart.
func (tr *translator) item(ranges [][2]int, i, n int, whole [2]int, start int) *cursor {
	if len(ranges) == n {
		return tr.loc.span(ranges[i][0], ranges[i][1])
	}
	return tr.clause(whole, start)
}

// selectStmt translates a SELECT whose keyword is token start.
func (tr *translator) selectStmt(sel *sqlparser.Select, start int) (*Select, *Error) {
	loc := tr.loc
	cl := findClauses(loc.toks, start)
	origStart := loc.rw.orig(loc.toks[start].off)
	s := &Select{
		Span:  Span{Text: loc.text[origStart:], Start: loc.src.pos(loc.base + origStart)},
		Limit: -1,
	}
	if sel.Lock != "" {
		return nil, errorf(loc.tokPos(tr.findWord(start, strings.Fields(sel.Lock)[0])), "%s is not supported", strings.ToUpper(strings.TrimSpace(sel.Lock)))
	}
	if sel.Hints != "" {
		return nil, errorf(loc.tokPos(tr.findWord(start, "straight_join")), "STRAIGHT_JOIN is not supported")
	}
	s.Distinct = sel.Distinct != ""
	for i, se := range sel.SelectExprs {
		c := tr.item(cl.items, i, len(sel.SelectExprs), cl.sel, start)
		item := SelectItem{Pos: c.here()}
		switch se := se.(type) {
		case *sqlparser.StarExpr:
			item.Star = true
			if !se.TableName.Qualifier.IsEmpty() {
				return nil, errorf(item.Pos, "unsupported qualifier in %s.%s.*", se.TableName.Qualifier.String(), se.TableName.Name.String())
			}
			item.Qualifier = lower(se.TableName.Name.String())
		case *sqlparser.AliasedExpr:
			e, err := tr.expr(c, se.Expr)
			if err != nil {
				return nil, err
			}
			item.Expr, item.Alias = e, lower(se.As.String())
		default:
			return nil, errorf(item.Pos, "unsupported select item")
		}
		s.Items = append(s.Items, item)
	}
	if cl.from[0] < 0 {
		return nil, errorf(loc.tokPos(len(loc.toks)), "SELECT needs FROM <stream>")
	}
	from, err := tr.from(sel.From, tr.clause(cl.from, start))
	if err != nil {
		return nil, err
	}
	s.From = from
	if sel.Where != nil {
		if s.Where, err = tr.expr(tr.clause(cl.where, start), sel.Where.Expr); err != nil {
			return nil, err
		}
	}
	whole := func(r [2]int) [2]int { // a list clause without its "BY"
		if r[0] >= 0 {
			r[0]++
		}
		return r
	}
	for i, g := range sel.GroupBy {
		e, err := tr.expr(tr.item(cl.groupItems, i, len(sel.GroupBy), whole(cl.group), start), g)
		if err != nil {
			return nil, err
		}
		s.GroupBy = append(s.GroupBy, e)
	}
	if sel.Having != nil {
		if s.Having, err = tr.expr(tr.clause(cl.having, start), sel.Having.Expr); err != nil {
			return nil, err
		}
	}
	if len(sel.OrderBy) > 0 {
		s.OrderPos = loc.tokPos(cl.order[0])
	}
	for i, o := range sel.OrderBy {
		e, err := tr.expr(tr.item(cl.orderItems, i, len(sel.OrderBy), whole(cl.order), start), o.Expr)
		if err != nil {
			return nil, err
		}
		s.OrderBy = append(s.OrderBy, OrderItem{Expr: e, Desc: o.Direction == sqlparser.DescScr})
	}
	if sel.Limit != nil {
		if s.Limit, s.LimitPos, err = tr.limit(sel.Limit, tr.clause(cl.limit, start)); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// from translates the FROM clause: one stream, or archive.<stream>.
func (tr *translator) from(te sqlparser.TableExprs, c *cursor) (TableRef, *Error) {
	if len(te) != 1 {
		return TableRef{}, errorf(c.op(","), "joins are not supported (one stream per query)")
	}
	switch t := te[0].(type) {
	case *sqlparser.JoinTableExpr:
		return TableRef{}, errorf(c.word("join"), "JOIN is not supported (one stream per query)")
	case *sqlparser.ParenTableExpr:
		return TableRef{}, errorf(c.op("("), "parenthesised FROM is not supported")
	case *sqlparser.AliasedTableExpr:
		name, ok := t.Expr.(sqlparser.TableName)
		if !ok {
			return TableRef{}, errorf(c.op("("), "subqueries are not supported")
		}
		if len(t.Partitions) > 0 || t.Hints != nil {
			return TableRef{}, errorf(c.here(), "partition and index hints are not supported")
		}
		ref := TableRef{Stream: lower(name.Name.String()), Alias: lower(t.As.String())}
		if ref.Stream == "dual" && name.Qualifier.IsEmpty() {
			return TableRef{}, errorf(c.here(), "SELECT needs FROM <stream>")
		}
		q := lower(name.Qualifier.String())
		switch {
		case q == "archive":
			ref.Pos = c.name(q)
			ref.Archive = true
			c.name(ref.Stream)
		case q == "s3" || q == "file":
			ref.Pos = c.name(q)
			c.name(ref.Stream)
			url, err := datasetURL(q, name.Name.String(), false)
			if err != "" {
				return TableRef{}, errorf(ref.Pos, "%s", err)
			}
			ref.Stream, ref.Archive, ref.Dataset = url, true, true
		case q != "":
			return TableRef{}, errorf(c.name(q), "unknown schema %q (archive.<stream> reads a stream's lake; s3.`bucket/prefix` and file.`/path` read a Parquet dataset)", q)
		case strings.Contains(ref.Stream, "://"):
			ref.Pos = c.name(ref.Stream)
			scheme, rest, _ := strings.Cut(name.Name.String(), "://")
			url, err := datasetURL(lower(scheme), rest, true)
			if err != "" {
				return TableRef{}, errorf(ref.Pos, "%s", err)
			}
			ref.Stream, ref.Archive, ref.Dataset = url, true, true
		default:
			ref.Pos = c.name(ref.Stream)
		}
		return ref, nil
	}
	return TableRef{}, errorf(c.here(), "unsupported FROM clause")
}

// datasetURL makes the URL of a Parquet dataset named in FROM: scheme s3
// with bucket/prefix, or file with an absolute path (file.`/data/x` or
// `file:///data/x`). Unlike stream names, the path keeps its case. A path
// given after s3. or file. is taken as it is, any character allowed (it is
// escaped into the URL); one given as a URL (isURL) is a URL, %-escapes
// and all. It returns a message when the name is not usable.
func datasetURL(scheme, path string, isURL bool) (string, string) {
	if scheme != "s3" && scheme != "file" {
		return "", fmt.Sprintf("unknown dataset scheme %q (s3:// or file://)", scheme)
	}
	if isURL {
		u, err := url.Parse(scheme + "://" + path)
		if err != nil {
			return "", fmt.Sprintf("bad dataset URL: %v", err)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return "", fmt.Sprintf("bad dataset URL %q: a ? or # must be escaped (%%3F, %%23)", scheme+"://"+path)
		}
		p := u.Path
		if scheme == "s3" {
			p = u.Host + p
		} else if u.Host != "" && u.Host != "localhost" {
			return "", fmt.Sprintf("file datasets need an absolute path: FROM file.`/data/events`, not %q", path)
		}
		path = p
	}
	switch scheme {
	case "s3":
		p := strings.Trim(path, "/")
		bucket, prefix, _ := strings.Cut(p, "/")
		if bucket == "" || strings.HasPrefix(p, ".") {
			return "", "s3 datasets are named by bucket and prefix: FROM s3.`bucket/prefix`"
		}
		u := url.URL{Scheme: "s3", Host: bucket}
		if prefix != "" {
			u.Path = "/" + prefix
		}
		return u.String(), ""
	default:
		if !strings.HasPrefix(path, "/") {
			return "", fmt.Sprintf("file datasets need an absolute path: FROM file.`/data/events`, not %q", path)
		}
	}
	return (&url.URL{Scheme: "file", Path: path}).String(), ""
}

// limit translates LIMIT n.
func (tr *translator) limit(l *sqlparser.Limit, c *cursor) (int, Pos, *Error) {
	pos := c.here()
	if l.Offset != nil {
		return 0, pos, errorf(pos, "LIMIT with an offset is not supported")
	}
	v, ok := l.Rowcount.(*sqlparser.SQLVal)
	if !ok || v.Type != sqlparser.IntVal {
		return 0, pos, errorf(pos, "LIMIT must be a non-negative integer")
	}
	pos = c.number(strings.TrimPrefix(string(v.Val), "-"))
	n, err := parseInt(string(v.Val))
	if err != nil || n < 0 || n > 1<<31-1 {
		return 0, pos, errorf(pos, "LIMIT must be a non-negative integer")
	}
	return int(n), pos, nil
}

// insert translates INSERT INTO s [(cols)] VALUES … and INSERT INTO s
// [(cols)] SELECT ….
func (tr *translator) insert(ins *sqlparser.Insert) (Statement, *Error) {
	loc := tr.loc
	c := tr.all()
	span := Span{Text: loc.text, Start: loc.src.pos(loc.base)}
	if ins.Action == sqlparser.ReplaceStr {
		return nil, errorf(loc.tokPos(0), "REPLACE is not supported (streams are append-only: use INSERT)")
	}
	if ins.Ignore != "" {
		return nil, errorf(c.word("ignore"), "INSERT IGNORE is not supported")
	}
	if len(ins.OnDup) > 0 {
		return nil, errorf(c.word("on"), "ON DUPLICATE KEY UPDATE is not supported (streams are append-only)")
	}
	if len(ins.Partitions) > 0 {
		return nil, errorf(c.word("partition"), "PARTITION is not supported")
	}
	c.word("into")
	stream := lower(ins.Table.Name.String())
	var streamPos Pos
	if q := ins.Table.Qualifier.String(); q != "" {
		streamPos = c.name(q)
		return nil, errorf(streamPos, "cannot insert into %s.%s: name a stream", q, stream)
	}
	streamPos = c.name(stream)
	var cols []string
	var colPos []Pos
	for _, col := range ins.Columns {
		n := lower(col.String())
		colPos = append(colPos, c.name(n))
		cols = append(cols, n)
	}
	switch rows := ins.Rows.(type) {
	case sqlparser.Values:
		out := &Insert{Span: span, Stream: stream, StreamPos: streamPos, Columns: cols, ColumnPos: colPos}
		c.word("values")
		for _, row := range rows {
			out.RowPos = append(out.RowPos, c.op("("))
			var vals []Expr
			for _, v := range row {
				e, err := tr.expr(c, v)
				if err != nil {
					return nil, err
				}
				vals = append(vals, e)
			}
			c.op(")")
			out.Rows = append(out.Rows, vals)
		}
		return out, nil
	case *sqlparser.Select:
		q, err := tr.selectStmt(rows, tr.findWord(c.i, "select"))
		if err != nil {
			return nil, err
		}
		return &InsertSelect{Span: span, Stream: stream, StreamPos: streamPos, Columns: cols, ColumnPos: colPos, Query: q}, nil
	case *sqlparser.Union:
		return nil, errorf(loc.tokPos(tr.findWord(0, "union")), "UNION is not supported")
	}
	return nil, errorf(c.here(), "unsupported INSERT")
}
