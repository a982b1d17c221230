package lakescan

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine/decode"
	"github.com/freshet/freshet/output"
)

// Options describe a scan. Store, Stream and Schema are required; the zero
// value of the rest works.
type Options struct {
	// Store is the archive, rooted at the stream's archive URL.
	Store output.ObjectStore
	// Stream names the stream; its files live under <Stream>/. With
	// Dataset it only names the scan in errors.
	Stream string
	// Dataset reads every Parquet file under the store's root, any
	// Hive-partitioned dataset (see Discover), instead of a stream's
	// files. Schema may then also name the partition columns (their
	// values come from the key=value directories), and file columns are
	// cast to the wanted types (EngineType).
	Dataset bool
	// TimeColumn names the column of the rows' event time (Batch.Times,
	// and _event_time when Schema names it). Streams' files always use
	// _event_time; for a Dataset, "" means it has none (Times are zero).
	TimeColumn string
	// Schema lists the wanted columns, by name (the stream's declared
	// columns and the metadata columns _partition_key, _shard, _sequence,
	// _arrival, _event_time, matched case-insensitively), with the Arrow
	// types the engine uses. Batches have exactly this schema (but see
	// Dictionary). A column a file lacks reads as nulls. A field of type
	// Null is not read at all: its column is a Null array (for a column
	// the caller must pass on but never reads).
	Schema *arrow.Schema
	// From and To bound the event time: [From, To). A zero time is an open
	// bound. Pruning is by partition and row group only; see Batch.
	From, To time.Time
	// Partitions prunes by the stream's partition fields (archive_partition_by):
	// for a field it names, only directories field=value whose (unescaped)
	// value is in the set are read. Files without the field are read.
	Partitions map[string]map[string]bool
	// Select, when set, is asked about each file the partitions allow;
	// only the files it accepts are read (a history query skips the files
	// whose records are all still retained).
	Select func(File) bool
	// SkipTimes says the caller needs no event times: Batch.Times is nil,
	// and the time column is read only if Schema asks for _event_time as
	// a column.
	SkipTimes bool
	// Dictionary names string columns of Schema that the caller takes as
	// dictionary arrays too (int32 indices into String values): from a
	// file whose chunks of such a column are dictionary-encoded, the
	// column comes as a dictionary array, and the batch's schema says so;
	// from other files, as Schema says. Decoding only the indices is
	// much cheaper than decoding every string.
	Dictionary []string
	// Parallelism is how many files are read at once (default GOMAXPROCS,
	// at least 2).
	Parallelism int
	// BatchRows is the most rows of a batch (default 65,536).
	BatchRows int
	// Mem allocates what the scanner builds itself: null columns for
	// columns a file lacks (default: the Go allocator). Decoded columns
	// are Go memory that the scan recycles once their batch is released
	// (see readFile).
	Mem memory.Allocator
	// Progress, when set, is called (from the reading goroutines, one call
	// at a time) each time a file is finished.
	Progress func(Progress)
}

// Progress counts the files of a scan and their bytes (object sizes).
type Progress struct {
	Files, FilesDone int
	Bytes, BytesDone int64
}

// Stats describe what a scan did.
type Stats struct {
	// Files and Bytes are the data files the plan kept and their size.
	Files int
	Bytes int64
	// RowGroups is the row groups of the opened files; RowGroupsSkipped
	// those skipped by their _event_time statistics.
	RowGroups, RowGroupsSkipped int
	// Rows is the rows read.
	Rows int64
	// BytesRead counts the bytes of the ranged GETs; Requests counts them.
	BytesRead, Requests int64
}

// Batch is a group of rows of one file.
type Batch struct {
	// Rec has the columns of Options.Schema, but for the Dictionary
	// columns read as dictionaries. The Scanner owns it: it is valid until
	// the next call of Next or Close (Retain it to keep it).
	Rec arrow.Record
	// Times holds each row's event time (_event_time, Unix ms); nil with
	// Options.SkipTimes.
	Times []int64
}

// Scanner reads the rows of a stream's lake files. Use it as an
// arrow RecordReader: for s.Next() { use s.Batch() }; then s.Err() and
// s.Close(). It is driven by one goroutine; the files are read by others.
type Scanner struct {
	opts  Options
	files []File
	ctx   context.Context
	stop  context.CancelFunc
	// results[i] carries file i's batches, closed when the file is done.
	results []chan fileBatch
	cur     int
	batch   Batch
	err     error
	started bool
	wg      sync.WaitGroup

	// pool recycles the buffers of decoded batches (see readFile).
	pool bufferPool
	// viaArrow makes arrow-go read every dictionary (tests compare).
	viaArrow bool

	rowGroups, skipped, rows, bytesRead, requests atomic.Int64
	progMu                                        sync.Mutex
	prog                                          Progress
}

type fileBatch struct {
	b   Batch
	err error
}

