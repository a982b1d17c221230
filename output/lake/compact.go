package lake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"

	"github.com/freshet/freshet/output"
)

// CompactOptions tune Compact.
type CompactOptions struct {
	// TargetBytes bounds the size of a merged file: files are merged in
	// runs whose sizes add up to at most TargetBytes (default 512 MiB).
	TargetBytes int64
	// SmallBytes: only files smaller than this are merged (default
	// TargetBytes / 2).
	SmallBytes int64
	// RowGroupBytes is the uncompressed row-group size of merged files
	// (default DefaultRowGroupBytes).
	RowGroupBytes int64
	// Compression of merged files (default snappy).
	Compression string
	// SSE and SSEKMSKeyID as in Config.
	SSE, SSEKMSKeyID string
}

// CompactResult counts what Compact did.
type CompactResult struct {
	Partitions int // closed hour partitions looked at
	Merged     int // files written
	Removed    int // small files deleted
}

// Compact merges the small files of the stream's closed hour partitions
// (those with a _SUCCESS marker) into larger ones. Within a partition
// (hour plus field partitions) the files of each shard are merged in
// sequence order into runs of at most TargetBytes. A merged file is named
// like any data file, part-<shard>-<first>-<last>.parquet, by the first
// and last sequence number it holds, so its range contains the ranges of
// the files it replaces. Each merged file is stored before the files it
// replaces are deleted; a reader that lists the partition in between sees
// both and must apply the containment rule (see the package doc): skip a
// file whose shard's range lies inside another file's. Compacting again
// after a crash redoes the same merge with the same bytes.
func Compact(ctx context.Context, store output.ObjectStore, stream string, opts CompactOptions) (CompactResult, error) {
	if opts.TargetBytes <= 0 {
		opts.TargetBytes = 512 << 20
	}
	if opts.SmallBytes <= 0 {
		opts.SmallBytes = opts.TargetBytes / 2
	}
	if opts.RowGroupBytes <= 0 {
		opts.RowGroupBytes = DefaultRowGroupBytes
	}
	codec, err := Codec(opts.Compression)
	if err != nil {
		return CompactResult{}, fmt.Errorf("compact %s: %w", stream, err)
	}
	all, err := output.ListAll(ctx, store, EscapeValue(stream)+"/")
	if err != nil {
		return CompactResult{}, fmt.Errorf("compact %s: %w", stream, err)
	}
	closed := map[string]bool{}
	for _, o := range all {
		if path.Base(o.Key) == SuccessMarker {
			closed[path.Dir(o.Key)] = true
		}
	}
	// Group small data files by partition directory and shard.
	type groupKey struct{ dir, shard string }
	groups := map[groupKey][]dataFile{}
	var res CompactResult
	for _, o := range all {
		shard, first, last, ok := ParseFileName(o.Key)
		if !ok {
			continue
		}
		dir := path.Dir(o.Key)
		if !closed[hourOfDir(dir)] {
			continue
		}
		k := groupKey{dir, shard}
		groups[k] = append(groups[k], dataFile{ObjectInfo: o, first: first, last: last})
	}
	res.Partitions = len(closed)
	keys := make([]groupKey, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].dir < keys[j].dir || keys[i].dir == keys[j].dir && keys[i].shard < keys[j].shard
	})
	put := output.PutOptions{ContentType: ParquetContentType, SSE: opts.SSE, SSEKMSKeyID: opts.SSEKMSKeyID}
	for _, k := range keys {
		files := groups[k]
		sort.Slice(files, func(i, j int) bool { return files[i].first < files[j].first })
		// Files another file contains are left over from an interrupted
		// compaction (or re-uploaded by a delivery retry after one):
		// readers skip them already; delete them.
		var small []dataFile
		for _, f := range files {
			if containedIn(f, files) {
				if err := store.Delete(ctx, f.Key); err != nil {
					return res, fmt.Errorf("compact %s: %w", stream, err)
				}
				res.Removed++
				continue
			}
			if f.Size < opts.SmallBytes {
				small = append(small, f)
			}
		}
		for _, run := range runs(small, opts.TargetBytes) {
			if len(run) < 2 {
				continue
			}
			data, err := mergeFiles(ctx, store, run, codec, opts.RowGroupBytes)
			if err != nil {
				return res, fmt.Errorf("compact %s: %w", stream, err)
			}
			key := k.dir + "/" + FileName(k.shard, run[0].first, run[len(run)-1].last)
			if err := output.PutBytes(ctx, store, key, data, put); err != nil {
				return res, fmt.Errorf("compact %s: %w", stream, err)
			}
			res.Merged++
			for _, f := range run {
				if f.Key == key {
					continue
				}
				if err := store.Delete(ctx, f.Key); err != nil {
					return res, fmt.Errorf("compact %s: %w", stream, err)
				}
				res.Removed++
			}
		}
	}
	return res, nil
}

