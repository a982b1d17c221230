package lakescan

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// A column asked for as a dictionary comes as one from files that
// dictionary-encode it — over several row groups per file too — and as
// plain strings otherwise (a one-record flush is not dictionary-encoded);
// every value reads back right either way.
func TestScanDictionary(t *testing.T) {
	for _, c := range []struct {
		name          string
		n, flush      int
		rowGroupBytes int64
		wantDict      bool
	}{
		{"one row group", 3000, 500, 0, true},
		{"many row groups", 3000, 3000, 1, true},
		{"no dictionary", 20, 1, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			store := newStore(t)
			writeLake(t, store, c.n, c.flush, c.rowGroupBytes)
			schema := arrow.NewSchema([]arrow.Field{
				{Name: "qty", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
				{Name: "user_id", Type: arrow.BinaryTypes.String, Nullable: true},
				{Name: "_shard", Type: arrow.BinaryTypes.String, Nullable: true},
			}, nil)
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			s, err := Open(context.Background(), Options{Store: store, Stream: "s", Schema: schema, Mem: mem,
				Dictionary: []string{"USER_ID"}, BatchRows: 1000})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			rows, dicts := 0, 0
			for s.Next() {
				b := s.Batch()
				qty := b.Rec.Column(0).(*array.Int64)
				if _, ok := b.Rec.Column(2).(*array.String); !ok {
					t.Fatalf("_shard, not asked for as a dictionary, is %s", b.Rec.Column(2).DataType())
				}
				user := func(i int) string { return b.Rec.Column(1).(*array.String).Value(i) }
				if d, ok := b.Rec.Column(1).(*array.Dictionary); ok {
					if !arrow.TypeEqual(b.Rec.Schema().Field(1).Type, d.DataType()) {
						t.Fatalf("schema says %s, column is %s", b.Rec.Schema().Field(1).Type, d.DataType())
					}
					dicts++
					user = func(i int) string { return d.Dictionary().(*array.String).Value(d.GetValueIndex(i)) }
				}
				for i := range int(b.Rec.NumRows()) {
					if want := fmt.Sprintf("u%d", qty.Value(i)%5); user(i) != want {
						t.Fatalf("row %d: user_id %q, want %q", rows, user(i), want)
					}
					rows++
				}
			}
			if err := s.Err(); err != nil {
				t.Fatal(err)
			}
			if rows != 2*c.n || (dicts > 0) != c.wantDict {
				t.Fatalf("%d rows (want %d), %d dictionary batches", rows, 2*c.n, dicts)
			}
		})
	}
}

// With SkipTimes and _event_time as a Null field, batches have no times
// and _event_time is not read; a scan of no column still counts the rows.
func TestScanSkipTimes(t *testing.T) {
	store := newStore(t)
	writeLake(t, store, 3000, 500, 0)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	skip := arrow.NewSchema([]arrow.Field{
		{Name: "qty", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "_event_time", Type: arrow.Null, Nullable: true},
	}, nil)
	scan := func(opts Options) (rows int, st Stats) {
		opts.Store, opts.Stream, opts.Mem = store, "s", mem
		s, err := Open(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for s.Next() {
			b := s.Batch()
			if opts.SkipTimes != (b.Times == nil) {
				t.Fatalf("SkipTimes %v, times %v", opts.SkipTimes, b.Times != nil)
			}
			if b.Rec.Column(b.Rec.Schema().FieldIndices("_event_time")[0]).DataType().ID() != arrow.NULL {
				t.Fatalf("_event_time is %s", b.Rec.Schema())
			}
			rows += int(b.Rec.NumRows())
		}
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
		return rows, s.Stats()
	}
	rows, skipped := scan(Options{Schema: skip, SkipTimes: true})
	_, read := scan(Options{Schema: skip})
	if rows != 6000 || skipped.BytesRead >= read.BytesRead || skipped.Requests >= read.Requests {
		t.Fatalf("%d rows; read %d bytes, %d with times", rows, skipped.BytesRead, read.BytesRead)
	}
	only := arrow.NewSchema(skip.Fields()[1:], nil)
	if rows, _ := scan(Options{Schema: only, SkipTimes: true}); rows != 6000 {
		t.Fatalf("a scan of no column: %d rows", rows)
	}
}