// Open plans a scan: it lists the partitions the range allows and applies
// the containment rule. No file is read before the first Next.
func Open(ctx context.Context, opts Options) (*Scanner, error) {
	if opts.Store == nil || opts.Stream == "" || opts.Schema == nil {
		return nil, errors.New("lake scan: Store, Stream and Schema are required")
	}
	if opts.Parallelism <= 0 {
		opts.Parallelism = max(runtime.GOMAXPROCS(0), 2)
	}
	if opts.BatchRows <= 0 {
		opts.BatchRows = 1 << 16
	}
	if opts.Mem == nil {
		opts.Mem = memory.NewGoAllocator()
	}
	for _, f := range opts.Schema.Fields() {
		if err := checkType(f.Type); err != nil {
			return nil, fmt.Errorf("lake scan %s: column %s: %w", opts.Stream, f.Name, err)
		}
	}
	var files []File
	var err error
	if opts.Dataset {
		from, to := opts.From, opts.To
		if !isEventTime(opts.TimeColumn) {
			from, to = time.Time{}, time.Time{} // dt=/hr= directories are cut by _event_time
		}
		files, err = listDataset(ctx, opts.Store, "", from, to, opts.Partitions)
	} else {
		opts.TimeColumn = decode.ColEventTime
		files, err = listFiles(ctx, opts.Store, opts.Stream, opts.From, opts.To, opts.Partitions)
	}
	if err != nil {
		return nil, fmt.Errorf("lake scan %s: %w", opts.Stream, err)
	}
	if opts.Select != nil {
		files = slices.DeleteFunc(files, func(f File) bool { return !opts.Select(f) })
	}
	s := &Scanner{opts: opts, files: files}
	s.prog.Files = len(files)
	for _, f := range files {
		s.prog.Bytes += f.Size
	}
	s.ctx, s.stop = context.WithCancel(ctx)
	return s, nil
}

// Files returns the files the scan reads, in key order.
func (s *Scanner) Files() []File { return s.files }

// Stats returns the scan's counters so far.
func (s *Scanner) Stats() Stats {
	st := Stats{Files: len(s.files), RowGroups: int(s.rowGroups.Load()), RowGroupsSkipped: int(s.skipped.Load()),
		Rows: s.rows.Load(), BytesRead: s.bytesRead.Load(), Requests: s.requests.Load()}
	for _, f := range s.files {
		st.Bytes += f.Size
	}
	return st
}

// start launches the readers: at most Parallelism files are read at once,
// taken in key order, so the file Next waits for is always being read.
func (s *Scanner) start() {
	s.started = true
	s.results = make([]chan fileBatch, len(s.files))
	for i := range s.results {
		s.results[i] = make(chan fileBatch, 2)
	}
	slots := make(chan struct{}, s.opts.Parallelism)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for i := range s.files {
			select {
			case slots <- struct{}{}:
			case <-s.ctx.Done():
				for _, ch := range s.results[i:] {
					close(ch)
				}
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer func() { <-slots }()
				defer close(s.results[i])
				err := s.readFile(s.files[i], func(b Batch) bool {
					select {
					case s.results[i] <- fileBatch{b: b}:
						return true
					case <-s.ctx.Done():
						b.Rec.Release()
						return false
					}
				})
				if err != nil {
					select {
					case s.results[i] <- fileBatch{err: err}:
					case <-s.ctx.Done():
					}
					return
				}
				s.fileDone(s.files[i])
			}()
		}
	}()
}

func (s *Scanner) fileDone(f File) {
	if s.opts.Progress == nil {
		return
	}
	s.progMu.Lock()
	defer s.progMu.Unlock()
	s.prog.FilesDone++
	s.prog.BytesDone += f.Size
	s.opts.Progress(s.prog)
}

// Next advances to the next batch; it returns false at the end or on an
// error (see Err).
func (s *Scanner) Next() bool {
	s.releaseBatch()
	if s.err != nil {
		return false
	}
	if !s.started {
		s.start()
	}
	for s.cur < len(s.results) {
		fb, ok := <-s.results[s.cur]
		if !ok {
			s.cur++
			continue
		}
		if fb.err != nil {
			s.err = fb.err
			return false
		}
		s.batch = fb.b
		return true
	}
	if err := s.ctx.Err(); err != nil {
		s.err = err
	}
	return false
}

// Batch returns the current batch.
func (s *Scanner) Batch() Batch { return s.batch }

// Err returns the error that ended the scan, if any.
func (s *Scanner) Err() error { return s.err }

func (s *Scanner) releaseBatch() {
	if s.batch.Rec != nil {
		s.batch.Rec.Release()
	}
	s.batch = Batch{}
}

// Close stops the readers and releases every batch not yet consumed.
func (s *Scanner) Close() {
	s.releaseBatch()
	s.stop()
	if s.started {
		// Drain so that readers blocked on a full channel see ctx.Done.
		done := make(chan struct{})
		go func() { s.wg.Wait(); close(done) }()
		for _, ch := range s.results[s.cur:] {
			for fb := range ch {
				if fb.b.Rec != nil {
					fb.b.Rec.Release()
				}
			}
		}
		<-done
	}
}

// checkType accepts the Arrow types lake files hold, and Null (a column
// not read).
func checkType(t arrow.DataType) error {
	switch t.ID() {
	case arrow.BOOL, arrow.INT64, arrow.FLOAT64, arrow.STRING, arrow.NULL:
		return nil
	case arrow.TIMESTAMP:
		if t.(*arrow.TimestampType).Unit == arrow.Millisecond {
			return nil
		}
	}
	return fmt.Errorf("type %s is not in lake files", t)
}

// needTimeColumn reports whether the scan reads the time column: for the
// rows' times, or for an _event_time column the schema asks for.
func (s *Scanner) needTimeColumn() bool {
	if !s.opts.SkipTimes {
		return true
	}
	for _, f := range s.opts.Schema.Fields() {
		if isEventTime(f.Name) && f.Type.ID() != arrow.NULL {
			return true
		}
	}
	return false
}

// isEventTime reports whether name is the _event_time column.
func isEventTime(name string) bool { return strings.EqualFold(name, decode.ColEventTime) }
