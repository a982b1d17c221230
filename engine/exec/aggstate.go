package exec

import (
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/freshet/freshet/window"
)

// aggStateVersion versions the aggregate's snapshot encoding.
const aggStateVersion = 1

// Snapshot implements Operator. The state is the key table, the open groups
// (key id, window, in a fixed order) with their accumulator state, the
// open sessions of every key, and the watermark the operator has seen.
// Slots are renumbered densely on Restore.
func (a *Aggregate) Snapshot() ([]byte, error) {
	var keys []byte
	if a.keyTab != nil {
		var err error
		if keys, err = a.keyTab.MarshalBinary(); err != nil {
			return nil, fmt.Errorf("snapshot aggregate: %w", err)
		}
	}
	gs := make([]*group, 0, len(a.groups))
	for _, g := range a.groups {
		gs = append(gs, g)
	}
	for _, ws := range a.byWin {
		gs = append(gs, ws.groups...)
	}
	sort.Slice(gs, func(i, j int) bool {
		if gs[i].win != gs[j].win {
			if gs[i].win.Start != gs[j].win.Start {
				return gs[i].win.Start < gs[j].win.Start
			}
			return gs[i].win.End < gs[j].win.End
		}
		return gs[i].key < gs[j].key
	})
	slots := make([]uint32, len(gs))
	b := []byte{aggStateVersion}
	b = appendVarint(b, a.wm)
	b = appendBytes(b, keys)
	b = binary.AppendUvarint(b, uint64(len(gs)))
	for i, g := range gs {
		slots[i] = g.slot
		b = binary.AppendUvarint(b, uint64(g.key))
		b = appendVarint(b, g.win.Start)
		b = appendVarint(b, g.win.End)
	}
	accs, err := a.accs.MarshalSlots(slots)
	if err != nil {
		return nil, fmt.Errorf("snapshot aggregate: %w", err)
	}
	b = appendBytes(b, accs)
	keysWithSessions := make([]uint32, 0, len(a.sessions))
	for k := range a.sessions {
		keysWithSessions = append(keysWithSessions, k)
	}
	sort.Slice(keysWithSessions, func(i, j int) bool { return keysWithSessions[i] < keysWithSessions[j] })
	b = binary.AppendUvarint(b, uint64(len(keysWithSessions)))
	for _, k := range keysWithSessions {
		ws := a.sessions[k].Open()
		b = binary.AppendUvarint(b, uint64(k))
		b = binary.AppendUvarint(b, uint64(len(ws)))
		for _, w := range ws {
			b = appendVarint(b, w.Start)
			b = appendVarint(b, w.End)
		}
	}
	return b, nil
}

// Restore implements Operator; the operator must be fresh (built from the
// same plan, nothing pushed yet).
func (a *Aggregate) Restore(state []byte) error {
	if len(state) == 0 {
		return nil
	}
	if state[0] != aggStateVersion {
		return fmt.Errorf("restore aggregate: unknown state version %d", state[0])
	}
	b := state[1:]
	var err error
	var keys, accs []byte
	if a.wm, b, err = readVarint(b); err != nil {
		return err
	}
	if keys, b, err = readBytes(b); err != nil {
		return err
	}
	if a.keyTab != nil {
		if err := a.keyTab.UnmarshalBinary(keys); err != nil {
			return fmt.Errorf("restore aggregate: %w", err)
		}
	}
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return errShortState
	}
	b = b[k:]
	gs := make([]*group, n)
	slots := make([]uint32, n)
	for i := range gs {
		key, k := binary.Uvarint(b)
		if k <= 0 {
			return errShortState
		}
		b = b[k:]
		g := &group{key: uint32(key), slot: a.slot()}
		if g.win.Start, b, err = readVarint(b); err != nil {
			return err
		}
		if g.win.End, b, err = readVarint(b); err != nil {
			return err
		}
		gs[i], slots[i] = g, g.slot
	}
	if accs, b, err = readBytes(b); err != nil {
		return err
	}
	if err := a.accs.UnmarshalSlots(accs, slots); err != nil {
		return fmt.Errorf("restore aggregate: %w", err)
	}
	for _, g := range gs {
		if a.assigner != nil {
			ws := a.winFor(g.win)
			ws.groups = append(ws.groups, g)
			if int(g.key) >= len(ws.byKey) {
				ws.byKey = append(ws.byKey, make([]int32, int(g.key)+1-len(ws.byKey))...)
			}
			ws.byKey[g.key] = int32(len(ws.groups))
		} else {
			a.groups[groupID{g.key, g.win.Start}] = g
		}
		a.keyRefs[g.key]++
	}
	nk, k := binary.Uvarint(b)
	if k <= 0 {
		return errShortState
	}
	b = b[k:]
	for i := uint64(0); i < nk; i++ {
		key, k := binary.Uvarint(b)
		if k <= 0 {
			return errShortState
		}
		b = b[k:]
		cnt, k := binary.Uvarint(b)
		if k <= 0 || cnt > uint64(len(b)) {
			return errShortState
		}
		b = b[k:]
		ws := make([]window.Window, cnt)
		for j := range ws {
			if ws[j].Start, b, err = readVarint(b); err != nil {
				return err
			}
			if ws[j].End, b, err = readVarint(b); err != nil {
				return err
			}
		}
		set := a.sessAsg.NewSet()
		if err := set.Restore(ws); err != nil {
			return fmt.Errorf("restore aggregate: %w", err)
		}
		a.sessions[uint32(key)] = set
	}
	return nil
}
