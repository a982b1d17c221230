package engine

import (
	"context"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/lineage"
)

// position is a query's place in its source stream, kept in checkpoints.
type position = lineage.Position

// page is what one read of one shard gave.
type page struct {
	shard   string
	records []ingest.Record
}

// shardReader reads the query's source stream in lineage order (parents
// before children) through lineage.Reader. until bounds a snapshot's input
// by arrival time; latest starts a push query at the end of the shards.
type shardReader struct {
	rd     *lineage.Reader
	until  int64
	latest bool
}

func newShardReader(store ingest.Store, stream string, limit int) *shardReader {
	return &shardReader{rd: lineage.New(store, stream, limit)}
}

func (r *shardReader) position() position { return r.rd.Position() }

func (r *shardReader) restore(p position) { r.rd.Restore(p, true) }

// poll reads one page from every shard being read; it reports whether a
// bounded input is exhausted.
func (r *shardReader) poll(ctx context.Context, fn func(p page) error) (done bool, err error) {
	r.rd.Until, r.rd.Latest = r.until, r.latest
	_, done, err = r.rd.Poll(ctx, func(shard string, recs []ingest.Record) error {
		return fn(page{shard: shard, records: recs})
	})
	return done, err
}

// lag counts the records between the reader and the shards' ends.
func (r *shardReader) lag(ctx context.Context) (int64, error) { return r.rd.Lag(ctx) }
