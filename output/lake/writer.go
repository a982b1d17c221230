package lake

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/freshet/freshet/engine/decode"
	"github.com/freshet/freshet/output"
)

// DefaultRowGroupBytes is the uncompressed size at which a row group is
// cut: large enough for efficient scans, as Parquet readers prefer.
const DefaultRowGroupBytes = 128 << 20

// Content types of the objects the lake writes.
const (
	ParquetContentType = "application/vnd.apache.parquet"
	ErrorsContentType  = "application/x-ndjson"
)

// Config describes a stream's lake files.
type Config struct {
	// Stream names the stream; its files live under <Stream>/.
	Stream string
	// Columns are the stream's declared columns, in order.
	Columns []decode.Column
	// PartitionBy names declared columns whose values partition the files
	// below the hour (<field>=<escaped value>), in order.
	PartitionBy []string
	// Compression is snappy (default), zstd, gzip or none.
	Compression string
	// RowGroupBytes is the uncompressed size of a row group
	// (default DefaultRowGroupBytes).
	RowGroupBytes int64
	// Parallelism is how many files are encoded and uploaded at once
	// (default GOMAXPROCS).
	Parallelism int
	// SSE and SSEKMSKeyID select server-side encryption (S3 only):
	// "", "AES256" or "aws:kms".
	SSE         string
	SSEKMSKeyID string
}

// Writer turns decoded batches of a stream into lake files in an object
// store. It is not safe for concurrent use.
type Writer struct {
	cfg      Config
	store    output.ObjectStore
	cols     []column
	enc      *encoder
	partCols []int // record column index of each PartitionBy field
	seqCol   int
	put      output.PutOptions
}

// NewWriter checks cfg and returns a writer into store (whose root is the
// archive URL's prefix).
func NewWriter(store output.ObjectStore, cfg Config) (*Writer, error) {
	if cfg.Stream == "" {
		return nil, fmt.Errorf("lake writer: no stream name")
	}
	cols, err := fileColumns(cfg.Columns)
	if err != nil {
		return nil, fmt.Errorf("lake writer for %s: %w", cfg.Stream, err)
	}
	codec, err := Codec(cfg.Compression)
	if err != nil {
		return nil, fmt.Errorf("lake writer for %s: %w", cfg.Stream, err)
	}
	if cfg.RowGroupBytes <= 0 {
		cfg.RowGroupBytes = DefaultRowGroupBytes
	}
	if cfg.Parallelism <= 0 {
		cfg.Parallelism = runtime.GOMAXPROCS(0)
	}
	switch cfg.SSE {
	case "", "AES256", "aws:kms":
	default:
		return nil, fmt.Errorf("lake writer for %s: unknown server-side encryption %q", cfg.Stream, cfg.SSE)
	}
	w := &Writer{cfg: cfg, store: store, cols: cols, enc: newEncoder(cols, codec, cfg.RowGroupBytes),
		put: output.PutOptions{SSE: cfg.SSE, SSEKMSKeyID: cfg.SSEKMSKeyID}}
	for _, p := range cfg.PartitionBy {
		idx := -1
		for i, c := range cfg.Columns {
			if strings.EqualFold(c.Name, p) {
				idx = i
			}
		}
		if idx < 0 {
			return nil, fmt.Errorf("lake writer for %s: partition field %q is not a declared column", cfg.Stream, p)
		}
		w.partCols = append(w.partCols, idx)
	}
	for i, c := range cols {
		if c.name == decode.ColSequence {
			w.seqCol = i
		}
	}
	return w, nil
}

// Batch is one decoded batch of one shard, as a decode.Decoder with a nil
// Options.Output makes it (declared columns, then the metadata columns).
type Batch struct {
	Shard string
	decode.Batch
	// ErrorArrivals holds the arrival time (Unix ms) of each of
	// Batch.Errors, which partitions the error files.
	ErrorArrivals []int64
}

// File describes one object a Write stored.
type File struct {
	Key  string
	Hour string // the hour partition directory
	Rows int
	Size int
}