type dataFile struct {
	output.ObjectInfo
	first, last string
}

// containedIn reports whether another of files (of the same shard and
// partition) covers f's sequence range and more: the containment rule
// readers apply.
func containedIn(f dataFile, files []dataFile) bool {
	for _, g := range files {
		if g.Key != f.Key && g.first <= f.first && f.last <= g.last {
			return true
		}
	}
	return false
}

// hourOfDir is the hour partition (<stream>/dt=…/hr=…) a partition
// directory lies in.
func hourOfDir(dir string) string {
	segs := strings.Split(dir, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "hr=") {
			return strings.Join(segs[:i+1], "/")
		}
	}
	return dir
}

// runs cuts files (in sequence order) into consecutive runs of at most
// target bytes.
func runs(files []dataFile, target int64) [][]dataFile {
	var out [][]dataFile
	var cur []dataFile
	var size int64
	for _, f := range files {
		if len(cur) > 0 && size+f.Size > target {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, f)
		size += f.Size
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// mergeFiles concatenates the rows of files, which must share a schema,
// into one Parquet file with row groups of about rowGroupBytes.
func mergeFiles(ctx context.Context, store output.ObjectStore, files []dataFile, codec compress.Codec, rowGroupBytes int64) ([]byte, error) {
	var buf bytes.Buffer
	var w *parquet.Writer
	var schema *parquet.Schema
	var groupBytes int64
	rows := make([]parquet.Row, 256)
	for _, f := range files {
		raw, err := output.ReadAll(ctx, store, f.Key)
		if err != nil {
			return nil, err
		}
		pf, err := parquet.OpenFile(bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", f.Key, err)
		}
		if w == nil {
			schema = pf.Schema()
			w = parquet.NewWriter(&buf, schema,
				parquet.Compression(codec),
				parquet.CreatedBy("freshet", "1", ""),
				parquet.DataPageVersion(1),
				parquet.DataPageStatistics(true),
				parquet.MaxRowsPerRowGroup(1<<40),
				// The schema is the first file's: a column it holds
				// dictionary-encoded may have many values in later files.
				parquet.DictionaryMaxBytes(maxDictBytes),
			)
		} else if !parquet.EqualNodes(schema, pf.Schema()) {
			return nil, fmt.Errorf("merge %s: schema differs from %s", f.Key, files[0].Key)
		}
		for _, rg := range pf.RowGroups() {
			rr := rg.Rows()
			for {
				n, err := rr.ReadRows(rows)
				if n > 0 {
					if _, werr := w.WriteRows(rows[:n]); werr != nil {
						rr.Close()
						return nil, fmt.Errorf("merge %s: %w", f.Key, werr)
					}
					for _, row := range rows[:n] {
						for _, v := range row {
							groupBytes += 8
							if v.Kind() == parquet.ByteArray && !v.IsNull() {
								groupBytes += int64(len(v.ByteArray()))
							}
						}
					}
					if groupBytes >= rowGroupBytes {
						if err := w.Flush(); err != nil {
							rr.Close()
							return nil, fmt.Errorf("merge: %w", err)
						}
						groupBytes = 0
					}
				}
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					rr.Close()
					return nil, fmt.Errorf("merge %s: %w", f.Key, err)
				}
			}
			rr.Close()
		}
	}
	if w == nil {
		return nil, errors.New("merge: no files")
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	return buf.Bytes(), nil
}
