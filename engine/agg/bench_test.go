package agg

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

const (
	benchRows  = 10_000 // rows a batch
	benchKeys  = 10_000 // distinct keys
	benchCycle = 10     // batches in a cycle; a window spans 5
)

// cpuTime is the CPU time the process has used, all threads (GC
// included).
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportRows reports rows/s of wall time and rows/cpu-s, rows per second
// of CPU time (the per-core rate, unaffected by other load on the
// machine), since the CPU time start.
func reportRows(b *testing.B, rows int, start time.Duration) {
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(rows)/(cpuTime(b)-start).Seconds(), "rows/cpu-s")
}

// benchBatch is one input batch: a VARCHAR key, a DOUBLE value and the
// start of the tumbling window of each row.
type benchBatch struct {
	key, val, window arrow.Array
}

func (b benchBatch) release() { releaseAll([]arrow.Array{b.key, b.val, b.window}) }

func benchBatches(mem memory.Allocator) []benchBatch {
	rng := rand.New(rand.NewPCG(42, 42))
	names := make([]string, benchKeys)
	for i := range names {
		names[i] = fmt.Sprintf("sensor-%05d", i)
	}
	out := make([]benchBatch, benchCycle)
	for j := range out {
		kb, vb := array.NewStringBuilder(mem), array.NewFloat64Builder(mem)
		wb := array.NewTimestampBuilder(mem, tTime.(*arrow.TimestampType))
		for range benchRows {
			kb.Append(names[rng.IntN(benchKeys)])
			vb.Append(rng.Float64() * 100)
			wb.Append(arrow.Timestamp(j / 5 * 60_000)) // two one-minute windows
		}
		out[j] = benchBatch{kb.NewArray(), vb.NewArray(), wb.NewArray()}
		kb.Release()
		vb.Release()
		wb.Release()
	}
	return out
}

var benchSpecs = []Spec{{Func: "count"}, {Func: "sum", ArgType: tFloat}, {Func: "avg", ArgType: tFloat}}

