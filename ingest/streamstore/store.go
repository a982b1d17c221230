package streamstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/memlog"
)

// Options configure a Store. The zero value is an in-memory store with
// Kinesis's default limits.
type Options struct {
	// Dir holds the store's files; "" keeps everything in memory.
	Dir string
	// Limits: shards per stream, number of streams, per-shard write limits.
	Limits ingest.Limits
	// Log tunes each shard log (sync interval, segment size and age).
	Log ingest.LogOptions
	// OpenLog opens the durable log of one shard in a directory. Open with a
	// Dir needs it; OpenDir supplies the segment log.
	OpenLog func(dir string, opts ingest.LogOptions) (ingest.Log, error)
	// Region and AccountID appear in stream ARNs (defaults "us-east-1" and
	// "000000000000").
	Region    string
	AccountID string
	// Now is the store's clock (default time.Now). Tests move it to expire
	// iterators and age records past retention.
	Now func() time.Time
	// RetentionCheck is how often expired segments are dropped (default 1 min;
	// negative disables the background trimming, see Store.EnforceRetention).
	RetentionCheck time.Duration
}

// Store is an ingest.Store over shard logs.
type Store struct {
	opts Options

	mu      sync.RWMutex
	streams map[string]*stream
	closed  bool

	metaMu sync.Mutex // serialises writes of streams.json
	lock   *os.File   // the data directory's lock, held while open

	stop chan struct{}
	done chan struct{}
}

var _ ingest.Store = (*Store)(nil)

// Open opens the store in opts.Dir (creating it), or an in-memory store when
// opts.Dir is "".
func Open(opts Options) (*Store, error) {
	if opts.Limits.MaxShardsPerStream <= 0 {
		opts.Limits.MaxShardsPerStream = ingest.DefaultMaxShards
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.AccountID == "" {
		opts.AccountID = "000000000000"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.RetentionCheck == 0 {
		opts.RetentionCheck = time.Minute
	}
	if opts.Dir != "" && opts.OpenLog == nil {
		return nil, errors.New("open stream store: a durable store needs Options.OpenLog (use OpenDir)")
	}
	s := &Store{opts: opts, streams: map[string]*stream{}, stop: make(chan struct{}), done: make(chan struct{})}
	if opts.Dir != "" {
		if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("open stream store: %w", err)
		}
		lock, err := lockDir(opts.Dir)
		if err != nil {
			return nil, fmt.Errorf("open stream store: %w", err)
		}
		s.lock = lock
		if err := s.load(); err != nil {
			s.closeLogs()
			s.unlock()
			return nil, err
		}
	}
	if opts.RetentionCheck > 0 {
		go s.retentionLoop()
	} else {
		close(s.done)
	}
	return s, nil
}

// Limits implements ingest.Store.
func (s *Store) Limits() ingest.Limits { return s.opts.Limits }

// Close stops background work and closes every shard log. In-flight puts
// finish first: Close takes each stream's write lock.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	close(s.stop)
	<-s.done
	err := s.closeLogs()
	s.unlock()
	return err
}

func (s *Store) unlock() {
	if s.lock != nil {
		s.lock.Close()
		s.lock = nil
	}
}

// ErrLocked is returned by Open when another process has the directory
// open.
var ErrLocked = errors.New("the data directory is in use by another process (a running freshet serve? talk to it with --server)")

func (s *Store) closeLogs() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, st := range s.streams {
		st.mu.Lock()
		for _, sh := range st.shards {
			if err := sh.log.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close shard %s/%s: %w", st.name, ingest.ShardID(sh.ordinal), err))
			}
		}
		st.mu.Unlock()
	}
	return errors.Join(errs...)
}

// stream returns the named stream, or a not-found error for op.
func (s *Store) stream(op, name string) (*stream, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, &ingest.Error{Op: op, Kind: ingest.ErrClosed, Msg: "the store is closed"}
	}
	st, ok := s.streams[name]
	if !ok {
		return nil, ingest.Errorf(op, ingest.ErrNotFound, "Stream %s under account %s not found.", name, s.opts.AccountID)
	}
	return st, nil
}

func (s *Store) now() time.Time { return s.opts.Now() }

func (s *Store) arn(name string) string {
	return fmt.Sprintf("arn:aws:kinesis:%s:%s:stream/%s", s.opts.Region, s.opts.AccountID, name)
}

func (s *Store) newLog(st *stream, ordinal uint32) (ingest.Log, error) {
	if s.opts.Dir == "" {
		return memlog.New(s.opts.Log), nil
	}
	dir := filepath.Join(s.streamDir(st), ingest.ShardID(ordinal))
	l, err := s.opts.OpenLog(dir, s.opts.Log)
	if err != nil {
		return nil, fmt.Errorf("open shard log %s: %w", dir, err)
	}
	return l, nil
}

func (s *Store) streamDir(st *stream) string {
	return filepath.Join(s.opts.Dir, "streams", fmt.Sprintf("%s-%d", st.name, st.incarnation))
}

// ListStreams implements ingest.Store.
func (s *Store) ListStreams(ctx context.Context) ([]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	names := make([]string, 0, len(s.streams))
	for n := range s.streams {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}
