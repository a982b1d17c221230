package exec

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine/agg"
	"github.com/freshet/freshet/engine/eval"
	"github.com/freshet/freshet/window"
)

// AggMode says when a non-windowed aggregation emits.
type AggMode int

const (
	// Final emits every group once, at the end of the input (snapshot
	// queries).
	Final AggMode = iota
	// Updates emits the changed groups after each batch: a changelog, as a
	// ksqlDB table (push and persistent queries without a window).
	Updates
)

// group is one (key, window) whose state lives in an accumulator slot.
type group struct {
	key  uint32
	win  window.Window
	slot uint32
}

// winState is one open tumbling or hopping window: its groups in creation
// order, and an index from key id (dense) to group.
type winState struct {
	w      window.Window
	groups []*group
	byKey  []int32 // key id → index+1 in groups; 0 for none
}

// winFor returns the state of window w, creating it.
func (a *Aggregate) winFor(w window.Window) *winState {
	for _, ws := range a.recent {
		if ws != nil && ws.w == w {
			return ws
		}
	}
	ws := a.byWin[w]
	if ws == nil {
		ws = &winState{w: w}
		a.byWin[w] = ws
		a.timeline.Add(w)
	}
	copy(a.recent[1:], a.recent[:len(a.recent)-1])
	a.recent[0] = ws
	return ws
}

// windowGroup returns the group of key in window ws, creating it.
func (a *Aggregate) windowGroup(ws *winState, key uint32) *group {
	if int(key) < len(ws.byKey) {
		if i := ws.byKey[key]; i > 0 {
			return ws.groups[i-1]
		}
	} else {
		ws.byKey = append(ws.byKey, make([]int32, int(key)+1-len(ws.byKey)+len(ws.byKey)/2)...)
	}
	g := &group{key: key, win: ws.w, slot: a.slot()}
	ws.groups = append(ws.groups, g)
	ws.byKey[key] = int32(len(ws.groups))
	if !a.partial {
		a.keyRefs[key]++
	}
	return g
}

// plainGroup returns the group of key in an aggregation without windows,
// through a dense index by key id (no hashing per row).
func (a *Aggregate) plainGroup(key uint32) *group {
	if int(key) < len(a.plain) {
		if g := a.plain[key]; g != nil {
			if a.mode == Updates {
				a.changed = append(a.changed, g)
			}
			return g
		}
	} else {
		a.plain = append(a.plain, make([]*group, int(key)+1-len(a.plain)+len(a.plain)/2)...)
	}
	g := a.groupFor(key, window.Window{})
	a.plain[key] = g
	return g
}

// groupID addresses a group: the key id and its window's start.
type groupID struct {
	key   uint32
	start int64
}

// Aggregate groups rows by key and window and folds them with aggregate
// functions. Its output is the keys, window_start and window_end when
// windowed, then one column per aggregate.
type Aggregate struct {
	mem  memory.Allocator
	keys []eval.Evaluator
	// keyCols is, in a Partial, the scan column of each key that is a bare
	// column (else -1), which may come as a dictionary array; nil elsewhere.
	keyCols []int
	// partial is set in a Partial, which never emits, drops or snapshots:
	// its groups live only in plain and byWin (what mergeFrom reads), not
	// in groups and keyRefs.
	partial bool
	args    []eval.Evaluator // nil entries for COUNT(*)
	keyTab  *agg.KeyTable
	accs    *agg.Accumulators
	schema  *arrow.Schema
	mode    AggMode

	// windows: exactly one of assigner (tumble, hop) and gap (session) is
	// set, or neither.
	assigner window.Assigner
	gap      int64

	groups   map[groupID]*group
	byWin    map[window.Window]*winState // tumble/hop: the groups of each open window
	recent   [4]*winState                // the windows used last, to skip the map lookup
	plain    []*group                    // no window: key id → group
	timeline *window.Timeline
	sessions map[uint32]*window.SessionSet
	sessAsg  window.Sessions
	keyRefs  map[uint32]int // groups per key id; a key with none is released
	free     []uint32
	next     uint32
	changed  []*group // Updates mode: groups touched by the current batch
	wm       int64

	// scratch
	keyIDs []uint32
	wins   []window.Window
	slots  []uint32
	rows   []int32
}

func (a *Aggregate) windowed() bool { return a.assigner != nil || a.gap > 0 }

func (a *Aggregate) slot() uint32 {
	if n := len(a.free); n > 0 {
		s := a.free[n-1]
		a.free = a.free[:n-1]
		return s
	}
	s := a.next
	a.next++
	a.accs.Grow(int(a.next))
	return s
}

func (a *Aggregate) groupFor(key uint32, w window.Window) *group {
	if a.partial {
		return &group{key: key, win: w, slot: a.slot()}
	}
	id := groupID{key, w.Start}
	g := a.groups[id]
	if g == nil {
		g = &group{key: key, win: w, slot: a.slot()}
		a.groups[id] = g
		a.keyRefs[key]++
		if a.mode == Updates && !a.windowed() {
			a.changed = append(a.changed, g)
		}
	} else if a.mode == Updates && !a.windowed() {
		a.changed = append(a.changed, g)
	}
	return g
}

