package engine

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/google/renameio/v2"

	"github.com/freshet/freshet/engine/encode"
	"github.com/freshet/freshet/engine/exec"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/sql"
)

// checkpoint is a persistent query's state at one moment: where it read to,
// its operator state and watermark, and the output rows produced since the
// previous checkpoint, which are delivered only after the checkpoint is
// durable.
//
// Exactly once: results leave for the output stream only from a durable
// checkpoint. Before delivering, the checkpoint records each output shard's
// end (SinkFrom). If the process dies during delivery, recovery reads the
// output shards from there, counts which pending records already arrived
// (by partition key and bytes, as a multiset) and delivers only the rest.
// Input after the checkpoint is read again and produces the same state
// anew, so the output stream gets every result once.
//
// A checkpoint is stored gob-encoded (the pending output is raw bytes, not
// base64 as JSON would make it) in checkpoints/<query>.ckpt, replaced
// atomically.
type checkpoint struct {
	Version   int
	Position  position
	Tracker   []byte
	Watermark int64
	Pipeline  []byte
	Pending   []pendingRecord
	SinkFrom  map[string]uint64
	Delivered bool
	In        int64
	Out       int64
	Late      int64
	Errors    int64
	Time      time.Time
}

type pendingRecord struct {
	Key  string
	Data []byte
}

func (e *Engine) checkpointPath(id string) string {
	return filepath.Join(e.opts.Dir, "checkpoints", id+".ckpt")
}

func (e *Engine) saveCheckpoint(id string, c *checkpoint) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(c); err != nil {
		return fmt.Errorf("checkpoint %s: %w", id, err)
	}
	b := buf.Bytes()
	if e.opts.Dir == "" {
		e.ckMu.Lock()
		if e.memCheckpoints == nil {
			e.memCheckpoints = map[string][]byte{}
		}
		e.memCheckpoints[id] = b
		e.ckMu.Unlock()
		return nil
	}
	if err := renameio.WriteFile(e.checkpointPath(id), b, 0o644); err != nil {
		return fmt.Errorf("checkpoint %s: %w", id, err)
	}
	return nil
}

func (e *Engine) loadCheckpoint(id string) (*checkpoint, error) {
	var b []byte
	if e.opts.Dir == "" {
		e.ckMu.Lock()
		b = e.memCheckpoints[id]
		e.ckMu.Unlock()
		if b == nil {
			return nil, nil
		}
	} else {
		var err error
		b, err = os.ReadFile(e.checkpointPath(id))
		if os.IsNotExist(err) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("load checkpoint %s: %w", id, err)
		}
	}
	var c checkpoint
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&c); err != nil {
		return nil, fmt.Errorf("load checkpoint %s: %w", id, err)
	}
	if c.Version != 1 {
		return nil, fmt.Errorf("load checkpoint %s: unknown version %d", id, c.Version)
	}
	return &c, nil
}

func (e *Engine) dropCheckpoint(id string) {
	if e.opts.Dir == "" {
		e.ckMu.Lock()
		delete(e.memCheckpoints, id)
		e.ckMu.Unlock()
		return
	}
	os.Remove(e.checkpointPath(id))
}

// streamSink runs a persistent query into its output stream.
type streamSink struct {
	e       *Engine
	def     *sql.StreamDef
	query   string
	stats   *queryStats
	pending []pendingRecord
}

// run drives the query (already restored) until ctx ends.
func (s *streamSink) run(ctx context.Context, r *queryRun) error {
	names := s.def.Columns.Names()
	pk := -1
	if s.def.Options.PartitionKey != "" {
		pk = s.def.Columns.Index(s.def.Options.PartitionKey)
	}
	emit := func(b exec.Batch) error {
		defer b.Release()
		for i := 0; i < b.Rows(); i++ {
			row, err := encode.Row(b.Rec, i)
			if err != nil {
				return err
			}
			data, err := encode.Record(s.def.Options.Format, names, row)
			if err != nil {
				return err
			}
			s.pending = append(s.pending, pendingRecord{Key: partitionKey(row, pk, data), Data: data})
		}
		return nil
	}
	last := s.e.opts.Now()
	lastLag := time.Time{}
	dirty := false
	for {
		if ctx.Err() != nil {
			if dirty {
				// A clean stop checkpoints, so a restart repeats nothing.
				return s.checkpoint(context.Background(), r)
			}
			return ctx.Err()
		}
		_, read, err := r.step(ctx, emit)
		if err != nil {
			if ctx.Err() != nil {
				continue
			}
			return err
		}
		dirty = dirty || read || len(s.pending) > 0
		if now := time.Now(); now.Sub(lastLag) >= time.Second || !read {
			if n, err := r.reader.lag(ctx); err == nil {
				r.stats.lag.Store(n)
			}
			lastLag = now
		}
		if now := s.e.opts.Now(); dirty && now.Sub(last) >= s.e.opts.CheckpointInterval {
			if err := s.checkpoint(ctx, r); err != nil {
				return err
			}
			last, dirty = now, false
		}
		if !read {
			select {
			case <-ctx.Done():
			case <-time.After(s.e.opts.PollInterval):
			}
		}
	}
}

