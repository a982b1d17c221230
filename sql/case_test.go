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

// TestAlterStreamApply: ALTER STREAM … SET checks its values against the
// stream when applied.
func TestAlterStreamApply(t *testing.T) {
	def := &StreamDef{Name: "s", Columns: Schema{{Name: "country", Type: String}}, Options: DefaultStreamOptions()}
	st, err := ParseOne(`ALTER STREAM s SET (archive = 'file:///lake', archive_partition_by = 'country', archive_compression = 'zstd')`)
	if err != nil {
		t.Fatal(err)
	}
	o, err := st.(*AlterStream).Apply(def)
	if err != nil || o.Archive != "file:///lake" || o.ArchiveCompression != "zstd" || len(o.ArchivePartitionBy) != 1 || o.Shards != 1 {
		t.Fatalf("apply: %+v %v", o, err)
	}
	st, _ = ParseOne(`ALTER STREAM s SET (archive_partition_by = 'city')`)
	if _, err := st.(*AlterStream).Apply(def); err == nil || err.Error() != `line 1:44: archive_partition_by names unknown column "city" (columns: country)` {
		t.Fatalf("bad column: %v", err)
	}
}