// Push implements Operator.
func (a *Aggregate) Push(b Batch) ([]Batch, error) {
	n := b.Rows()
	if n == 0 {
		return nil, nil
	}
	keyCols, err := a.evalKeys(b.Rec)
	if err != nil {
		return nil, fmt.Errorf("aggregate keys: %w", err)
	}
	defer releaseArrays(keyCols)
	argCols, err := evalAll(a.args, b.Rec)
	if err != nil {
		return nil, fmt.Errorf("aggregate arguments: %w", err)
	}
	defer releaseArrays(argCols)

	if a.keyTab == nil {
		a.keyIDs = a.keyIDs[:0]
		for i := 0; i < n; i++ {
			a.keyIDs = append(a.keyIDs, 0)
		}
	} else if a.keyIDs, err = a.keyTab.Lookup(keyCols, nil, a.keyIDs[:0]); err != nil {
		return nil, fmt.Errorf("aggregate keys: %w", err)
	}
	a.slots, a.rows = a.slots[:0], a.rows[:0]
	a.changed = a.changed[:0]
	switch {
	case a.assigner != nil:
		for i := 0; i < n; i++ {
			a.wins = a.assigner.Assign(b.Times[i], a.wins[:0])
			for _, w := range a.wins {
				if w.End <= a.wm {
					continue // this window has fired; the record is late for it
				}
				g := a.windowGroup(a.winFor(w), a.keyIDs[i])
				a.slots = append(a.slots, g.slot)
				a.rows = append(a.rows, int32(i))
			}
		}
	case a.gap > 0:
		// Updates are applied in bulk at the end, except that a merge of
		// sessions first applies what is pending, so that no pending row
		// refers to a slot the merge frees.
		flush := func() error {
			if len(a.slots) == 0 {
				return nil
			}
			err := a.accs.Update(a.slots, argCols, b.Times, a.rows)
			a.slots, a.rows = a.slots[:0], a.rows[:0]
			return err
		}
		for i := 0; i < n; i++ {
			g, err := a.addToSession(a.keyIDs[i], b.Times[i], flush)
			if err != nil {
				return nil, err
			}
			a.slots = append(a.slots, g.slot)
			a.rows = append(a.rows, int32(i))
		}
	default:
		a.slots = slices.Grow(a.slots, n)
		for _, k := range a.keyIDs {
			// A Final aggregation's existing group, inline.
			if int(k) < len(a.plain) && a.plain[k] != nil && a.mode == Final {
				a.slots = append(a.slots, a.plain[k].slot)
				continue
			}
			a.slots = append(a.slots, a.plainGroup(k).slot)
		}
		a.rows = nil
	}
	if len(a.slots) > 0 {
		if err := a.accs.Update(a.slots, argCols, b.Times, a.rows); err != nil {
			return nil, fmt.Errorf("aggregate: %w", err)
		}
	}
	if a.mode == Updates && !a.windowed() && len(a.changed) > 0 {
		maxT := int64(math.MinInt64)
		for _, t := range b.Times {
			maxT = max(maxT, t)
		}
		out, err := a.emit(dedupe(a.changed), maxT)
		if err != nil {
			return nil, err
		}
		return []Batch{out}, nil
	}
	return nil, nil
}

// addToSession adds an event of key at ts to the key's sessions, merging
// the state of sessions it bridges, and returns the group it belongs to.
func (a *Aggregate) addToSession(key uint32, ts int64, flush func() error) (*group, error) {
	set := a.sessions[key]
	if set == nil {
		set = a.sessAsg.NewSet()
		a.sessions[key] = set
	}
	w, merged := set.Add(ts)
	var target *group
	for _, m := range merged {
		id := groupID{key, m.Start}
		g := a.groups[id]
		if g == nil {
			continue
		}
		delete(a.groups, id)
		if target == nil {
			target = g
			continue
		}
		if err := flush(); err != nil {
			return nil, fmt.Errorf("aggregate: %w", err)
		}
		if err := a.accs.Merge(target.slot, g.slot); err != nil {
			return nil, fmt.Errorf("merge sessions: %w", err)
		}
		a.accs.Reset(g.slot)
		a.free = append(a.free, g.slot)
		a.keyRefs[key]--
	}
	if target == nil {
		if g := a.groups[groupID{key, w.Start}]; g != nil {
			delete(a.groups, groupID{key, w.Start})
			target = g
		} else {
			target = &group{key: key, slot: a.slot()}
			a.keyRefs[key]++
		}
	}
	target.win = w
	a.groups[groupID{key, w.Start}] = target
	return target, nil
}

