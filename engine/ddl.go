package engine

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/freshet/freshet/engine/encode"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/sql"
)

func (e *Engine) createStream(ctx context.Context, s *sql.CreateStream) (*Result, error) {
	def := s.Def()
	if _, ok := e.catalog.Stream(def.Name); ok {
		if s.IfNotExists {
			return messageResult(fmt.Sprintf("Stream %s already exists.", def.Name)), nil
		}
		return nil, fmt.Errorf("create stream: stream %s already exists", def.Name)
	}
	hours := int(math.Ceil(def.Options.Retention.Hours()))
	if hours == 0 {
		hours = ingest.DefaultRetentionHours
	}
	err := e.store.CreateStream(ctx, ingest.CreateStreamInput{Name: def.Name, ShardCount: def.Options.Shards, RetentionHours: hours})
	if err != nil && !errors.Is(err, ingest.ErrInUse) {
		return nil, fmt.Errorf("create stream %s: %s", def.Name, ingest.Message(err))
	}
	if err := e.catalog.Create(def); err != nil {
		return nil, err
	}
	msg := fmt.Sprintf("Stream %s created.", def.Name)
	if err != nil { // the store already had it: SQL now describes an existing stream
		msg = fmt.Sprintf("Stream %s created over the existing stream of that name.", def.Name)
	}
	if def.Options.Archive != "" {
		e.mu.Lock()
		aerr := e.startArchive(def)
		e.mu.Unlock()
		if aerr != nil {
			e.catalog.Drop(def.Name)
			return nil, aerr
		}
		msg += fmt.Sprintf(" Archived to %s.", def.Options.Archive)
	}
	if ls := def.Options.LateStream; ls != "" {
		if _, ok := e.catalog.Stream(ls); !ok {
			// The late stream holds the source's own records, so it gets the
			// source's columns and format and can be queried the same way.
			late := &sql.StreamDef{Name: ls, Columns: def.Columns, Options: sql.DefaultStreamOptions()}
			late.Options.Format, late.Options.EventTime = def.Options.Format, def.Options.EventTime
			late.Options.PartitionKey = def.Options.PartitionKey
			if err := e.store.CreateStream(ctx, ingest.CreateStreamInput{Name: ls, ShardCount: 1, RetentionHours: hours}); err != nil && !errors.Is(err, ingest.ErrInUse) {
				return nil, fmt.Errorf("create late stream %s: %s", ls, ingest.Message(err))
			}
			if err := e.catalog.Create(late); err != nil {
				return nil, err
			}
			msg += fmt.Sprintf(" Late records go to the new stream %s.", ls)
		}
	}
	return messageResult(msg), nil
}

// alterStream changes a stream's archive options and restarts its delivery
// with them. A new archive URL starts from the oldest retained record.
func (e *Engine) alterStream(s *sql.AlterStream) (*Result, error) {
	def, ok := e.catalog.Stream(s.Name)
	if !ok {
		return nil, fmt.Errorf("alter stream: stream %s does not exist", s.Name)
	}
	opts, err := s.Apply(def)
	if err != nil {
		return nil, err
	}
	if opts.Archive != "" && e.opts.OpenArchive == nil {
		return nil, fmt.Errorf("alter stream %s: this engine has no object stores configured", s.Name)
	}
	next := &sql.StreamDef{Name: def.Name, Columns: def.Columns, Options: opts}
	e.stopArchive(def.Name, opts.Archive != def.Options.Archive)
	if err := e.catalog.Update(next); err != nil {
		return nil, err
	}
	e.mu.Lock()
	err = e.startArchive(next)
	e.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return messageResult(fmt.Sprintf("Stream %s altered: %s.", s.Name, strings.Join(s.Keys, ", "))), nil
}

