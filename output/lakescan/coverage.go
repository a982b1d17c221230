package lakescan

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/metadata"

	"github.com/freshet/freshet/engine/decode"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/lake"
)

// Span is the run of one shard's records that a lake file holds, by the
// sequence numbers in its name: a data file, or an error file (records
// that failed to decode). Every record delivered is in a file whose span
// contains it, so the union of a shard's spans is what the lake holds of
// it; a hole is records the lake never got.
type Span struct {
	Shard string
	// First and Last are the offsets (ingest.SequenceNumber.Offset) of
	// the file's first and last records.
	First, Last uint64
	Key         string
	Size        int64
	// Errors marks an error file; its records arrived within the hour
	// Hour. A data file's rows have their event times within Hour.
	Errors bool
	Hour   time.Time
}

// Spans lists the spans of every data file and error file of stream's
// lake, by shard, then by first offset.
func Spans(ctx context.Context, store output.ObjectStore, stream string) ([]Span, error) {
	var spans []Span
	for _, root := range []string{lake.EscapeValue(stream) + "/", "errors/" + lake.EscapeValue(stream) + "/"} {
		objs, err := output.ListAll(ctx, store, root)
		if err != nil {
			return nil, fmt.Errorf("lake spans of %s: list %s: %w", stream, root, err)
		}
		isErrors := strings.HasPrefix(root, "errors/")
		for _, o := range objs {
			shard, first, last, ok := parseSpanName(path.Base(o.Key), isErrors)
			if !ok {
				continue // markers, temporary files
			}
			hour, err := lake.HourOf(strings.TrimPrefix(path.Dir(o.Key), root))
			if err != nil {
				continue // not a partition of this stream
			}
			f, err1 := ingest.ParseSequenceNumber(first)
			l, err2 := ingest.ParseSequenceNumber(last)
			if err1 != nil || err2 != nil {
				continue
			}
			spans = append(spans, Span{Shard: shard, First: f.Offset, Last: l.Offset, Key: o.Key, Size: o.Size, Errors: isErrors, Hour: hour})
		}
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].Shard != spans[j].Shard {
			return spans[i].Shard < spans[j].Shard
		}
		return spans[i].First < spans[j].First
	})
	return spans, nil
}

// parseSpanName reads part-<shard>-<first>-<last>.parquet, or
// errors-<shard>-<first>-<last>.json for an error file.
func parseSpanName(name string, isErrors bool) (shard, first, last string, ok bool) {
	if !isErrors {
		return lake.ParseFileName(name)
	}
	if !strings.HasPrefix(name, "errors-") || !strings.HasSuffix(name, ".json") {
		return "", "", "", false
	}
	parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(name, "errors-"), ".json"), "-")
	n := len(parts)
	if n < 3 {
		return "", "", "", false
	}
	return strings.Join(parts[:n-2], "-"), parts[n-2], parts[n-1], true
}

// ArrivalRange returns the earliest and latest arrival time (_arrival) of
// a data file's rows, from the statistics in its footer: no row is read.
func ArrivalRange(ctx context.Context, store output.ObjectStore, key string, size int64) (lo, hi time.Time, err error) {
	defer recoverDamaged(&err)
	// A Scanner of its own counts this read's requests.
	ra := &objectReaderAt{ctx: ctx, store: store, key: key, size: size, s: &Scanner{}}
	pf, err := file.NewParquetReader(ra, file.WithReadProps(parquet.NewReaderProperties(memory.DefaultAllocator)))
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("arrival range of %s: %w", key, err)
	}
	defer pf.Close()
	md := pf.MetaData()
	leaf := md.Schema.ColumnIndexByName(decode.ColArrival)
	if leaf < 0 {
		return time.Time{}, time.Time{}, fmt.Errorf("arrival range of %s: no %s column", key, decode.ColArrival)
	}
	found := false
	var minMs, maxMs int64
	for g := range pf.NumRowGroups() {
		cc, err := md.RowGroup(g).ColumnChunk(leaf)
		if err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("arrival range of %s: %w", key, err)
		}
		st, err := cc.Statistics()
		if err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("arrival range of %s: %w", key, err)
		}
		is, ok := st.(*metadata.Int64Statistics)
		if !ok || !is.HasMinMax() {
			continue
		}
		if !found || is.Min() < minMs {
			minMs = is.Min()
		}
		if !found || is.Max() > maxMs {
			maxMs = is.Max()
		}
		found = true
	}
	if !found {
		return time.Time{}, time.Time{}, errors.New("arrival range of " + key + ": no statistics")
	}
	return time.UnixMilli(minMs).UTC(), time.UnixMilli(maxMs).UTC(), nil
}