// Advance implements Operator: it emits the windows that ended at or before
// wm (all groups, for a non-windowed Final aggregation at the end).
func (a *Aggregate) Advance(wm int64) ([]Batch, error) {
	if wm <= a.wm {
		return nil, nil
	}
	a.wm = wm
	var out []Batch
	switch {
	case a.assigner != nil:
		for _, w := range a.timeline.Due(wm, nil) {
			ws := a.byWin[w]
			delete(a.byWin, w)
			for i, r := range a.recent {
				if r == ws {
					a.recent[i] = nil
				}
			}
			b, err := a.emit(ws.groups, w.End-1)
			if err != nil {
				releaseAll(out)
				return nil, err
			}
			out = append(out, b)
			a.drop(ws.groups)
		}
	case a.gap > 0:
		var due []*group
		for key, set := range a.sessions {
			for _, w := range set.Expire(wm) {
				id := groupID{key, w.Start}
				if g := a.groups[id]; g != nil {
					delete(a.groups, id)
					due = append(due, g)
				}
			}
			if set.Len() == 0 {
				delete(a.sessions, key)
			}
		}
		sort.Slice(due, func(i, j int) bool {
			if due[i].win.End != due[j].win.End {
				return due[i].win.End < due[j].win.End
			}
			return due[i].key < due[j].key
		})
		if len(due) > 0 {
			b, err := a.emit(due, due[len(due)-1].win.End-1)
			if err != nil {
				return nil, err
			}
			for i, g := range due {
				b.Times[i] = g.win.End - 1
			}
			out = append(out, b)
			a.drop(due)
		}
	default:
		if a.mode == Final && wm == math.MaxInt64 && len(a.groups) == 0 && a.keyTab == nil {
			// A global aggregate answers one row even over no input, as in
			// SQL: COUNT(*) is 0, SUM is NULL.
			a.groupFor(0, window.Window{})
		}
		if a.mode == Final && wm == math.MaxInt64 && len(a.groups) > 0 {
			gs := make([]*group, 0, len(a.groups))
			for _, g := range a.groups {
				gs = append(gs, g)
			}
			sort.Slice(gs, func(i, j int) bool { return gs[i].key < gs[j].key })
			b, err := a.emit(gs, wm)
			if err != nil {
				return nil, err
			}
			out = append(out, b)
		}
	}
	return out, nil
}

func (a *Aggregate) drop(gs []*group) {
	for _, g := range gs {
		if a.assigner == nil {
			delete(a.groups, groupID{g.key, g.win.Start})
		}
		a.accs.Reset(g.slot)
		a.free = append(a.free, g.slot)
		if a.keyRefs[g.key]--; a.keyRefs[g.key] <= 0 {
			delete(a.keyRefs, g.key)
			if a.keyTab != nil {
				a.keyTab.Release(g.key)
			}
		}
	}
}

// emit builds the output rows of groups: keys, window bounds, results.
func (a *Aggregate) emit(gs []*group, t int64) (Batch, error) {
	ids := make([]uint32, len(gs))
	slots := make([]uint32, len(gs))
	for i, g := range gs {
		ids[i], slots[i] = g.key, g.slot
	}
	var keyCols []arrow.Array
	if a.keyTab != nil {
		var err error
		if keyCols, err = a.keyTab.Keys(ids); err != nil {
			return Batch{}, fmt.Errorf("aggregate output: %w", err)
		}
	}
	results, err := a.accs.Results(slots)
	if err != nil {
		releaseArrays(keyCols)
		return Batch{}, fmt.Errorf("aggregate output: %w", err)
	}
	cols := keyCols
	if a.windowed() {
		sb := array.NewTimestampBuilder(a.mem, arrow.FixedWidthTypes.Timestamp_ms.(*arrow.TimestampType))
		eb := array.NewTimestampBuilder(a.mem, arrow.FixedWidthTypes.Timestamp_ms.(*arrow.TimestampType))
		for _, g := range gs {
			sb.Append(arrow.Timestamp(g.win.Start))
			eb.Append(arrow.Timestamp(g.win.End))
		}
		cols = append(cols, sb.NewArray(), eb.NewArray())
		sb.Release()
		eb.Release()
	}
	cols = append(cols, results...)
	rec := array.NewRecord(a.schema, cols, int64(len(gs)))
	releaseArrays(cols)
	times := make([]int64, len(gs))
	for i := range times {
		times[i] = t
	}
	return Batch{Rec: rec, Times: times}, nil
}

// Close implements Operator. The aggregation's state is Go memory; the
// batches it emitted belong to their receivers.
func (a *Aggregate) Close() {}

func dedupe(gs []*group) []*group {
	seen := make(map[*group]bool, len(gs))
	out := gs[:0]
	for _, g := range gs {
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

func evalAll(es []eval.Evaluator, rec arrow.Record) ([]arrow.Array, error) {
	out := make([]arrow.Array, len(es))
	for i, e := range es {
		if e == nil {
			continue
		}
		c, err := e.Eval(rec)
		if err != nil {
			releaseArrays(out)
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

func releaseArrays(as []arrow.Array) {
	for _, a := range as {
		if a != nil {
			a.Release()
		}
	}
}
