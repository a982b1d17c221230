package agg

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Spec is one aggregate function of a query.
type Spec struct {
	// Func is the function's canonical name (sql.AggCall.Func): count, sum,
	// avg, min, max, stddev (also stddev_samp, std), stddev_pop, first,
	// last, approx_count_distinct, approx_percentile. Case is ignored.
	Func string
	// Distinct aggregates the distinct non-NULL values: COUNT, SUM and AVG
	// keep an exact set per slot; MIN, MAX and APPROX_COUNT_DISTINCT ignore
	// it; the others do not support it.
	Distinct bool
	// Param is APPROX_PERCENTILE's fraction, in [0, 1].
	Param float64
	// ArgType is the argument's type; nil for COUNT(*).
	ArgType arrow.DataType
	// ResultType, when set, must be the type the function returns (see
	// ResultType); nil takes it.
	ResultType arrow.DataType
}

// String formats the spec as SQL.
func (s Spec) String() string {
	arg := "*"
	if s.ArgType != nil {
		arg = s.ArgType.String()
	}
	if s.Distinct {
		arg = "DISTINCT " + arg
	}
	if strings.EqualFold(s.Func, "approx_percentile") {
		arg = fmt.Sprintf("%s, %g", arg, s.Param)
	}
	return fmt.Sprintf("%s(%s)", strings.ToUpper(s.Func), arg)
}

// accumulator is the state of one aggregate function for every slot.
type accumulator interface {
	// grow makes slots [0, n) exist, the new ones empty.
	grow(n int)
	// update folds row rows[i] of arg (nil for COUNT(*)) into slots[i];
	// times is the event time by row, or nil. Update has checked the batch.
	update(slots []uint32, arg arrow.Array, times []int64, rows []int32)
	// merge folds src into dst and empties src; dst != src.
	merge(dst, src uint32)
	reset(slot uint32)
	result(mem memory.Allocator, slots []uint32) arrow.Array
	// encode writes the state of slot; decode reads it into an empty slot.
	encode(e *encoder, slot uint32)
	decode(d *decoder, slot uint32)
	bytes() int64
}

// Accumulators holds the state of the aggregate functions of one query for
// any number of slots. A slot is one group (a key, a key and window, a
// session…): the caller decides what it stands for and hands the slot
// numbers in; the state of every function is indexed by them.
//
// Accumulators is not safe for concurrent use.
type Accumulators struct {
	mem   memory.Allocator
	specs []Spec
	types []arrow.DataType
	accs  []accumulator
	n     int
	iota  []int32 // scratch: 0, 1, 2, …
}

// NewAccumulators returns accumulators for specs, with no slots. mem
// allocates the arrays Results returns.
func NewAccumulators(mem memory.Allocator, specs []Spec) (*Accumulators, error) {
	a := &Accumulators{mem: mem, specs: append([]Spec(nil), specs...)}
	for i, s := range specs {
		acc, rt, err := newAccumulator(s)
		if err != nil {
			return nil, fmt.Errorf("agg: new accumulators: spec %d %s: %w", i, s, err)
		}
		if s.ResultType != nil && !arrow.TypeEqual(s.ResultType, rt) {
			return nil, fmt.Errorf("agg: new accumulators: spec %d %s: result type %s, but the function returns %s", i, s, s.ResultType, rt)
		}
		a.accs = append(a.accs, acc)
		a.types = append(a.types, rt)
	}
	return a, nil
}

// ResultType is the type that the aggregate of spec returns.
func ResultType(spec Spec) (arrow.DataType, error) {
	_, rt, err := newAccumulator(spec)
	return rt, err
}

// ResultTypes is the type of each array that Results returns.
func (a *Accumulators) ResultTypes() []arrow.DataType { return slices.Clone(a.types) }

// Specs is the aggregate functions.
func (a *Accumulators) Specs() []Spec { return slices.Clone(a.specs) }

// Clear drops every slot, as new accumulators of the same specs would
// have none, keeping the memory of the slots (emptied) and the scratch
// space sized to the batches seen.
func (a *Accumulators) Clear() {
	for _, acc := range a.accs {
		for s := range a.n {
			acc.reset(uint32(s))
		}
	}
	a.n = 0
}

// Len is the number of slots: Grow's largest n.
func (a *Accumulators) Len() int { return a.n }

// Grow makes slots [0, n) exist; new slots are empty.
func (a *Accumulators) Grow(n int) {
	if n <= a.n {
		return
	}
	for _, acc := range a.accs {
		acc.grow(n)
	}
	a.n = n
}

// Update folds a batch into the slots. args holds one array per spec (nil
// for COUNT(*)), all of the batch's length; rows selects the rows (nil: all,
// in order) and slots[i] is the slot of row rows[i] (a row may appear more
// than once, as for overlapping windows). eventTimes is the event time of
// each row of the batch, indexed by row, for FIRST and LAST; nil orders by
// arrival. Every slot must be below Len. The arrays are not retained. On
// error nothing was updated.
func (a *Accumulators) Update(slots []uint32, args []arrow.Array, eventTimes []int64, rows []int32) error {
	rows, err := a.check(slots, args, eventTimes, rows)
	if err != nil {
		return fmt.Errorf("agg: update: %w", err)
	}
	for i, acc := range a.accs {
		acc.update(slots, args[i], eventTimes, rows)
	}
	return nil
}

