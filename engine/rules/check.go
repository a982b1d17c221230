package rules

import (
	"errors"
	"fmt"
	"sort"
	"text/template"

	"github.com/freshet/freshet/sql"
)

// compiled is a rule ready to evaluate: its parsed SELECT and templates.
type compiled struct {
	rule        Rule
	group       string
	key         string // identifies the rule across reloads (see ruleKey)
	stmt        *sql.Select
	labels      map[string]*template.Template
	annotations map[string]*template.Template
}

// Check validates the SQL and the templates of every rule: the SQL must
// parse as one snapshot SELECT and, when cat is not nil, plan against it
// (so every stream, column and function exists and the types agree); the
// templates must parse. It returns every problem, positioned in the rule
// file where the rules came from one (SQL errors carry the line:column
// inside the sql, mapped to the file for literal blocks and one-line
// values).
func Check(cfg *Config, cat sql.Catalog, fns *sql.Functions) ErrorList {
	_, errs := compile(cfg, cat, fns)
	return errs
}

// compile checks cfg and returns its rules compiled, by group.
func compile(cfg *Config, cat sql.Catalog, fns *sql.Functions) ([][]*compiled, ErrorList) {
	if fns == nil {
		fns = sql.NewFunctions()
	}
	errs := cfg.Validate()
	out := make([][]*compiled, len(cfg.Groups))
	for gi := range cfg.Groups {
		g := &cfg.Groups[gi]
		keys := map[string]int{}
		for ri := range g.Rules {
			c, cerrs := compileRule(g, &g.Rules[ri], cat, fns)
			errs = append(errs, cerrs...)
			if c != nil {
				base := ruleKey(&g.Rules[ri])
				c.key = fmt.Sprintf("%s#%d", base, keys[base])
				keys[base]++
			}
			out[gi] = append(out[gi], c)
		}
	}
	return out, errs
}

// ruleKey identifies a rule of a group across reloads, as Prometheus
// does: its alert name and labels (not its SQL, so that editing a
// threshold keeps the alerts' state). Rules with the same key are told
// apart by their order.
func ruleKey(r *Rule) string {
	names := make([]string, 0, len(r.Labels))
	for k := range r.Labels {
		names = append(names, k)
	}
	sort.Strings(names)
	key := r.Alert + "{"
	for i, k := range names {
		if i > 0 {
			key += ","
		}
		key += fmt.Sprintf("%s=%q", k, r.Labels[k])
	}
	return key + "}"
}

func compileRule(g *Group, r *Rule, cat sql.Catalog, fns *sql.Functions) (*compiled, ErrorList) {
	var errs ErrorList
	what := fmt.Sprintf("group %q, rule %q", g.Name, r.Alert)
	c := &compiled{rule: *r, group: g.Name, labels: map[string]*template.Template{}, annotations: map[string]*template.Template{}}
	if r.SQL != "" {
		stmt, err := sql.ParseOne(r.SQL)
		switch sel, ok := stmt.(*sql.Select); {
		case err != nil:
			errs = append(errs, sqlError(r, what, err))
		case !ok:
			errs.add(r.src.sql.at, "%s: sql must be a SELECT, found %s", what, describe(stmt))
		case sel.Emit:
			errs = append(errs, sqlError(r, what, &sql.Error{Pos: sel.EmitPos, Msg: "an alert rule is a snapshot query: remove EMIT CHANGES"}))
		default:
			c.stmt = sel
			if cat != nil {
				errs = append(errs, planRule(r, what, sel, cat, fns)...)
			}
		}
	}
	for _, kind := range []struct {
		name  string
		src   map[string]string
		pos   map[string]placement
		parts map[string]*template.Template
	}{{"label", r.Labels, r.src.labels, c.labels}, {"annotation", r.Annotations, r.src.annotations, c.annotations}} {
		for name, text := range kind.src {
			t, err := parseTemplate(name, text)
			if err != nil {
				pl := kind.pos[name]
				at := pl.at
				var te *templateError
				if errors.As(err, &te) {
					at = pl.filePos(te.Line, te.Col)
				}
				errs.add(at, "%s: %s %s: %v", what, kind.name, name, err)
				continue
			}
			kind.parts[name] = t
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

func planRule(r *Rule, what string, sel *sql.Select, cat sql.Catalog, fns *sql.Functions) ErrorList {
	q, err := sql.Plan(sel, cat, fns)
	if err != nil {
		return ErrorList{sqlError(r, what, err)}
	}
	var errs ErrorList
	for _, col := range q.OutputSchema() {
		if isValue(col.Type) {
			continue
		}
		if !labelNameRE.MatchString(col.Name) || col.Name == "alertname" {
			errs.add(r.src.sql.at, "%s: column %q would be a label: name it with AS (letters, digits and _; not alertname)", what, col.Name)
		}
	}
	return errs
}

// sqlError positions a SQL error in the rule file.
func sqlError(r *Rule, what string, err error) *Error {
	var list sql.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		err = list[0]
	}
	if p, ok := sql.ErrorPos(err); ok {
		return &Error{Pos: r.src.sql.filePos(p.Line, p.Col), Msg: fmt.Sprintf("%s: sql %v", what, err)}
	}
	return &Error{Pos: r.src.sql.at, Msg: fmt.Sprintf("%s: sql: %v", what, err)}
}

func describe(stmt sql.Statement) string {
	text := stmt.Source().Text
	for i, c := range text {
		if c == ' ' || c == '\n' || c == '\t' {
			return text[:i]
		}
	}
	return text
}

// isValue reports whether a column of this type becomes a value (numbers)
// rather than a label (text, booleans, timestamps).
func isValue(t sql.Type) bool { return t == sql.Int64 || t == sql.Float64 }