func (e *Engine) dropStream(ctx context.Context, s *sql.DropStream) (*Result, error) {
	if _, ok := e.catalog.Stream(s.Name); !ok {
		if s.IfExists {
			return messageResult(fmt.Sprintf("Stream %s does not exist.", s.Name)), nil
		}
		return nil, fmt.Errorf("drop stream: stream %s does not exist", s.Name)
	}
	for _, q := range e.listQueries() {
		if q.source == s.Name || q.sink == s.Name {
			return nil, fmt.Errorf("drop stream %s: persistent query %s uses it; STOP QUERY %s first", s.Name, q.id, q.id)
		}
	}
	e.stopArchive(s.Name, true)
	if err := e.catalog.Drop(s.Name); err != nil {
		return nil, err
	}
	if err := e.store.DeleteStream(ctx, s.Name); err != nil && !errors.Is(err, ingest.ErrNotFound) {
		return nil, fmt.Errorf("drop stream %s: %w", s.Name, err)
	}
	// Its error stream goes with it: a stream created again under the name
	// numbers its records afresh, and old errors would shadow new ones.
	e.errorLog.forget(s.Name)
	if err := e.store.DeleteStream(ctx, errorStream(s.Name)); err != nil && !errors.Is(err, ingest.ErrNotFound) {
		return nil, fmt.Errorf("drop stream %s: %w", errorStream(s.Name), err)
	}
	return messageResult(fmt.Sprintf("Stream %s dropped.", s.Name)), nil
}

var showStreamsSchema = sql.Schema{
	{Name: "name", Type: sql.String}, {Name: "shards", Type: sql.Int64}, {Name: "format", Type: sql.String},
	{Name: "event_time", Type: sql.String}, {Name: "retention_hours", Type: sql.Int64}, {Name: "columns", Type: sql.String},
}

func (e *Engine) showStreams(ctx context.Context) (*Result, error) {
	var rows [][]sql.Value
	for _, d := range e.catalog.List() {
		open, hours := int64(d.Options.Shards), int64(d.Options.Retention.Hours())
		if desc, err := e.store.DescribeStream(ctx, d.Name); err == nil {
			open, hours = int64(desc.OpenShardCount), int64(desc.RetentionHours)
		}
		rows = append(rows, []sql.Value{str(d.Name), num(open), str(d.Options.Format), str(d.Options.EventTime), num(hours), str(d.Columns.String())})
	}
	rec, err := buildRecord(e.opts.Mem, showStreamsSchema, rows)
	if err != nil {
		return nil, err
	}
	return staticResult(showStreamsSchema, rec), nil
}

var describeSchema = sql.Schema{{Name: "field", Type: sql.String}, {Name: "value", Type: sql.String}}