// check validates a batch for Update and returns the rows to read.
func (a *Accumulators) check(slots []uint32, args []arrow.Array, times []int64, rows []int32) ([]int32, error) {
	if len(args) != len(a.accs) {
		return nil, fmt.Errorf("%d argument arrays for %d aggregates", len(args), len(a.accs))
	}
	n := -1 // the batch's length
	for i, arg := range args {
		switch {
		case a.specs[i].ArgType == nil && arg != nil:
			return nil, fmt.Errorf("argument %d: %s takes no argument", i, a.specs[i])
		case a.specs[i].ArgType == nil:
			continue
		case arg == nil:
			return nil, fmt.Errorf("argument %d: missing for %s", i, a.specs[i])
		}
		if err := checkType(arg, a.specs[i].ArgType); err != nil {
			return nil, fmt.Errorf("argument %d: %w", i, err)
		}
		if n >= 0 && arg.Len() != n {
			return nil, fmt.Errorf("argument %d has %d rows, others %d", i, arg.Len(), n)
		}
		n = arg.Len()
	}
	if rows == nil {
		if n >= 0 && len(slots) != n {
			return nil, fmt.Errorf("%d slots for %d rows", len(slots), n)
		}
		a.iota = identity(a.iota, len(slots))
		rows = a.iota[:len(slots)]
		n = max(n, len(slots))
	} else {
		if len(rows) != len(slots) {
			return nil, fmt.Errorf("%d slots for %d rows", len(slots), len(rows))
		}
		if n < 0 { // only COUNT(*): any row is fine
			n = 1 << 31
		}
		if err := checkRows(rows, n); err != nil {
			return nil, err
		}
	}
	if times != nil && len(times) < n && n < 1<<31 {
		return nil, fmt.Errorf("%d event times for %d rows", len(times), n)
	}
	if err := a.checkSlots(slots); err != nil {
		return nil, err
	}
	return rows, nil
}

func (a *Accumulators) checkSlots(slots []uint32) error {
	var hi uint32
	for _, s := range slots {
		hi = max(hi, s)
	}
	if len(slots) > 0 && int(hi) >= a.n {
		return fmt.Errorf("slot %d out of range [0, %d)", hi, a.n)
	}
	return nil
}

// Merge folds the state of slot src into dst (as when two session windows
// become one) and empties src. FIRST and LAST keep dst's value when the
// event times tie.
func (a *Accumulators) Merge(dst, src uint32) error {
	if err := a.checkSlots([]uint32{dst, src}); err != nil {
		return fmt.Errorf("agg: merge: %w", err)
	}
	if dst == src {
		return nil
	}
	for _, acc := range a.accs {
		acc.merge(dst, src)
	}
	return nil
}

// MergeAfter is Merge for a src that folded rows coming after all of
// dst's, as when the parts of one input are aggregated apart and then
// combined in order: LAST then takes src's value when the event times tie,
// as Update would have over the rows in order. Every other function merges
// as in Merge.
func (a *Accumulators) MergeAfter(dst, src uint32) error {
	if err := a.checkSlots([]uint32{dst, src}); err != nil {
		return fmt.Errorf("agg: merge: %w", err)
	}
	if dst == src {
		return nil
	}
	for _, acc := range a.accs {
		if fl, ok := acc.(*firstLastAcc); ok && fl.last {
			fl.mergeAfter(dst, src)
			continue
		}
		acc.merge(dst, src)
	}
	return nil
}

// Reset empties slot, which may then stand for another group.
func (a *Accumulators) Reset(slot uint32) error {
	if err := a.checkSlots([]uint32{slot}); err != nil {
		return fmt.Errorf("agg: reset: %w", err)
	}
	for _, acc := range a.accs {
		acc.reset(slot)
	}
	return nil
}

// Results returns the value of every aggregate for slots, one array per
// spec with one row per slot in slots' order, which the caller releases.
// An aggregate over no non-NULL value is NULL, except COUNT and
// APPROX_COUNT_DISTINCT, which are 0.
func (a *Accumulators) Results(slots []uint32) ([]arrow.Array, error) {
	if err := a.checkSlots(slots); err != nil {
		return nil, fmt.Errorf("agg: results: %w", err)
	}
	out := make([]arrow.Array, len(a.accs))
	for i, acc := range a.accs {
		out[i] = acc.result(a.mem, slots)
	}
	return out, nil
}

// StateBytes estimates the memory the state of all slots holds, in bytes
// (not counting scratch space in proportion to the largest batch). It walks
// the per-slot sets and sketches, so it costs time in proportion to the
// slots of the DISTINCT aggregates, APPROX_COUNT_DISTINCT and
// APPROX_PERCENTILE.
func (a *Accumulators) StateBytes() int64 {
	var n int64
	for _, acc := range a.accs {
		n += acc.bytes()
	}
	return n
}
