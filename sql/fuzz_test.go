package sql

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse runs arbitrary text through Parse and the planners against a
// small catalog. Nothing may panic (Parse and Plan turn a panic into an
// "internal error", which fails the test too), every error must carry a
// position inside the text, and every statement's span must be its text.
//
//	go test ./sql -run XXX -fuzz FuzzParse -fuzztime 60s
func FuzzParse(f *testing.F) {
	for _, tc := range validStatements {
		f.Add(tc.sql)
	}
	for _, tc := range invalidStatements {
		f.Add(tc.sql)
	}
	for _, tc := range invalidQueries {
		f.Add(tc.sql)
	}
	for _, tc := range explainCases {
		f.Add(tc.sql)
	}
	f.Add(testCatalogSQL)
	cat := testCatalog(f)
	fns := NewFunctions()
	f.Fuzz(func(t *testing.T, text string) {
		stmts, err := Parse(text)
		checkError(t, text, err)
		for _, s := range stmts {
			src := s.Source()
			if src.Start.Offset < 0 || src.Start.Offset > len(text) || !strings.HasPrefix(text[src.Start.Offset:], src.Text) {
				t.Fatalf("statement span %q at %+v is not in the text", src.Text, src.Start)
			}
			for _, p := range exprPositions(s) {
				checkPos(t, text, p)
			}
			switch s := s.(type) {
			case *Insert:
				_, err := PlanInsert(s, cat)
				checkError(t, text, err)
			case *Select, *InsertSelect, *Explain:
				q, err := planStatement(s, cat, fns)
				checkError(t, text, err)
				if err == nil {
					_ = q.Explain()
				}
			}
		}
		_, err = ParseOne(text)
		checkError(t, text, err)
	})
}

// checkError fails on an error without a valid position or from a panic.
func checkError(t *testing.T, text string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if strings.Contains(err.Error(), "internal error") {
		t.Fatalf("input %q: %v", text, err)
	}
	var list ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			checkPos(t, text, e.Pos)
		}
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("input %q: error %v (%T) is not an *Error", text, err, err)
	}
	checkPos(t, text, e.Pos)
}

func checkPos(t *testing.T, text string, p Pos) {
	t.Helper()
	if p.Line < 1 || p.Col < 1 || p.Offset < 0 || p.Offset > len(text) {
		t.Fatalf("input %q: bad position %+v", text, p)
	}
	if want := newSource(text).pos(p.Offset); want != p {
		t.Fatalf("input %q: position %+v does not match its offset (%+v)", text, p, want)
	}
}

// exprPositions returns the positions of every expression of a statement.
func exprPositions(s Statement) []Pos {
	var exprs []Expr
	switch s := s.(type) {
	case *Select:
		exprs = selectExprs(s)
	case *InsertSelect:
		exprs = selectExprs(s.Query)
	case *Explain:
		exprs = selectExprs(s.Query)
	case *Insert:
		for _, r := range s.Rows {
			exprs = append(exprs, r...)
		}
	}
	var out []Pos
	for _, e := range exprs {
		Walk(e, func(x Expr) bool {
			out = append(out, x.Pos())
			return true
		})
	}
	return out
}
