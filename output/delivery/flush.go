package delivery

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/lineage"
	"github.com/freshet/freshet/output/lake"
)

func (r *Runner) step(ctx context.Context) error {
	r.progressed = false
	if r.pend == nil && r.cp.Pending != nil {
		if err := r.recover(ctx); err != nil {
			return err
		}
	}
	if r.pend != nil {
		if err := r.writePending(ctx); err != nil {
			return err
		}
		r.progressed = true
	}
	if r.bufBytes < r.cfg.BufferBytes {
		moved, _, err := r.rd.Poll(ctx, r.add)
		if err != nil {
			return err
		}
		r.progressed = r.progressed || moved
	}
	now := r.cfg.Now()
	if len(r.ranges) > 0 && (r.bufBytes >= r.cfg.BufferBytes || now.Sub(r.bufSince) >= r.cfg.BufferInterval) {
		if err := r.startFlush(); err != nil {
			return err
		}
		if err := r.writeOverlapped(ctx); err != nil {
			return err
		}
		r.progressed = true
	}
	if err := r.markHours(ctx, now); err != nil {
		return err
	}
	lag, err := lineage.Lag(ctx, r.cfg.Source, r.cfg.Stream, r.cp.Position)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.stats.LagRecords = lag
	r.stats.BufferedRecords, r.stats.BufferedBytes = r.bufRows, r.bufBytes
	oldest := r.oldest
	if r.pend != nil && (oldest == 0 || r.pendOld < oldest) {
		oldest = r.pendOld
	}
	r.stats.LagMillis = 0
	if oldest > 0 {
		r.stats.LagMillis = max(0, now.UnixMilli()-oldest)
	}
	r.mu.Unlock()
	return nil
}

// add decodes one page of a shard into the buffer.
func (r *Runner) add(shard string, recs []ingest.Record) error {
	b, err := r.decodeBatch(shard, recs)
	if err != nil {
		return err
	}
	now := r.cfg.Now()
	if len(r.ranges) == 0 {
		r.bufSince = now
		r.oldest = 0
	}
	r.buf = append(r.buf, b)
	for _, rec := range recs {
		r.bufBytes += int64(len(rec.Data) + len(rec.PartitionKey))
		if a := rec.Arrival.UnixMilli(); r.oldest == 0 || a < r.oldest {
			r.oldest = a
		}
	}
	r.bufRows += int64(len(recs))
	rg := r.ranges[shard]
	if rg == nil {
		rg = &shardRange{Shard: shard, From: recs[0].Seq.Offset}
		r.ranges[shard] = rg
	}
	rg.To = recs[len(recs)-1].Seq.Offset
	for _, ms := range b.EventTimes {
		if cur, ok := r.maxEvent[shard]; !ok || ms > cur {
			r.maxEvent[shard] = ms
		}
	}
	r.lastRead[shard] = now
	return nil
}

// decodeBatch decodes recs and notes the arrival time of each record
// that fails to decode.
func (r *Runner) decodeBatch(shard string, recs []ingest.Record) (lake.Batch, error) {
	b, err := r.dec.Decode(shard, recs)
	if err != nil {
		return lake.Batch{}, fmt.Errorf("decode %s %s: %w", r.cfg.Stream, shard, err)
	}
	lb := lake.Batch{Shard: shard, Batch: b}
	j := 0
	for _, e := range b.Errors {
		for j < len(recs) && recs[j].Seq != e.Seq {
			j++
		}
		var ms int64
		if j < len(recs) {
			ms = recs[j].Arrival.UnixMilli()
		}
		lb.ErrorArrivals = append(lb.ErrorArrivals, ms)
	}
	return lb, nil
}

// startFlush turns the buffer into a pending flush and records its ranges
// in the checkpoint before anything is uploaded.
func (r *Runner) startFlush() error {
	p := &pending{Next: r.rd.Position(), MaxEvent: map[string]int64{}}
	for s, ms := range r.maxEvent {
		p.MaxEvent[s] = ms
	}
	for _, rg := range r.ranges {
		p.Ranges = append(p.Ranges, *rg)
	}
	sort.Slice(p.Ranges, func(i, j int) bool { return p.Ranges[i].Shard < p.Ranges[j].Shard })
	r.cp.Pending = p
	if err := r.cp.save(r.cfg.CheckpointPath); err != nil {
		r.cp.Pending = nil
		return err
	}
	r.pend, r.pendBufs, r.pendBytes, r.pendOld = p, r.buf, r.bufBytes, r.oldest
	r.buf, r.bufBytes, r.bufRows, r.oldest = nil, 0, 0, 0
	r.ranges = map[string]*shardRange{}
	return nil
}

// recover rebuilds the pending flush of a checkpoint from exactly its
// ranges, so that redoing it stores the same keys with the same bytes.
func (r *Runner) recover(ctx context.Context) error {
	p := r.cp.Pending
	var bufs []lake.Batch
	var bytes int64
	for _, rg := range p.Ranges {
		err := readRange(ctx, r.cfg.Source, r.cfg.Stream, rg, r.cfg.ReadLimit, func(recs []ingest.Record) error {
			b, err := r.decodeBatch(rg.Shard, recs)
			if err != nil {
				return err
			}
			bufs = append(bufs, b)
			for _, rec := range recs {
				bytes += int64(len(rec.Data) + len(rec.PartitionKey))
			}
			return nil
		})
		if err != nil {
			releaseAll(bufs)
			return fmt.Errorf("recover pending delivery: %w", err)
		}
	}
	r.pend, r.pendBufs, r.pendBytes = p, bufs, bytes
	return nil
}