// checkpoint saves the query's state with the pending output, delivers
// the output, and marks it delivered.
func (s *streamSink) checkpoint(ctx context.Context, r *queryRun) error {
	tr, err := r.tracker.MarshalBinary()
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", s.query, err)
	}
	pipe, err := r.pipe.Snapshot()
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", s.query, err)
	}
	c := &checkpoint{
		Version: 1, Position: r.reader.position(), Tracker: tr, Watermark: r.wm, Pipeline: pipe,
		Pending: s.pending, In: r.stats.recordsIn.Load(), Out: r.stats.recordsOut.Load() + int64(len(s.pending)),
		Late: r.stats.late.Load(), Errors: r.stats.decodeErrors.Load(), Time: s.e.opts.Now(),
	}
	if len(c.Pending) > 0 {
		if c.SinkFrom, err = s.sinkEnds(ctx); err != nil {
			return err
		}
	} else {
		c.Delivered = true
	}
	if err := s.e.saveCheckpoint(s.query, c); err != nil {
		return err
	}
	if len(c.Pending) > 0 {
		if err := s.deliver(ctx, c.Pending); err != nil {
			return err
		}
		c.Pending, c.SinkFrom, c.Delivered = nil, nil, true
		if err := s.e.saveCheckpoint(s.query, c); err != nil {
			return err
		}
	}
	r.stats.recordsOut.Store(c.Out)
	r.stats.lastCheckpoint.Store(c.Time.UnixMilli())
	s.pending = nil
	return nil
}

// sinkEnds returns the current end of every shard of the output stream.
func (s *streamSink) sinkEnds(ctx context.Context) (map[string]uint64, error) {
	d, err := s.e.store.DescribeStream(ctx, s.def.Name)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: output stream: %w", s.query, err)
	}
	out := map[string]uint64{}
	for _, sh := range d.Shards {
		off, err := s.e.store.ShardPosition(ctx, s.def.Name, sh.ID, ingest.IteratorSpec{Type: ingest.Latest})
		if err != nil {
			return nil, fmt.Errorf("checkpoint %s: output stream: %w", s.query, err)
		}
		out[sh.ID] = off
	}
	return out, nil
}

func (s *streamSink) deliver(ctx context.Context, recs []pendingRecord) error {
	for start := 0; start < len(recs); {
		end, size := start, 0
		for end < len(recs) && end-start < ingest.MaxPutRecordsEntries && size+len(recs[end].Data)+len(recs[end].Key) <= ingest.MaxPutRecordsBytes/2 {
			size += len(recs[end].Data) + len(recs[end].Key)
			end++
		}
		if end == start {
			end++
		}
		entries := make([]ingest.PutEntry, 0, end-start)
		for _, p := range recs[start:end] {
			entries = append(entries, ingest.PutEntry{PartitionKey: p.Key, Data: p.Data})
		}
		if err := s.retryPut(ctx, entries); err != nil {
			return fmt.Errorf("query %s: deliver to %s: %w", s.query, s.def.Name, err)
		}
		start = end
	}
	return nil
}

// retryPut writes entries, retrying with backoff while the store fails
// (nothing is dropped: the query waits).
func (s *streamSink) retryPut(ctx context.Context, entries []ingest.PutEntry) error {
	backoff := 50 * time.Millisecond
	for {
		err := putAll(ctx, s.e.store, s.def.Name, entries)
		if err == nil || errors.Is(err, ingest.ErrNotFound) || errors.Is(err, ingest.ErrValidation) || errors.Is(err, ingest.ErrInvalidArgument) {
			return err
		}
		s.e.log.Warn("output stream write failed; retrying", "query", s.query, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// restore resumes from the query's checkpoint, finishing an interrupted
// delivery first.
func (s *streamSink) restore(ctx context.Context, r *queryRun) error {
	c, err := s.e.loadCheckpoint(s.query)
	if err != nil || c == nil {
		return err
	}
	r.reader.restore(c.Position)
	if err := r.tracker.UnmarshalBinary(c.Tracker); err != nil {
		return fmt.Errorf("restore %s: %w", s.query, err)
	}
	if err := r.pipe.Restore(c.Pipeline); err != nil {
		return fmt.Errorf("restore %s: %w", s.query, err)
	}
	r.wm = c.Watermark
	r.stats.watermark.Store(c.Watermark)
	r.stats.recordsIn.Store(c.In)
	r.stats.recordsOut.Store(c.Out)
	r.stats.late.Store(c.Late)
	r.stats.decodeErrors.Store(c.Errors)
	r.stats.lastCheckpoint.Store(c.Time.UnixMilli())
	if c.Delivered || len(c.Pending) == 0 {
		return nil
	}
	rest, err := s.undelivered(ctx, c)
	if err != nil {
		return err
	}
	if err := s.deliver(ctx, rest); err != nil {
		return err
	}
	c.Pending, c.SinkFrom, c.Delivered = nil, nil, true
	return s.e.saveCheckpoint(s.query, c)
}

// undelivered returns the pending records of c that are not yet in the
// output stream past c.SinkFrom.
func (s *streamSink) undelivered(ctx context.Context, c *checkpoint) ([]pendingRecord, error) {
	d, err := s.e.store.DescribeStream(ctx, s.def.Name)
	if err != nil {
		return nil, fmt.Errorf("restore %s: output stream: %w", s.query, err)
	}
	arrived := map[string]int{}
	for _, sh := range d.Shards {
		from, ok := c.SinkFrom[sh.ID]
		if !ok {
			from = 1 // a shard created since: everything in it is new
		}
		for {
			res, err := s.e.store.ReadShard(ctx, s.def.Name, sh.ID, from, ingest.MaxGetRecordsLimit)
			if err != nil {
				return nil, fmt.Errorf("restore %s: read output stream: %w", s.query, err)
			}
			for _, rec := range res.Records {
				arrived[rec.PartitionKey+"\x00"+string(rec.Data)]++
			}
			if len(res.Records) == 0 {
				break
			}
			from = res.NextOffset
		}
	}
	var rest []pendingRecord
	for _, p := range c.Pending {
		k := p.Key + "\x00" + string(p.Data)
		if arrived[k] > 0 {
			arrived[k]--
			continue
		}
		rest = append(rest, p)
	}
	return rest, nil
}