// Result is what a Write stored.
type Result struct {
	Files      []File // data files, by key
	ErrorFiles []File
	Rows       int
	ErrorRows  int
	Bytes      int64    // bytes stored, data and error files
	Hours      []string // hour partitions that received data files, sorted
}

// Write stores the rows and decode errors of batches: one data file per
// shard and partition, one error file per shard and arrival hour. The
// batches of a shard must come in sequence order. The keys and bytes
// depend only on the records (not on how they were batched), so writing
// the same records again overwrites the same objects with the same bytes.
// Write does not release the batches.
func (w *Writer) Write(ctx context.Context, batches []Batch) (Result, error) {
	files, err := w.plan(batches)
	if err != nil {
		return Result{}, err
	}
	var res Result
	hours := map[string]bool{}
	var recs []arrow.Record
	for _, b := range batches {
		recs = append(recs, b.Record)
	}
	sizes, err := w.storeFiles(ctx, recs, files)
	if err != nil {
		return res, err
	}
	for i, f := range files {
		res.Files = append(res.Files, File{Key: f.key, Hour: f.hour, Rows: len(f.refs), Size: sizes[i]})
		res.Rows += len(f.refs)
		res.Bytes += int64(sizes[i])
		hours[f.hour] = true
	}
	errFiles, err := w.errorFiles(batches)
	if err != nil {
		return res, err
	}
	for _, ef := range errFiles {
		if err := w.putObject(ctx, ef.Key, ef.data, ErrorsContentType); err != nil {
			return res, err
		}
		res.ErrorFiles = append(res.ErrorFiles, ef.File)
		res.ErrorRows += ef.Rows
		res.Bytes += int64(len(ef.data))
	}
	for h := range hours {
		res.Hours = append(res.Hours, h)
	}
	sort.Strings(res.Hours)
	return res, nil
}

func (w *Writer) putObject(ctx context.Context, key string, data []byte, contentType string) error {
	opts := w.put
	opts.ContentType = contentType
	if err := output.PutBytes(ctx, w.store, key, data, opts); err != nil {
		return fmt.Errorf("lake %s: %w", w.cfg.Stream, err)
	}
	return nil
}

// storeFiles encodes and uploads the files, Config.Parallelism at a time,
// and returns their sizes.
func (w *Writer) storeFiles(ctx context.Context, recs []arrow.Record, files []plannedFile) ([]int, error) {
	sizes := make([]int, len(files))
	errs := make([]error, len(files))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(w.cfg.Parallelism, len(files)) {
		enc := w.enc.clone()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				data, err := enc.encode(recs, files[i].refs)
				if err != nil {
					errs[i] = fmt.Errorf("lake %s: %s: %w", w.cfg.Stream, files[i].key, err)
					continue
				}
				sizes[i] = len(data)
				errs[i] = w.putObject(ctx, files[i].key, data, ParquetContentType)
			}
		}()
	}
	for i := range files {
		work <- i
	}
	close(work)
	wg.Wait()
	return sizes, errors.Join(errs...)
}

// MarkComplete writes the _SUCCESS marker of an hour partition.
func (w *Writer) MarkComplete(ctx context.Context, hourDir string) error {
	return w.putObject(ctx, hourDir+"/"+SuccessMarker, nil, "text/plain")
}

// plannedFile is one data file to write.
type plannedFile struct {
	key, dir, hour, shard string
	refs                  []rowRef
}

