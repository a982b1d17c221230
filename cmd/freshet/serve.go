package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/engine/httpapi"
	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/kinesisapi"
	"github.com/freshet/freshet/ingest/metered"
	"github.com/freshet/freshet/ingest/seglog"
	"github.com/freshet/freshet/ingest/sigv4"
	"github.com/freshet/freshet/ingest/streamstore"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/storeurl"
)

// serveConfig is what `freshet serve` is told by flags and environment.
type serveConfig struct {
	dataDir      string
	listen       string
	credentials  string
	shardLimits  bool
	maxShards    int
	syncInterval time.Duration
	segmentSize  int64
	region       string
	accountID    string
	checkpoint   time.Duration
	// alert rules (servealerts.go)
	rules          string
	alertWebhooks  stringList
	resendInterval time.Duration
}

func serveFlags(stderr io.Writer) (*flag.FlagSet, *serveConfig) {
	c := &serveConfig{}
	fs := flag.NewFlagSet("freshet serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.dataDir, "data-dir", envOr("FRESHET_DATA_DIR", "./freshet-data"),
		"directory for streams and metadata; \":memory:\" keeps everything in memory (env FRESHET_DATA_DIR)")
	fs.StringVar(&c.listen, "listen", envOr("FRESHET_LISTEN", "127.0.0.1:4567"),
		"address to serve on; port 0 picks a free port (env FRESHET_LISTEN)")
	fs.StringVar(&c.credentials, "credentials", envOr("FRESHET_CREDENTIALS", ""),
		"file of access key / secret key pairs; when set, every request's AWS Signature V4 is verified (env FRESHET_CREDENTIALS)")
	fs.BoolVar(&c.shardLimits, "shard-limits", envBool("FRESHET_SHARD_LIMITS"),
		"enforce Kinesis's per-shard write limits (1 MiB/s and 1,000 records/s) with ProvisionedThroughputExceededException (env FRESHET_SHARD_LIMITS)")
	fs.IntVar(&c.maxShards, "max-shards", envInt("FRESHET_MAX_SHARDS", ingest.DefaultMaxShards),
		"open shards allowed per stream (env FRESHET_MAX_SHARDS)")
	fs.DurationVar(&c.syncInterval, "sync-interval", envDuration("FRESHET_SYNC_INTERVAL", 0),
		"0 syncs every put to disk before acknowledging it (group commit); a positive interval syncs at most that often,\n"+
			"so a machine crash (not a process crash) can lose up to that much acknowledged data (env FRESHET_SYNC_INTERVAL)")
	fs.DurationVar(&c.checkpoint, "checkpoint-interval", envDuration("FRESHET_CHECKPOINT_INTERVAL", 10*time.Second),
		"how often persistent queries checkpoint; their results reach the output stream at each checkpoint (env FRESHET_CHECKPOINT_INTERVAL)")
	fs.Int64Var(&c.segmentSize, "segment-bytes", 64<<20, "size at which a shard's log segment is sealed; retention drops whole segments")
	fs.StringVar(&c.region, "region", envOr("AWS_REGION", envOr("AWS_DEFAULT_REGION", "us-east-1")), "region shown in stream ARNs (env AWS_REGION)")
	fs.StringVar(&c.accountID, "account-id", envOr("FRESHET_ACCOUNT_ID", "000000000000"), "account id shown in stream ARNs (env FRESHET_ACCOUNT_ID)")
	fs.StringVar(&c.rules, "rules", envOr("FRESHET_RULES", ""),
		"alert-rule file, or directory of *.yaml files, to evaluate; SIGHUP or POST /v1/rules/reload reloads it (env FRESHET_RULES)")
	c.alertWebhooks = envList("FRESHET_ALERT_WEBHOOK")
	fs.Var(&c.alertWebhooks, "alert-webhook", "send alert notifications (Alertmanager's webhook body) to this URL too; may be repeated (env FRESHET_ALERT_WEBHOOK, comma-separated)")
	fs.DurationVar(&c.resendInterval, "alert-resend-interval", envDuration("FRESHET_ALERT_RESEND_INTERVAL", time.Minute),
		"how often a firing alert is notified again (env FRESHET_ALERT_RESEND_INTERVAL)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: freshet serve [flags]

Serves on one address:
  /          the Amazon Kinesis Data Streams API (JSON 1.1 protocol); point any
             Kinesis client at it, e.g.
             aws kinesis list-streams --endpoint-url http://127.0.0.1:4567
  /v1/       the query API (POST /v1/sql, GET /v1/queries, …); freshet sql
             --server uses it
  /metrics   Prometheus metrics
With --rules, alert rules are evaluated on their schedules (GET /v1/alerts,
GET /v1/rules, SHOW ALERTS); their state survives restarts and reloads.
Persistent queries (INSERT INTO … SELECT) keep running across restarts.
A put is acknowledged only once it is synced to disk. SIGINT or SIGTERM
finishes in-flight requests and closes the store cleanly.

Flags:`)
		fs.PrintDefaults()
	}
	return fs, c
}

func runServe(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, c := serveFlags(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "freshet serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))

	durable, err := openStore(c)
	if err != nil {
		return err
	}
	store := metered.New(durable) // counts what goes in and out, for /metrics
	opts := kinesisapi.Options{Region: c.region, AccountID: c.accountID, Logger: logger}
	if c.credentials != "" {
		v, err := sigv4.LoadCredentials(c.credentials)
		if err != nil {
			store.Close()
			return err
		}
		opts.Credentials = v
	}
	eng, err := engine.Open(engine.Options{Store: store, OpenArchive: openArchive, Dir: engineDir(c.dataDir), CheckpointInterval: c.checkpoint, Logger: logger})
	if err != nil {
		store.Close()
		return err
	}
	ln, err := net.Listen("tcp", c.listen)
	if err != nil {
		eng.Close()
		store.Close()
		return fmt.Errorf("listen: %w", err)
	}
	alerts, err := startAlerting(c, eng, "http://"+ln.Addr().String(), logger)
	if err != nil {
		ln.Close()
		eng.Close()
		store.Close()
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/", httpapi.New(eng, logger))
	if alerts != nil {
		alerts.mount(mux)
		alerts.watchSIGHUP(ctx)
	}
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		err := store.WriteMetrics(w)
		if err == nil {
			err = eng.WriteMetrics(w)
		}
		if err == nil && alerts != nil {
			err = alerts.ev.WriteMetrics(w)
		}
		if err != nil {
			logger.Warn("write metrics", "err", err)
		}
	})
	mux.Handle("/", kinesisapi.NewHandler(store, opts))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "freshet: Kinesis API listening on http://%s (data in %s)\n", ln.Addr(), c.dataDir)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if alerts != nil {
			alerts.close()
		}
		eng.Close()
		store.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	serr := srv.Shutdown(shutdownCtx)
	if alerts != nil {
		alerts.close() // before the engine: a last evaluation may still be running
	}
	eng.Close()
	cerr := store.Close()
	if serr != nil {
		return fmt.Errorf("shut down: %w", serr)
	}
	if cerr != nil {
		return fmt.Errorf("close store: %w", cerr)
	}
	return nil
}

// openStore opens the stream store the configuration names.
func openStore(c *serveConfig) (*streamstore.Store, error) {
	o := streamstore.Options{
		Dir:       c.dataDir,
		Limits:    ingest.Limits{MaxShardsPerStream: c.maxShards, ShardWriteLimits: c.shardLimits},
		Log:       ingest.LogOptions{SyncInterval: c.syncInterval, SegmentBytes: c.segmentSize},
		Region:    c.region,
		AccountID: c.accountID,
		OpenLog: func(dir string, lo ingest.LogOptions) (ingest.Log, error) {
			return seglog.Open(dir, lo)
		},
	}
	if c.dataDir == ":memory:" {
		o.Dir = ""
	}
	s, err := streamstore.Open(o)
	if err != nil {
		return nil, fmt.Errorf("open store in %s: %w", c.dataDir, err)
	}
	return s, nil
}

// openEmbedded opens the store and engine of a data directory for a
// command that runs in-process (the REPL, freshet sql); close closes both.
// The engine delivers archived streams to their lakes while it runs, as a
// server would.
func openEmbedded(dataDir string) (eng *engine.Engine, close func(), err error) {
	return openDataDir(dataDir, true)
}

// openDataDir opens the store and engine of a data directory; deliver
// says whether the engine delivers archived streams to their lakes (a
// command that only looks at the data, such as rules backtest, reads the
// lakes but does not write to them).
func openDataDir(dataDir string, deliver bool) (eng *engine.Engine, close func(), err error) {
	store, err := openStore(&serveConfig{dataDir: dataDir, maxShards: ingest.DefaultMaxShards, segmentSize: 64 << 20})
	if err != nil {
		return nil, nil, err
	}
	eng, err = engine.Open(engine.Options{Store: store, OpenArchive: openArchive, Dir: engineDir(dataDir), NoArchiveDelivery: !deliver})
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return eng, func() { eng.Close(); store.Close() }, nil
}

// openArchive opens the object store of an archive URL: S3 configured the
// AWS way (AWS_REGION, AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, …), or a
// local directory for file:// URLs.
func openArchive(ctx context.Context, url string) (output.ObjectStore, error) {
	return storeurl.Open(ctx, url, output.S3Config{})
}

// engineDir is where the engine keeps its catalog, queries and
// checkpoints: beside the streams, or nowhere for an in-memory store.
func engineDir(dataDir string) string {
	if dataDir == ":memory:" {
		return ""
	}
	return filepath.Join(dataDir, "engine")
}

func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func envBool(name string) bool {
	b, _ := strconv.ParseBool(os.Getenv(name))
	return b
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return d
	}
	return def
}