// BenchmarkTumblingAgg is the hash aggregation of a tumbling-window
// COUNT(*), SUM(x), AVG(x) GROUP BY a VARCHAR key of 10,000 distinct values,
// in batches of 10,000 rows: KeyTable.Lookup, then Accumulators.Update.
//
// "key" groups by the key alone (slot = key id). "window+key" groups by
// (window start, key) as the engine would for TUMBLE, and when a window
// ends emits it as the engine would: Results and Keys of its slots, then
// Reset and Release.
//
// Metrics: rows/s and rows/cpu-s (see reportRows); state-B/key and keys-B/key, the bytes the
// accumulators' and key table's state hold per key (at the end of a window
// for window+key).
func BenchmarkTumblingAgg(b *testing.B) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	batches := benchBatches(mem)
	defer func() {
		for _, bb := range batches {
			bb.release()
		}
	}()

	b.Run("key", func(b *testing.B) {
		kt, err := NewKeyTable(mem, []arrow.DataType{tString})
		if err != nil {
			b.Fatal(err)
		}
		acc, err := NewAccumulators(mem, benchSpecs)
		if err != nil {
			b.Fatal(err)
		}
		var ids []uint32
		b.ResetTimer()
		cpu := cpuTime(b)
		for i := 0; i < b.N; i++ {
			bb := batches[i%len(batches)]
			if ids, err = kt.Lookup([]arrow.Array{bb.key}, nil, ids); err != nil {
				b.Fatal(err)
			}
			acc.Grow(kt.Len())
			if err := acc.Update(ids, []arrow.Array{nil, bb.val, bb.val}, nil, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		reportRows(b, b.N*benchRows, cpu)
		b.ReportMetric(float64(acc.StateBytes())/float64(kt.Len()), "state-B/key")
		b.ReportMetric(float64(kt.StateBytes())/float64(kt.Len()), "keys-B/key")
		arrs, err := acc.Results(slotsUpTo(kt.Len()))
		if err != nil {
			b.Fatal(err)
		}
		releaseAll(arrs)
	})

	b.Run("window+key", func(b *testing.B) {
		kt, err := NewKeyTable(mem, []arrow.DataType{tTime, tString})
		if err != nil {
			b.Fatal(err)
		}
		acc, err := NewAccumulators(mem, benchSpecs)
		if err != nil {
			b.Fatal(err)
		}
		var ids []uint32
		var stateBytes, keyBytes float64
		inWindow := map[uint32]struct{}{}
		b.ResetTimer()
		cpu := cpuTime(b)
		for i := 0; i < b.N; i++ {
			bb := batches[i%len(batches)]
			if ids, err = kt.Lookup([]arrow.Array{bb.window, bb.key}, nil, ids); err != nil {
				b.Fatal(err)
			}
			acc.Grow(kt.Len())
			if err := acc.Update(ids, []arrow.Array{nil, bb.val, bb.val}, nil, nil); err != nil {
				b.Fatal(err)
			}
			for _, id := range ids {
				inWindow[id] = struct{}{}
			}
			if i%5 == 4 { // the window ends: emit it and free its state
				slots := make([]uint32, 0, len(inWindow))
				for id := range inWindow {
					slots = append(slots, id)
				}
				stateBytes = float64(acc.StateBytes()) / float64(len(slots))
				keyBytes = float64(kt.StateBytes()) / float64(len(slots))
				emitWindow(b, kt, acc, slots)
				clear(inWindow)
			}
		}
		b.StopTimer()
		reportRows(b, b.N*benchRows, cpu)
		if stateBytes > 0 {
			b.ReportMetric(stateBytes, "state-B/key")
			b.ReportMetric(keyBytes, "keys-B/key")
		}
	})
}

// emitWindow does what the engine does when a window fires: reads the
// results and keys of its slots, then resets the slots and releases the
// keys.
func emitWindow(b *testing.B, kt *KeyTable, acc *Accumulators, slots []uint32) {
	res, err := acc.Results(slots)
	if err != nil {
		b.Fatal(err)
	}
	keys, err := kt.Keys(slots)
	if err != nil {
		b.Fatal(err)
	}
	releaseAll(res)
	releaseAll(keys)
	for _, s := range slots {
		if err := acc.Reset(s); err != nil {
			b.Fatal(err)
		}
		if err := kt.Release(s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKeyTableLookup is Lookup alone, of keys already held.
func BenchmarkKeyTableLookup(b *testing.B) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	batches := benchBatches(mem)
	defer func() {
		for _, bb := range batches {
			bb.release()
		}
	}()
	ib := array.NewInt64Builder(mem)
	rng := rand.New(rand.NewPCG(1, 1))
	for range benchRows {
		ib.Append(int64(rng.IntN(benchKeys)) * 1_000_003)
	}
	ints := ib.NewArray()
	ib.Release()
	defer ints.Release()
	for _, c := range []struct {
		name  string
		types []arrow.DataType
		cols  []arrow.Array
	}{
		{"string", []arrow.DataType{tString}, []arrow.Array{batches[0].key}},
		{"int64", []arrow.DataType{tInt}, []arrow.Array{ints}},
		{"timestamp+string", []arrow.DataType{tTime, tString}, []arrow.Array{batches[0].window, batches[0].key}},
	} {
		b.Run(c.name, func(b *testing.B) {
			kt, err := NewKeyTable(mem, c.types)
			if err != nil {
				b.Fatal(err)
			}
			ids, err := kt.Lookup(c.cols, nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			cpu := cpuTime(b)
			for i := 0; i < b.N; i++ {
				if ids, err = kt.Lookup(c.cols, nil, ids); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			reportRows(b, b.N*benchRows, cpu)
		})
	}
}

// BenchmarkUpdate is Accumulators.Update alone for COUNT(*), SUM, AVG.
func BenchmarkUpdate(b *testing.B) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	batches := benchBatches(mem)
	defer func() {
		for _, bb := range batches {
			bb.release()
		}
	}()
	kt, err := NewKeyTable(mem, []arrow.DataType{tString})
	if err != nil {
		b.Fatal(err)
	}
	ids, err := kt.Lookup([]arrow.Array{batches[0].key}, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	acc, err := NewAccumulators(mem, benchSpecs)
	if err != nil {
		b.Fatal(err)
	}
	acc.Grow(kt.Len())
	args := []arrow.Array{nil, batches[0].val, batches[0].val}
	b.ResetTimer()
	cpu := cpuTime(b)
	for i := 0; i < b.N; i++ {
		if err := acc.Update(ids, args, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportRows(b, b.N*benchRows, cpu)
}
