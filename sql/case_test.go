package sql

import "testing"

// TestSimpleCaseWidensEveryValue: in CASE x WHEN 0 … WHEN 2.5 …, the BIGINT
// operand and every WHEN value are compared as DOUBLE.
func TestSimpleCaseWidensEveryValue(t *testing.T) {
	cat := Streams{"s": {Name: "s", Columns: Schema{{Name: "n", Type: Int64}}, Options: DefaultStreamOptions()}}
	st, err := ParseOne(`SELECT CASE n WHEN 0 THEN 'zero' WHEN 2.5 THEN 'half' END AS c FROM s`)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Plan(st.(*Select), cat, NewFunctions())
	if err != nil {
		t.Fatal(err)
	}
	var c *Case
	Walk(q.Root.(*Project).Exprs[0].Expr, func(e Expr) bool {
		if cc, ok := e.(*Case); ok && c == nil {
			c = cc
		}
		return true
	})
	if c == nil {
		t.Fatalf("no CASE in %s", q.Explain())
	}
	if c.Operand.Type() != Float64 {
		t.Fatalf("operand %s", c.Operand.Type())
	}
	for i, w := range c.Whens {
		if w.Cond.Type() != Float64 {
			t.Fatalf("WHEN %d compares as %s", i, w.Cond.Type())
		}
	}
}
