package repl

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/engine/encode"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/sql"
)

// Embedded runs statements on an engine in this process. The caller opens
// and closes the engine and its store.
type Embedded struct {
	eng  *engine.Engine
	desc string
}

var (
	_ Backend = (*Embedded)(nil)
	_ Tailer  = (*Embedded)(nil)
)

// NewEmbedded returns a backend over eng; desc says where its data lives
// ("./freshet-data"), for the banner.
func NewEmbedded(eng *engine.Engine, desc string) *Embedded {
	return &Embedded{eng: eng, desc: desc}
}

// String implements Backend.
func (e *Embedded) String() string { return "embedded engine over " + e.desc }

// Exec implements Backend.
func (e *Embedded) Exec(ctx context.Context, text string, opts ExecOptions, out ResultWriter) error {
	stmt, err := sql.ParseOne(text)
	if err != nil {
		return err
	}
	res, err := e.eng.ExecuteStatement(ctx, stmt, engine.ExecOptions{FromEarliest: opts.FromEarliest,
		EventTimeFrom: opts.EventTimeFrom, EventTimeUntil: opts.EventTimeUntil, Progress: opts.Progress})
	if err != nil {
		return err
	}
	defer res.Close()
	if res.Columns != nil {
		if err := writeRows(ctx, res, out); err != nil {
			return err
		}
	}
	if res.Message != "" {
		return out.Message(res.Message)
	}
	return nil
}

// writeRows copies a result's rows to out, batch by batch.
func writeRows(ctx context.Context, res *engine.Result, out ResultWriter) error {
	if err := out.Columns(res.Columns.Names(), res.Kind == sql.Push); err != nil {
		return err
	}
	cells := make([]Cell, len(res.Columns))
	for {
		rec, err := res.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row, err := encode.Row(rec, i)
			if err != nil {
				rec.Release()
				return fmt.Errorf("read row: %w", err)
			}
			for j, v := range row {
				cells[j] = valueCell(v)
			}
			if err := out.Row(cells); err != nil {
				rec.Release()
				return err
			}
		}
		rec.Release()
		if err := out.Flush(); err != nil {
			return err
		}
	}
}

// valueCell converts an engine value.
func valueCell(v sql.Value) Cell {
	if v.IsNull() {
		return NullCell()
	}
	return Cell{Text: encode.Text(v), JSON: string(encode.AppendJSONValue(nil, v))}
}

// Tail implements Tailer: it reads the newest n records of every shard
// straight from the store and keeps the newest n overall, by arrival.
func (e *Embedded) Tail(ctx context.Context, stream string, n int, out ResultWriter) error {
	store := e.eng.Store()
	desc, err := store.DescribeStream(ctx, stream)
	if err != nil {
		return fmt.Errorf("tail %s: %s", stream, ingest.Message(err))
	}
	type rec struct {
		shard string
		r     ingest.Record
	}
	var recs []rec
	for _, sh := range desc.Shards {
		first, err := store.ShardPosition(ctx, stream, sh.ID, ingest.IteratorSpec{Type: ingest.TrimHorizon})
		if err != nil {
			return fmt.Errorf("tail %s: %w", stream, err)
		}
		end, err := store.ShardPosition(ctx, stream, sh.ID, ingest.IteratorSpec{Type: ingest.Latest})
		if err != nil {
			return fmt.Errorf("tail %s: %w", stream, err)
		}
		from := first
		if end > first+uint64(n) {
			from = end - uint64(n)
		}
		for from < end {
			page, err := store.ReadShard(ctx, stream, sh.ID, from, min(n, ingest.MaxGetRecordsLimit))
			if err != nil {
				return fmt.Errorf("tail %s: %w", stream, err)
			}
			if len(page.Records) == 0 {
				break
			}
			for _, r := range page.Records {
				recs = append(recs, rec{sh.ID, r})
			}
			from = page.NextOffset
		}
	}
	sort.SliceStable(recs, func(i, j int) bool {
		a, b := recs[i].r, recs[j].r
		if !a.Arrival.Equal(b.Arrival) {
			return a.Arrival.Before(b.Arrival)
		}
		return a.SequenceNumber() < b.SequenceNumber()
	})
	if len(recs) > n {
		recs = recs[len(recs)-n:]
	}
	if err := out.Columns([]string{"arrival", "shard", "sequence", "partition_key", "data"}, false); err != nil {
		return err
	}
	for _, r := range recs {
		err := out.Row([]Cell{
			TextCell(r.r.Arrival.UTC().Format(encode.TimeLayout)),
			TextCell(r.shard),
			TextCell(r.r.SequenceNumber()),
			TextCell(r.r.PartitionKey),
			TextCell(printable(r.r.Data)),
		})
		if err != nil {
			return err
		}
	}
	return out.Flush()
}

// printable shows record data as text when it is printable UTF-8, else as
// base64 with a "base64:" prefix.
func printable(b []byte) string {
	s := string(b)
	if utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) && r != '\t' }) < 0 {
		return s
	}
	return "base64:" + base64.StdEncoding.EncodeToString(b)
}
