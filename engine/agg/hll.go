package agg

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/axiomhq/hyperloglog"
)

const (
	// hllPrecision is the sketches' precision: 2^14 registers, a standard
	// error of 1.04/√16384 ≈ 0.81%.
	hllPrecision = 14
	// hllVersion is the encoding version that axiomhq/hyperloglog writes.
	hllVersion = 2
	// hllDenseBytes is a dense sketch's registers.
	hllDenseBytes = 1 << hllPrecision
)

var _ accumulator = (*hllAcc)(nil)

// hllAcc is APPROX_COUNT_DISTINCT: a HyperLogLog++ sketch per slot
// (github.com/axiomhq/hyperloglog, precision 14, sparse while small), made
// at the slot's first value. Values are hashed here, by the package's stable
// hashes, so sketches in checkpoints stay valid.
type hllAcc struct {
	kind kind
	sk   []*hyperloglog.Sketch
}

func (a *hllAcc) grow(n int) { a.sk = growSlice(a.sk, n) }

func (a *hllAcc) sketch(slot uint32) *hyperloglog.Sketch {
	if a.sk[slot] == nil {
		a.sk[slot] = hyperloglog.New14()
	}
	return a.sk[slot]
}

func (a *hllAcc) update(slots []uint32, arg arrow.Array, _ []int64, rows []int32) {
	v := validityOf(arg)
	switch a.kind {
	case kindString:
		str := arg.(*array.String)
		for i, s := range slots {
			if r := rows[i]; !v.null(r) {
				a.sketch(s).InsertHash(hashString(str.Value(int(r))))
			}
		}
	default:
		get := bitsOf(a.kind, arg)
		for i, s := range slots {
			if r := rows[i]; !v.null(r) {
				a.sketch(s).InsertHash(mix64(get(r)))
			}
		}
	}
}

func (a *hllAcc) merge(dst, src uint32) {
	switch {
	case a.sk[src] == nil:
	case a.sk[dst] == nil:
		a.sk[dst] = a.sk[src]
	default:
		// Both are precision 14: Merge cannot fail.
		_ = a.sk[dst].Merge(a.sk[src])
	}
	a.sk[src] = nil
}

func (a *hllAcc) reset(slot uint32) { a.sk[slot] = nil }

func (a *hllAcc) result(mem memory.Allocator, slots []uint32) arrow.Array {
	vals := make([]int64, len(slots))
	for i, s := range slots {
		if sk := a.sk[s]; sk != nil {
			vals[i] = int64(sk.Estimate())
		}
	}
	return newInt64Array(mem, int64Type, vals, nil)
}

// encode writes the sketch in axiomhq/hyperloglog's own (versioned)
// encoding, after Estimate has folded its unsorted buffer of sparse
// entries into the sorted list, so that equal sketches encode alike.
func (a *hllAcc) encode(e *encoder, slot uint32) {
	sk := a.sk[slot]
	if sk == nil {
		e.bytes(nil)
		return
	}
	sk.Estimate()
	b, err := sk.MarshalBinary()
	if err != nil { // only for a zero-value sketch, which New14 never makes
		e.bytes(nil)
		return
	}
	e.bytes(b)
}

func (a *hllAcc) decode(d *decoder, slot uint32) {
	b := d.bytes()
	if d.err != nil || len(b) == 0 {
		return
	}
	if len(b) < 2 || b[0] != hllVersion || b[1] != hllPrecision {
		d.fail("HyperLogLog sketch of another version or precision")
		return
	}
	sk := &hyperloglog.Sketch{}
	if err := sk.UnmarshalBinary(b); err != nil {
		d.fail("HyperLogLog sketch: %v", err)
		return
	}
	a.sk[slot] = sk
}

func (a *hllAcc) bytes() int64 {
	n := int64(cap(a.sk)) * 8
	for _, sk := range a.sk {
		if sk == nil {
			continue
		}
		// The encoding's size tracks the sketch's: the registers when
		// dense, the sparse list and buffer when sparse.
		if b, err := sk.MarshalBinary(); err == nil {
			n += int64(len(b)) + 96
		}
	}
	return n
}
