package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/freshet/freshet/engine/decode"
	"github.com/freshet/freshet/engine/eval"
	"github.com/freshet/freshet/output/delivery"
	"github.com/freshet/freshet/output/lake"
	"github.com/freshet/freshet/sql"
)

// archiver delivers one stream to its lake (archive = '…').
type archiver struct {
	runner *delivery.Runner
	cancel context.CancelFunc
	done   chan struct{}
}

// startArchive starts delivering a stream that names an archive. The caller
// holds e.mu.
func (e *Engine) startArchive(def *sql.StreamDef) error {
	o := def.Options
	if o.Archive == "" {
		return nil
	}
	if e.opts.OpenArchive == nil {
		return fmt.Errorf("archive %s: this engine has no object stores configured (Options.OpenArchive)", def.Name)
	}
	if e.opts.NoArchiveDelivery {
		return nil
	}
	if _, ok := e.archives[def.Name]; ok {
		return nil
	}
	objs, err := e.opts.OpenArchive(e.ctx, o.Archive)
	if err != nil {
		return fmt.Errorf("archive %s to %s: %w", def.Name, o.Archive, err)
	}
	format, err := decode.ParseFormat(o.Format)
	if err != nil {
		return err
	}
	cols := make([]decode.Column, len(def.Columns))
	for i, c := range def.Columns {
		t, err := eval.ArrowType(c.Type)
		if err != nil {
			return err
		}
		cols[i] = decode.Column{Name: c.Name, Type: t}
	}
	ckpt := ""
	if e.opts.Dir != "" {
		if err := os.MkdirAll(filepath.Join(e.opts.Dir, "archive"), 0o755); err != nil {
			return fmt.Errorf("archive %s: %w", def.Name, err)
		}
		ckpt = e.archiveCheckpoint(def.Name)
	}
	r, err := delivery.New(delivery.Config{
		Source: e.store, Stream: def.Name, Objects: objs, CheckpointPath: ckpt,
		Decode: decode.Options{Format: format, Columns: cols, EventTime: o.EventTime},
		Lake: lake.Config{PartitionBy: o.ArchivePartitionBy, Compression: o.ArchiveCompression,
			SSE: o.ArchiveSSE, SSEKMSKeyID: o.ArchiveSSEKMSKeyID},
		BufferBytes: o.ArchiveBufferSize, BufferInterval: o.ArchiveBufferInterval,
		WatermarkDelay: o.WatermarkDelay, IdleTimeout: o.IdleTimeout, Mem: e.opts.Mem,
	})
	if err != nil {
		return fmt.Errorf("archive %s: %w", def.Name, err)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	a := &archiver{runner: r, cancel: cancel, done: make(chan struct{})}
	e.archives[def.Name] = a
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer close(a.done)
		if err := r.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			e.log.Error("archive delivery stopped", "stream", def.Name, "err", err)
		}
	}()
	return nil
}

func (e *Engine) archiveCheckpoint(stream string) string {
	return filepath.Join(e.opts.Dir, "archive", stream+".json")
}

// stopArchive stops a stream's delivery; forget also drops its position
// (DROP STREAM). The caller must not hold e.mu.
func (e *Engine) stopArchive(stream string, forget bool) {
	e.mu.Lock()
	a := e.archives[stream]
	delete(e.archives, stream)
	e.mu.Unlock()
	if a == nil {
		return
	}
	a.cancel()
	<-a.done
	a.runner.Close()
	if forget && e.opts.Dir != "" {
		os.Remove(e.archiveCheckpoint(stream))
	}
}

// startArchives starts the delivery of every archived stream in the
// catalog. An engine without object stores (a backtest, a tool) leaves them
// to the server; a store that cannot be opened is logged, not fatal.
func (e *Engine) startArchives() error {
	if e.opts.OpenArchive == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, d := range e.catalog.List() {
		if err := e.startArchive(d); err != nil {
			e.log.Error("archive delivery not started", "stream", d.Name, "err", err)
		}
	}
	return nil
}

// ArchiveStats returns the delivery counters of every archived stream.
func (e *Engine) ArchiveStats() []delivery.Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]delivery.Stats, 0, len(e.archives))
	for _, a := range e.archives {
		out = append(out, a.runner.Stats())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Stream < out[j].Stream })
	return out
}

func (e *Engine) archiveStats(stream string) (delivery.Stats, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.archives[stream]
	if a == nil {
		return delivery.Stats{}, false
	}
	return a.runner.Stats(), true
}

// writeArchiveMetrics writes the lake delivery counters.
func (e *Engine) writeArchiveMetrics(w io.Writer) error {
	stats := e.ArchiveStats()
	var err error
	metric := func(name, help, typ string, get func(delivery.Stats) float64) {
		if err != nil {
			return
		}
		_, err = fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
		for _, s := range stats {
			if err == nil {
				_, err = fmt.Fprintf(w, "%s{stream=%q} %g\n", name, s.Stream, get(s))
			}
		}
	}
	metric("freshet_archive_delivered_records_total", "Records committed to the lake.", "counter", func(s delivery.Stats) float64 { return float64(s.DeliveredRecords) })
	metric("freshet_archive_files_total", "Parquet files written to the lake.", "counter", func(s delivery.Stats) float64 { return float64(s.Files) })
	metric("freshet_archive_stored_bytes_total", "Bytes stored in the lake.", "counter", func(s delivery.Stats) float64 { return float64(s.StoredBytes) })
	metric("freshet_archive_error_records_total", "Records that failed to convert (written to errors/).", "counter", func(s delivery.Stats) float64 { return float64(s.ErrorRecords) })
	metric("freshet_archive_errors_total", "Failed delivery attempts (retried).", "counter", func(s delivery.Stats) float64 { return float64(s.Errors) })
	metric("freshet_archive_lag_records", "Records in the stream not yet in the lake.", "gauge", func(s delivery.Stats) float64 { return float64(s.LagRecords) })
	metric("freshet_archive_lag_seconds", "Age of the oldest record read but not yet delivered.", "gauge", func(s delivery.Stats) float64 { return float64(s.LagMillis) / 1000 })
	return err
}
