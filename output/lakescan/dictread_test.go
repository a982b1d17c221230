package lakescan

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/parquet-go/parquet-go"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/lake"
)

// dictRow is a row of the files written straight with parquet-go, with
// the columns a scan needs.
type dictRow struct {
	User      *string `parquet:"user_id,optional,dict"`
	Qty       int64   `parquet:"qty"`
	EventTime int64   `parquet:"_event_time,timestamp(millisecond)"`
}

// putDictFile writes rows as one lake file of shard 0 with parquet-go
// options opts, and returns the users written (nil for NULL).
func putDictFile(t *testing.T, store output.ObjectStore, seq uint64, rows []dictRow, opts ...parquet.WriterOption) {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[dictRow](&buf, opts...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	first := ingest.SequenceNumber{Offset: seq}.String()
	last := ingest.SequenceNumber{Offset: seq + uint64(len(rows)) - 1}.String()
	key := lake.HourDir("s", base.UnixMilli()) + "/" + lake.FileName(ingest.ShardID(0), first, last)
	if err := output.PutBytes(context.Background(), store, key, buf.Bytes(), output.PutOptions{}); err != nil {
		t.Fatal(err)
	}
}

// How scanUsers reads user_id.
const (
	asStrings = iota
	viaArrow  // as a dictionary, by arrow-go
	direct    // as a dictionary, by dictReader
	alone     // by dictReader, without qty (no arrow-go reader at all)
)

// scanUsers scans user_id and qty, read as how says, and returns
// "qty=user" per row (user "-" for NULL; qty "?" when not read) and how
// many batches held a dictionary.
func scanUsers(t *testing.T, store output.ObjectStore, how int) ([]string, int) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	fields := []arrow.Field{{Name: "user_id", Type: arrow.BinaryTypes.String, Nullable: true}}
	if how != alone {
		fields = append(fields, arrow.Field{Name: "qty", Type: arrow.PrimitiveTypes.Int64, Nullable: true})
	}
	opts := Options{Store: store, Stream: "s", Mem: mem, BatchRows: 1000, Parallelism: 3, SkipTimes: true,
		Schema: arrow.NewSchema(fields, nil)}
	if how != asStrings {
		opts.Dictionary = []string{"user_id"}
	}
	s, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	s.viaArrow = how == viaArrow
	defer s.Close()
	var out []string
	dicts := 0
	for s.Next() {
		b := s.Batch()
		qty := func(int) string { return "?" }
		if how != alone {
			q := b.Rec.Column(1).(*array.Int64)
			qty = func(i int) string { return fmt.Sprint(q.Value(i)) }
		}
		col := b.Rec.Column(0)
		d, isDict := col.(*array.Dictionary)
		if isDict {
			dicts++
		}
		for i := range col.Len() {
			u := "-"
			switch {
			case col.IsNull(i):
			case isDict:
				u = d.Dictionary().(*array.String).Value(d.GetValueIndex(i))
			default:
				u = col.(*array.String).Value(i)
			}
			out = append(out, qty(i)+"="+u)
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return out, dicts
}

// dictReader gives the rows arrow-go gives, over files of parquet-go's
// data pages v1 and v2, pages of a few hundred values, NULLs at several
// rates, and dictionaries of 1 to 40,000 values (index widths 0 to 16),
// and over the lake writer's own files.
func TestDictReaderMatchesArrow(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		name     string
		values   int     // distinct users
		nulls    float64 // share of NULLs
		rows     int
		opts     []parquet.WriterOption
		rowGroup int // rows per row group (0: one)
	}{
		{"one value v1", 1, 0, 3000, nil, 0},
		{"v1 small pages nulls", 100, 0.1, 20000, []parquet.WriterOption{parquet.PageBufferSize(512)}, 0},
		{"v2 small pages nulls", 100, 0.3, 20000, []parquet.WriterOption{parquet.DataPageVersion(2), parquet.PageBufferSize(700)}, 0},
		{"v2 all null runs", 5, 0.9, 5000, []parquet.WriterOption{parquet.DataPageVersion(2)}, 0},
		{"wide indexes row groups", 40000, 0.05, 120000, []parquet.WriterOption{parquet.PageBufferSize(4096)}, 30000},
		{"width 9 snappy", 300, 0, 10000, []parquet.WriterOption{parquet.Compression(&parquet.Snappy)}, 2500},
	} {
		t.Run(c.name, func(t *testing.T) {
			store := newStore(t)
			users := make([]string, c.values)
			for i := range users {
				users[i] = fmt.Sprintf("user-%d-%s", i, string(rune('a'+i%26)))
			}
			var rows []dictRow
			for i := range c.rows {
				r := dictRow{Qty: int64(i), EventTime: base.UnixMilli() + int64(i)}
				if rnd.Float64() >= c.nulls {
					u := users[rnd.IntN(len(users))]
					if i%97 < 40 { // runs of one value, for RLE runs
						u = users[(i/97)%len(users)]
					}
					r.User = &u
				}
				rows = append(rows, r)
			}
			opts := c.opts
			if c.rowGroup > 0 {
				opts = append(opts, parquet.MaxRowsPerRowGroup(int64(c.rowGroup)))
			}
			putDictFile(t, store, 1, rows, opts...)
			want, _ := scanUsers(t, store, asStrings)
			for _, how := range []int{viaArrow, direct, alone} {
				got, dicts := scanUsers(t, store, how)
				if dicts == 0 {
					t.Fatalf("read %d: no batch read as a dictionary", how)
				}
				if len(got) != len(want) || len(got) != c.rows {
					t.Fatalf("read %d: %d rows, %d as strings, want %d", how, len(got), len(want), c.rows)
				}
				for i := range got {
					w := want[i]
					if how == alone {
						w = "?" + w[strings.Index(w, "="):]
					}
					if got[i] != w {
						t.Fatalf("read %d: row %d: %s, want %s", how, i, got[i], w)
					}
				}
			}
		})
	}
}

// encodeHybrid writes vals in the RLE / bit-packing hybrid encoding of
// width bits: runs of 8 or more equal values as RLE runs, the rest
// bit-packed in groups of eight (the last padded with zeros).
func encodeHybrid(vals []uint32, width uint) []byte {
	var out []byte
	var packed []uint32
	flush := func() {
		if len(packed) == 0 {
			return
		}
		groups := (len(packed) + 7) / 8
		out = binary.AppendUvarint(out, uint64(groups)<<1|1)
		var acc uint64
		var have uint
		for i := range groups * 8 {
			v := uint64(0)
			if i < len(packed) {
				v = uint64(packed[i])
			}
			acc |= v << have
			have += width
			for have >= 8 {
				out = append(out, byte(acc))
				acc >>= 8
				have -= 8
			}
		}
		packed = packed[:0]
	}
	for i := 0; i < len(vals); {
		j := i
		for j < len(vals) && vals[j] == vals[i] {
			j++
		}
		if j-i >= 8 && len(packed)%8 == 0 {
			flush()
			out = binary.AppendUvarint(out, uint64(j-i)<<1)
			for b := range int(width+7) / 8 {
				out = append(out, byte(vals[i]>>(8*b)))
			}
			i = j
			continue
		}
		packed = append(packed, vals[i])
		i++
	}
	flush()
	return out
}

// The hybrid decoder reads back what encodeHybrid wrote, for every width,
// in reads of any size.
func TestHybrid(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	for width := uint(0); width <= 32; width++ {
		vals := make([]uint32, 1000+rnd.IntN(100))
		for i := range vals {
			if i%50 < 20 {
				vals[i] = vals[max(i-1, 0)] // runs
				continue
			}
			vals[i] = uint32(rnd.Uint64() & (1<<width - 1))
		}
		h := hybrid{data: encodeHybrid(vals, width), width: width}
		got := make([]int32, 0, len(vals))
		for len(got) < len(vals) {
			k := min(1+rnd.IntN(40), len(vals)-len(got))
			buf := make([]int32, k)
			if err := h.read(buf); err != nil {
				t.Fatalf("width %d: %v", width, err)
			}
			got = append(got, buf...)
		}
		for i := range vals {
			if uint32(got[i]) != vals[i] {
				t.Fatalf("width %d: value %d is %d, want %d", width, i, uint32(got[i]), vals[i])
			}
		}
	}
}

// Truncated or garbled runs are errors, never panics.
func FuzzHybrid(f *testing.F) {
	f.Add([]byte{0x03, 0xff}, uint8(3), 20)
	f.Add(encodeHybrid([]uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 9, 9, 9, 9, 9}, 4), uint8(4), 17)
	f.Add([]byte{0x80}, uint8(1), 3)
	f.Fuzz(func(t *testing.T, data []byte, width uint8, n int) {
		if n < 0 || n > 1<<16 {
			return
		}
		h := hybrid{data: data, width: uint(width % 33)}
		_ = h.read(make([]int32, n))
	})
}
