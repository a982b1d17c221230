package rules

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/engine/encode"
	"github.com/freshet/freshet/sql"
)

// Source answers a rule's query at a tick: it runs a snapshot SELECT with
// NOW() bound to at. It is the one seam between rules and where data comes
// from: Live reads the streams as they are; History reads the streams'
// retained records as a server running at the tick would have seen them.
// When the lake (the Parquet archive) exists, a history that also reads
// the archive implements the same interface.
type Source interface {
	Query(ctx context.Context, stmt sql.Statement, at time.Time) (*engine.Result, error)
}

// Live evaluates rules against the streams now: NOW() = at, and the
// records that had arrived by then.
type Live struct{ Engine *engine.Engine }

// Query implements Source.
func (l Live) Query(ctx context.Context, stmt sql.Statement, at time.Time) (*engine.Result, error) {
	return l.Engine.ExecuteStatement(ctx, stmt, engine.ExecOptions{Now: at})
}

// History evaluates rules over the streams' retained records as a server
// running at the tick would have: NOW() = at, and only the records that
// had arrived by then with an event time at or before it. What retention
// has dropped is gone; History cannot see it (Retained tells from when it
// can).
type History struct{ Engine *engine.Engine }

// Query implements Source.
func (h History) Query(ctx context.Context, stmt sql.Statement, at time.Time) (*engine.Result, error) {
	return h.Engine.ExecuteStatement(ctx, stmt, engine.ExecOptions{Now: at, EventTimeUntil: at})
}

// Retained returns when the oldest retained record of a stream arrived
// and whether retention has dropped older ones (then ticks before oldest
// see less than the server saw).
func (h History) Retained(ctx context.Context, stream string) (oldest time.Time, trimmed bool, err error) {
	store := h.Engine.Store()
	d, err := store.DescribeStream(ctx, stream)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("describe stream %s: %w", stream, err)
	}
	ids := map[string]bool{}
	for _, sh := range d.Shards {
		ids[sh.ID] = true
	}
	for _, sh := range d.Shards {
		if sh.ParentShardID != "" && !ids[sh.ParentShardID] {
			trimmed = true // an expired parent shard is gone
		}
		res, err := store.ReadShard(ctx, stream, sh.ID, 0, 1)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("read stream %s: %w", stream, err)
		}
		if len(res.Records) > 0 {
			r := res.Records[0]
			if r.Seq.Offset > 1 {
				trimmed = true
			}
			if oldest.IsZero() || r.Arrival.Before(oldest) {
				oldest = r.Arrival
			}
		}
	}
	return oldest, trimmed, nil
}

// row is one result row of a rule's query: its text columns as labels and
// its numeric columns as values.
type row struct {
	labels map[string]string
	values map[string]float64
	value  *float64 // the first numeric column, if not NULL
}

// query runs a rule's SQL at a tick and reads its rows.
func query(ctx context.Context, src Source, text string, at time.Time) ([]row, error) {
	stmt, err := sql.ParseOne(text) // parsed afresh: planning may annotate the tree
	if err != nil {
		return nil, err
	}
	res, err := src.Query(ctx, stmt, at)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	var rows []row
	for {
		rec, err := res.Next(ctx)
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			vals, err := encode.Row(rec, i)
			if err != nil {
				rec.Release()
				return nil, fmt.Errorf("read result: %w", err)
			}
			rows = append(rows, makeRow(res.Columns, vals))
		}
		rec.Release()
	}
}

func makeRow(cols sql.Schema, vals []sql.Value) row {
	r := row{labels: map[string]string{}, values: map[string]float64{}}
	for j, c := range cols {
		v := vals[j]
		if v.IsNull() {
			continue
		}
		if isValue(c.Type) {
			f := v.Float
			if c.Type == sql.Int64 {
				f = float64(v.Int)
			}
			r.values[c.Name] = f
			if r.value == nil && j == firstValue(cols) {
				r.value = &f
			}
			continue
		}
		if s := encode.Text(v); s != "" {
			r.labels[c.Name] = s
		}
	}
	return r
}

func firstValue(cols sql.Schema) int {
	for j, c := range cols {
		if isValue(c.Type) {
			return j
		}
	}
	return -1
}

// streamOf names the stream a rule reads ("" when its SQL does not parse
// or reads the archive).
func streamOf(text string) string {
	stmt, err := sql.ParseOne(text)
	if err != nil {
		return ""
	}
	sel, ok := stmt.(*sql.Select)
	if !ok || sel.From.Archive {
		return ""
	}
	return sel.From.Stream
}
