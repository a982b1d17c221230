package delivery

import (
	"context"
	"fmt"

	"github.com/freshet/freshet/ingest"
)

// readRange reads the records of one shard with offsets from..to.
func readRange(ctx context.Context, store ingest.Store, stream string, rg shardRange, limit int, fn func([]ingest.Record) error) error {
	next := rg.From
	for next <= rg.To {
		res, err := store.ReadShard(ctx, stream, rg.Shard, next, limit)
		if err != nil {
			return fmt.Errorf("read stream %s shard %s: %w", stream, rg.Shard, err)
		}
		recs := res.Records
		for i, rec := range recs {
			if rec.Seq.Offset > rg.To {
				recs = recs[:i]
				break
			}
		}
		if len(recs) > 0 {
			if err := fn(recs); err != nil {
				return err
			}
			next = recs[len(recs)-1].Seq.Offset + 1
		}
		if len(recs) < len(res.Records) || len(res.Records) == 0 {
			return nil
		}
	}
	return nil
}