func (e *Engine) describe(ctx context.Context, s *sql.Describe) (*Result, error) {
	if s.Dataset {
		return e.describeDataset(ctx, s.Name)
	}
	d, ok := e.catalog.Stream(s.Name)
	if !ok {
		return nil, fmt.Errorf("describe: stream %s does not exist", s.Name)
	}
	var rows [][]sql.Value
	add := func(k, v string) { rows = append(rows, []sql.Value{str(k), str(v)}) }
	for _, c := range d.Columns {
		add(c.Name, c.Type.String())
	}
	o := d.Options
	add("(format)", o.Format)
	add("(event time)", orDefault(o.EventTime, "arrival time"))
	add("(watermark delay)", o.WatermarkDelay.String())
	add("(idle timeout)", o.IdleTimeout.String())
	add("(partition key)", orDefault(o.PartitionKey, "hash of the row"))
	add("(late stream)", orDefault(o.LateStream, "none (late records are counted)"))
	if o.Archive != "" {
		add("(archive)", o.Archive)
		if st, ok := e.archiveStats(d.Name); ok {
			add("(archive delivered)", fmt.Sprintf("%d records in %d files", st.DeliveredRecords, st.Files))
			add("(archive lag)", fmt.Sprintf("%d records, %d ms", st.LagRecords, st.LagMillis))
			if st.LastError != "" {
				add("(archive last error)", st.LastError)
			}
		}
	}
	if desc, err := e.store.DescribeStream(ctx, d.Name); err == nil {
		add("(shards)", fmt.Sprintf("%d open, %d in all", desc.OpenShardCount, len(desc.Shards)))
		add("(retention)", fmt.Sprintf("%d h", desc.RetentionHours))
		add("(arn)", desc.ARN)
	}
	c := e.metrics.stream(d.Name)
	add("(records in)", strconv.FormatInt(c.recordsIn.Load(), 10))
	add("(decode errors)", strconv.FormatInt(c.decodeErrors.Load(), 10))
	add("(late records)", strconv.FormatInt(c.late.Load(), 10))
	if wm := c.watermark.Load(); wm > math.MinInt64 {
		add("(watermark)", time.UnixMilli(wm).UTC().Format(encode.TimeLayout))
	}
	rec, err := buildRecord(e.opts.Mem, describeSchema, rows)
	if err != nil {
		return nil, err
	}
	return staticResult(describeSchema, rec), nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (e *Engine) insertValues(ctx context.Context, s *sql.Insert) (*Result, error) {
	plan, err := sql.PlanInsert(s, e.catalog)
	if err != nil {
		return nil, err
	}
	def, _ := e.catalog.Stream(plan.Stream)
	entries, err := encodeRows(def, plan.Rows)
	if err != nil {
		return nil, err
	}
	for start := 0; start < len(entries); start += ingest.MaxPutRecordsEntries {
		end := min(start+ingest.MaxPutRecordsEntries, len(entries))
		if err := putAll(ctx, e.store, def.Name, entries[start:end]); err != nil {
			return nil, fmt.Errorf("insert into %s: %w", def.Name, err)
		}
	}
	return messageResult(fmt.Sprintf("%d row%s inserted into %s.", len(entries), plural(len(entries)), def.Name)), nil
}

// encodeRows encodes rows in a stream's format with their partition keys.
func encodeRows(def *sql.StreamDef, rows [][]sql.Value) ([]ingest.PutEntry, error) {
	names := def.Columns.Names()
	pk := -1
	if def.Options.PartitionKey != "" {
		pk = def.Columns.Index(def.Options.PartitionKey)
	}
	out := make([]ingest.PutEntry, 0, len(rows))
	for _, row := range rows {
		data, err := encode.Record(def.Options.Format, names, row)
		if err != nil {
			return nil, err
		}
		out = append(out, ingest.PutEntry{PartitionKey: partitionKey(row, pk, data), Data: data})
	}
	return out, nil
}

// partitionKey is the text of the partition-key column, or a hash of the
// encoded row (so equal rows go to the same shard).
func partitionKey(row []sql.Value, pk int, data []byte) string {
	if pk >= 0 {
		if k := encode.Text(row[pk]); k != "" {
			if len([]rune(k)) > ingest.MaxPartitionKeyLen {
				k = string([]rune(k)[:ingest.MaxPartitionKeyLen])
			}
			return k
		}
	}
	h := fnv.New64a()
	h.Write(data)
	return strconv.FormatUint(h.Sum64(), 16)
}

// putAll writes entries, retrying the ones that were throttled, until all
// are stored or ctx ends.
func putAll(ctx context.Context, store ingest.Store, stream string, entries []ingest.PutEntry) error {
	backoff := 10 * time.Millisecond
	for len(entries) > 0 {
		res, err := store.PutRecords(ctx, stream, entries)
		if err != nil {
			return err
		}
		var retry []ingest.PutEntry
		for i, r := range res {
			if r.Err != nil {
				if !errors.Is(r.Err, ingest.ErrThrottled) {
					return r.Err
				}
				retry = append(retry, entries[i])
			}
		}
		entries = retry
		if len(retry) > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, time.Second)
		}
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

var explainSchema = sql.Schema{{Name: "plan", Type: sql.String}}

func (e *Engine) explain(ctx context.Context, s *sql.Explain) (*Result, error) {
	var q *sql.Query
	var err error
	if s.Into != nil {
		q, err = sql.PlanInsertSelect(s.Into, e.catalog, e.fns)
	} else {
		q, err = sql.Plan(s.Query, e.planning(ctx), e.fns)
	}
	if err != nil {
		return nil, err
	}
	var rows [][]sql.Value
	for _, line := range strings.Split(strings.TrimRight(q.Explain(), "\n"), "\n") {
		rows = append(rows, []sql.Value{str(line)})
	}
	rec, err := buildRecord(e.opts.Mem, explainSchema, rows)
	if err != nil {
		return nil, err
	}
	return staticResult(explainSchema, rec), nil
}