// writePending stores the pending flush and then commits it: the
// checkpoint moves past its records only after every object is stored.
func (r *Runner) writePending(ctx context.Context) error {
	res, err := r.writer.Write(ctx, r.pendBufs)
	if err != nil {
		return err
	}
	return r.commit(res)
}

type writeResult struct {
	res lake.Result
	err error
}

// writeOverlapped stores the pending flush in the background while it
// keeps reading the next records into the buffer (up to its size), then
// commits. Encoding and uploading one flush while decoding the next keeps
// both cores busy. It returns only once the write has ended.
func (r *Runner) writeOverlapped(ctx context.Context) error {
	done := make(chan writeResult, 1)
	bufs := r.pendBufs
	go func() {
		res, err := r.writer.Write(ctx, bufs)
		done <- writeResult{res, err}
	}()
	var readErr error
	var wr writeResult
	received := false
	for r.bufBytes < r.cfg.BufferBytes && !received {
		moved, _, err := r.rd.Poll(ctx, r.add)
		if err != nil {
			readErr = err
			break
		}
		if !moved {
			break
		}
		select {
		case wr = <-done:
			received = true
		default:
		}
	}
	if !received {
		wr = <-done
	}
	if wr.err != nil {
		return wr.err // the flush stays pending; the next step retries it
	}
	if err := r.commit(wr.res); err != nil {
		return err
	}
	return readErr
}

// commit moves the checkpoint past the pending flush once it is stored.
func (r *Runner) commit(res lake.Result) error {
	if r.afterWrite != nil {
		if err := r.afterWrite(); err != nil {
			return err
		}
	}
	p := r.pend
	prev := r.cp
	r.cp.Position, r.cp.Started, r.cp.MaxEvent, r.cp.Pending = p.Next.Clone(), true, p.MaxEvent, nil
	for _, h := range res.Hours {
		if !slices.Contains(r.cp.OpenHours, h) {
			r.cp.OpenHours = append(slices.Clone(r.cp.OpenHours), h)
		}
	}
	if err := r.cp.save(r.cfg.CheckpointPath); err != nil {
		r.cp = prev
		return err
	}
	var rows int64
	for _, b := range r.pendBufs {
		rows += int64(len(b.Errors))
		if b.Record != nil {
			rows += b.Record.NumRows()
		}
	}
	r.mu.Lock()
	r.stats.DeliveredRecords += rows
	r.stats.DeliveredBytes += r.pendBytes
	r.stats.Rows += int64(res.Rows)
	r.stats.ErrorRecords += int64(res.ErrorRows)
	r.stats.Files += int64(len(res.Files) + len(res.ErrorFiles))
	r.stats.StoredBytes += res.Bytes
	r.stats.LastDelivery = r.cfg.Now()
	r.mu.Unlock()
	releaseAll(r.pendBufs)
	r.pend, r.pendBufs, r.pendBytes, r.pendOld = nil, nil, 0, 0
	return nil
}

// watermark is the minimum over the non-idle, unfinished shards of the
// largest event time delivered, less the watermark delay; with every shard
// idle it is the largest event time delivered. ok is false while a
// non-idle shard has delivered nothing.
func (r *Runner) watermark(now time.Time) (int64, bool) {
	var wm, top int64
	have, any := false, false
	for _, c := range r.cp.Position.Active {
		ms, delivered := r.cp.MaxEvent[c.Shard]
		if delivered {
			any = true
			top = max(top, ms)
		}
		last, ok := r.lastRead[c.Shard]
		if !ok {
			last = r.started
		}
		if now.Sub(last) >= r.cfg.IdleTimeout {
			continue
		}
		if !delivered {
			return 0, false
		}
		if !have || ms < wm {
			wm, have = ms, true
		}
	}
	if !have {
		if !any {
			return 0, false
		}
		wm = top
	}
	return wm - r.cfg.WatermarkDelay.Milliseconds(), true
}

// markHours writes the _SUCCESS marker of every open hour partition the
// watermark has passed.
func (r *Runner) markHours(ctx context.Context, now time.Time) error {
	if len(r.cp.OpenHours) == 0 {
		return nil
	}
	wm, ok := r.watermark(now)
	if !ok {
		return nil
	}
	var keep []string
	marked := 0
	for _, h := range r.cp.OpenHours {
		start, err := lake.HourOf(h)
		if err != nil || start.Add(time.Hour).UnixMilli() > wm {
			keep = append(keep, h)
			continue
		}
		if err := r.writer.MarkComplete(ctx, h); err != nil {
			return err
		}
		marked++
	}
	if marked == 0 {
		return nil
	}
	prev := r.cp.OpenHours
	r.cp.OpenHours = keep
	if err := r.cp.save(r.cfg.CheckpointPath); err != nil {
		r.cp.OpenHours = prev
		return err
	}
	r.mu.Lock()
	r.stats.Markers += int64(marked)
	r.mu.Unlock()
	return nil
}
