package agg

import (
	"fmt"
	"math"
	"strings"
)

// slotsMagic starts a MarshalSlots encoding: "FAS" and the format version.
var slotsMagic = [4]byte{'F', 'A', 'S', 1}

// fingerprint identifies a spec in checkpoints.
func fingerprint(s Spec) string {
	arg := "*"
	if s.ArgType != nil {
		arg = s.ArgType.Fingerprint()
	}
	return fmt.Sprintf("%s|%t|%x|%s", strings.ToLower(s.Func), s.Distinct, math.Float64bits(s.Param), arg)
}

// MarshalSlots encodes the state of slots, which UnmarshalSlots restores
// into accumulators of the same specs. The encoding is deterministic (one
// state, one encoding; sets are written sorted) and exact: the restored
// slots give the same results, and go on to give the same results as the
// originals under the same updates and merges. Marshalling
// APPROX_COUNT_DISTINCT slots compacts their sketches' sparse buffers,
// which changes no result.
//
// Layout (version 1): "FAS" 1; uvarint spec count and each spec's
// fingerprint (function, DISTINCT, parameter, argument type); uvarint slot
// count; then per spec, per slot, that function's state.
func (a *Accumulators) MarshalSlots(slots []uint32) ([]byte, error) {
	if err := a.checkSlots(slots); err != nil {
		return nil, fmt.Errorf("agg: marshal slots: %w", err)
	}
	e := &encoder{}
	e.raw(slotsMagic[:])
	e.uvarint(uint64(len(a.specs)))
	for _, s := range a.specs {
		e.str(fingerprint(s))
	}
	e.uvarint(uint64(len(slots)))
	for _, acc := range a.accs {
		for _, s := range slots {
			acc.encode(e, s)
		}
	}
	return e.buf, nil
}

// UnmarshalSlots restores into slots (growing the accumulators to hold
// them) the state that MarshalSlots encoded for as many slots, in order;
// the slots must be distinct.
// The data is never trusted: on error, which wraps ErrCorrupt when the data
// is at fault, the slots are left empty.
func (a *Accumulators) UnmarshalSlots(data []byte, slots []uint32) error {
	var hi uint32
	for _, s := range slots {
		hi = max(hi, s)
	}
	seen := growBits(nil, int(hi)+1)
	for _, s := range slots {
		if seen.get(s) {
			return fmt.Errorf("agg: unmarshal slots: slot %d given twice", s)
		}
		seen.set(s)
	}
	if len(slots) > 0 {
		a.Grow(int(hi) + 1)
	}
	for _, s := range slots {
		for _, acc := range a.accs {
			acc.reset(s)
		}
	}
	if err := a.unmarshal(data, slots); err != nil {
		for _, s := range slots {
			for _, acc := range a.accs {
				acc.reset(s)
			}
		}
		return fmt.Errorf("agg: unmarshal slots: %w", err)
	}
	return nil
}

func (a *Accumulators) unmarshal(data []byte, slots []uint32) error {
	d := &decoder{buf: data}
	d.header(slotsMagic, "aggregate state")
	if n := d.count(1); d.err == nil && n != len(a.specs) {
		d.fail("%d aggregates, want %d", n, len(a.specs))
	}
	for i := 0; i < len(a.specs) && d.err == nil; i++ {
		if f, want := d.str(), fingerprint(a.specs[i]); d.err == nil && f != want {
			d.fail("aggregate %d is %q, want %q", i, f, want)
		}
	}
	if n := d.uvarint(); d.err == nil && n != uint64(len(slots)) {
		d.fail("state of %d slots, restoring %d", n, len(slots))
	}
	for _, acc := range a.accs {
		for _, s := range slots {
			if d.err != nil {
				return d.err
			}
			acc.decode(d, s)
		}
	}
	d.end()
	return d.err
}