// plan assigns every row to its file.
func (w *Writer) plan(batches []Batch) ([]plannedFile, error) {
	type groupKey struct {
		hour   int64  // event time in hours since the epoch
		fields string // the field partitions, "" without PartitionBy
		shard  string
	}
	byKey := map[groupKey]*plannedFile{}
	var last *plannedFile
	var lastKey groupKey
	for bi, b := range batches {
		if b.Record == nil {
			continue
		}
		if err := checkRecord(b.Record, w.cols); err != nil {
			return nil, fmt.Errorf("lake %s: %w", w.cfg.Stream, err)
		}
		if len(b.EventTimes) != int(b.Record.NumRows()) {
			return nil, fmt.Errorf("lake %s: %d event times for %d rows", w.cfg.Stream, len(b.EventTimes), b.Record.NumRows())
		}
		for i := range int(b.Record.NumRows()) {
			k := groupKey{hour: floorDiv(b.EventTimes[i], 3600_000), shard: b.Shard}
			if len(w.partCols) > 0 {
				var sb strings.Builder
				for _, c := range w.partCols {
					sb.WriteString("/" + w.cfg.Columns[c].Name + "=" + EscapeValue(valueString(b.Record.Column(c), i)))
				}
				k.fields = sb.String()
			}
			f := last
			if last == nil || k != lastKey {
				f = byKey[k]
				if f == nil {
					hour := HourDir(w.cfg.Stream, k.hour*3600_000)
					f = &plannedFile{dir: hour + k.fields, hour: hour, shard: b.Shard}
					byKey[k] = f
				}
				last, lastKey = f, k
			}
			f.refs = append(f.refs, rowRef{rec: int32(bi), row: int32(i)})
		}
	}
	files := make([]plannedFile, 0, len(byKey))
	for _, f := range byKey {
		first, last := f.refs[0], f.refs[len(f.refs)-1]
		seq := func(r rowRef) string {
			return batches[r.rec].Record.Column(w.seqCol).(*array.String).Value(int(r.row))
		}
		f.key = f.dir + "/" + FileName(f.shard, seq(first), seq(last))
		files = append(files, *f)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].key < files[j].key })
	return files, nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// valueString is a partition field's value as text ("" for null).
func valueString(arr arrow.Array, i int) string {
	if arr.IsNull(i) {
		return ""
	}
	switch a := arr.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64)
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i))
	case *array.Timestamp:
		return time.UnixMilli(int64(a.Value(i))).UTC().Format("2006-01-02T15:04:05.000Z")
	}
	return arr.ValueStr(i)
}

// errorLine is one line of an error file.
type errorLine struct {
	Stream         string `json:"stream"`
	ShardID        string `json:"shard_id"`
	SequenceNumber string `json:"sequence_number"`
	PartitionKey   string `json:"partition_key"`
	Arrival        int64  `json:"arrival_timestamp"`
	ErrorCode      string `json:"error_code"`
	ErrorMessage   string `json:"error_message"`
	RawData        string `json:"raw_data"` // base64, as Firehose writes it
}

type errorFile struct {
	File
	data []byte
}

// errorFiles renders the decode errors as JSON lines, one file per shard
// and arrival hour.
func (w *Writer) errorFiles(batches []Batch) ([]errorFile, error) {
	type group struct {
		shard, first, last string
		arrival            int64
		buf                bytes.Buffer
		rows               int
	}
	groups := map[string]*group{}
	for _, b := range batches {
		if len(b.ErrorArrivals) != len(b.Errors) {
			return nil, fmt.Errorf("lake %s: %d arrival times for %d errors", w.cfg.Stream, len(b.ErrorArrivals), len(b.Errors))
		}
		for i, e := range b.Errors {
			seq := e.Seq.String()
			hour := HourDir(w.cfg.Stream, b.ErrorArrivals[i])
			g := groups[hour+"\x00"+b.Shard]
			if g == nil {
				g = &group{shard: b.Shard, first: seq, arrival: b.ErrorArrivals[i]}
				groups[hour+"\x00"+b.Shard] = g
			}
			g.last = seq
			g.rows++
			line, err := json.Marshal(errorLine{
				Stream: w.cfg.Stream, ShardID: b.Shard, SequenceNumber: seq, PartitionKey: e.PartitionKey,
				Arrival: b.ErrorArrivals[i], ErrorCode: "DecodeError", ErrorMessage: e.Reason,
				RawData: base64.StdEncoding.EncodeToString(e.Data),
			})
			if err != nil {
				return nil, fmt.Errorf("lake %s: error record: %w", w.cfg.Stream, err)
			}
			g.buf.Write(line)
			g.buf.WriteByte('\n')
		}
	}
	out := make([]errorFile, 0, len(groups))
	for _, g := range groups {
		key := ErrorsKey(w.cfg.Stream, g.arrival, g.shard, g.first, g.last)
		out = append(out, errorFile{File: File{Key: key, Rows: g.rows, Size: g.buf.Len()}, data: g.buf.Bytes()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}
