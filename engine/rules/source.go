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
// whole history — what their archives hold and what they retain — as a
// server running at the tick would have seen it.
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

// History evaluates rules over the streams' history as a server running
// at the tick would have: NOW() = at, and only the records that had
// arrived by then with an event time at or before it. For a stream with an
// archive the history is the archived records that retention has dropped
// and then the retained ones, each record once (engine.ExecOptions.History);
// for one without, the retained records. Gaps tells which records neither
// holds. The Engine needs its object stores (engine.Options.OpenArchive)
// for the archives.
type History struct{ Engine *engine.Engine }

// Query implements Source.
func (h History) Query(ctx context.Context, stmt sql.Statement, at time.Time) (*engine.Result, error) {
	return h.Engine.ExecuteStatement(ctx, stmt, engine.ExecOptions{Now: at, EventTimeUntil: at, History: true})
}

// Gaps returns the records of a stream that History cannot see, neither
// retained nor archived (see engine.HistoryGaps), and whether the stream
// has an archive.
func (h History) Gaps(ctx context.Context, stream string) (gaps []engine.HistoryGap, archived bool, err error) {
	def, ok := h.Engine.Catalog().Stream(stream)
	if !ok {
		return nil, false, fmt.Errorf("history of %s: the stream does not exist", stream)
	}
	gaps, err = h.Engine.HistoryGaps(ctx, stream)
	return gaps, def.Options.Archive != "", err
}

// row is one result row of a rule's query: its text columns as labels and
// its numeric columns as values.
type row struct {
	labels map[string]string
	values map[string]float64
	value  *float64 // the first numeric column, if not NULL
}

// historyAttempts is how many times a query is run when retention drops
// records while a history query reads them (engine.ErrHistoryTrimmed):
// each run takes a fresh view, and retention moves rarely.
const historyAttempts = 3

// query runs a rule's SQL at a tick and reads its rows.
func query(ctx context.Context, src Source, text string, at time.Time) ([]row, error) {
	for attempt := 1; ; attempt++ {
		rows, err := queryOnce(ctx, src, text, at)
		if attempt < historyAttempts && errors.Is(err, engine.ErrHistoryTrimmed) {
			continue
		}
		return rows, err
	}
}

// queryOnce runs a rule's SQL at a tick once and reads its rows.
func queryOnce(ctx context.Context, src Source, text string, at time.Time) ([]row, error) {
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
