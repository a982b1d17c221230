package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/seglog"
	"github.com/freshet/freshet/ingest/streamstore"
)

// benchIngestConfig is what `freshet bench ingest` is told.
type benchIngestConfig struct {
	dataDir    string
	total      int64
	recordSize int
	batch      int
	producers  int
	shards     int
	keep       bool
}

func runBench(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "ingest" {
		fmt.Fprintln(stderr, "Usage: freshet bench ingest [flags]   (run with --help for the flags)")
		return errUsage
	}
	c := &benchIngestConfig{}
	fs := flag.NewFlagSet("freshet bench ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.dataDir, "data-dir", "", "directory for the benchmark's store (default: a temporary directory, removed afterwards)")
	size := fs.String("bytes", "1GB", "how much record data to write (e.g. 500MB, 5GB)")
	fs.IntVar(&c.recordSize, "record-size", 100, "bytes of data per record")
	fs.IntVar(&c.batch, "batch", 500, "records per PutRecords call")
	fs.IntVar(&c.producers, "producers", 8, "concurrent producers")
	fs.IntVar(&c.shards, "shards", 4, "shards of the benchmark stream")
	fs.BoolVar(&c.keep, "keep", false, "keep the data directory afterwards")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: freshet bench ingest [flags]

Writes records durably (synced, as a put is acknowledged) through the stream
store from concurrent producers, then reads them all back in order. Reports
records/s and MB/s written and read, put latency (p50/p99) and the process's
resident memory (RSS) as the stream grows, to show that memory stays flat
however much a stream holds. A progress line goes to stderr on a terminal.

Flags:`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	n, err := parseBytes(*size)
	if err != nil {
		fmt.Fprintf(stderr, "freshet bench ingest: --bytes: %v\n", err)
		return errUsage
	}
	c.total = n
	return benchIngest(ctx, c, stdout, stderr)
}

func benchIngest(ctx context.Context, c *benchIngestConfig, stdout, stderr io.Writer) error {
	dir := c.dataDir
	if dir == "" {
		d, err := os.MkdirTemp("", "freshet-bench-")
		if err != nil {
			return err
		}
		dir = d
		if !c.keep {
			defer os.RemoveAll(dir)
		}
	}
	store, err := streamstore.Open(streamstore.Options{
		Dir: dir, RetentionCheck: -1,
		OpenLog: func(d string, o ingest.LogOptions) (ingest.Log, error) { return seglog.Open(d, o) },
	})
	if err != nil {
		return err
	}
	defer store.Close()
	name := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	if err := store.CreateStream(ctx, ingest.CreateStreamInput{Name: name, ShardCount: c.shards}); err != nil {
		return err
	}

	records := c.total / int64(c.recordSize)
	batches := (records + int64(c.batch) - 1) / int64(c.batch)
	fmt.Fprintf(stdout, "writing %d records of %d B (%s) in batches of %d from %d producers into %d shards, %d cores\n",
		records, c.recordSize, humanBytes(c.total), c.batch, c.producers, c.shards, runtime.NumCPU())

	var next, written atomic.Int64
	var latMu sync.Mutex
	var lats []time.Duration
	rss := &rssTracker{}
	prog := newProgress(stderr, "write", records)
	start := time.Now()
	var wg sync.WaitGroup
	errc := make(chan error, c.producers)
	for p := 0; p < c.producers; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := make([]byte, c.recordSize)
			es := make([]ingest.PutEntry, c.batch)
			var mine []time.Duration
			for {
				b := next.Add(1) - 1
				if b >= batches || ctx.Err() != nil {
					break
				}
				for i := range es {
					es[i] = ingest.PutEntry{PartitionKey: "k" + strconv.FormatInt(b*int64(c.batch)+int64(i), 36), Data: data}
				}
				t0 := time.Now()
				res, err := store.PutRecords(ctx, name, es)
				mine = append(mine, time.Since(t0))
				if err == nil {
					for _, r := range res {
						if r.Err != nil {
							err = r.Err
							break
						}
					}
				}
				if err != nil {
					errc <- err
					return
				}
				w := written.Add(int64(len(es)))
				prog.set(w)
				rss.sample(w, records)
			}
			latMu.Lock()
			lats = append(lats, mine...)
			latMu.Unlock()
		}()
	}
	wg.Wait()
	prog.done()
	close(errc)
	if err := <-errc; err != nil {
		return fmt.Errorf("put: %w", err)
	}
	el := time.Since(start)
	w := written.Load()
	sort.Slice(lats, func(i, j int) bool { return lats[i] < lats[j] })
	fmt.Fprintf(stdout, "write: %d records in %s: %.0f records/s, %.1f MB/s; PutRecords latency p50 %s p99 %s\n",
		w, el.Round(time.Millisecond), float64(w)/el.Seconds(), float64(w)*float64(c.recordSize)/el.Seconds()/1e6,
		pct(lats, 0.50), pct(lats, 0.99))
	fmt.Fprintf(stdout, "memory: RSS %s at 10%% written, %s at the end, peak %s\n",
		humanBytes(rss.atTenth.Load()), humanBytes(currentRSS()), humanBytes(rss.peak.Load()))

	// Read everything back, shard by shard, in pages of 10,000.
	d, err := store.DescribeStream(ctx, name)
	if err != nil {
		return err
	}
	prog = newProgress(stderr, "read", w)
	start = time.Now()
	var read int64
	for _, sh := range d.Shards {
		from := uint64(1)
		for {
			res, err := store.ReadShard(ctx, name, sh.ID, from, ingest.MaxGetRecordsLimit)
			if err != nil {
				return fmt.Errorf("read: %w", err)
			}
			if len(res.Records) == 0 {
				break
			}
			read += int64(len(res.Records))
			from = res.NextOffset
			prog.set(read)
		}
	}
	prog.done()
	el = time.Since(start)
	if read != w {
		return fmt.Errorf("read %d records back, wrote %d", read, w)
	}
	fmt.Fprintf(stdout, "read: %d records in %s: %.0f records/s, %.1f MB/s\n",
		read, el.Round(time.Millisecond), float64(read)/el.Seconds(), float64(read)*float64(c.recordSize)/el.Seconds()/1e6)
	return nil
}

func pct(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(q*float64(len(sorted)-1))].Round(10 * time.Microsecond)
}

// parseBytes reads sizes such as 512MB, 5GB, 1GiB or a plain byte count.
func parseBytes(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f <= 0 {
		return 0, fmt.Errorf("%q is not a size such as 500MB or 5GB", s)
	}
	return int64(f * float64(mult)), nil
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
