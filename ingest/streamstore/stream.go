package streamstore

import (
	"context"
	"fmt"
	"maps"
	"os"
	"sort"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/freshet/freshet/ingest"
)

// stream is one stream's state. mu guards everything below it.
type stream struct {
	name        string
	incarnation int64 // creation time, Unix nanoseconds
	created     time.Time

	mu             sync.RWMutex
	retentionHours int
	maxRecordSize  int
	tags           map[string]string
	nextOrdinal    uint32
	shards         []*shard // by ordinal
	open           []*shard // open shards by hash-key range start: the routing table
}

// shard is one shard of a stream.
type shard struct {
	ordinal   uint32
	parent    int64 // ordinal of the parent, -1 if none
	adjacent  int64 // ordinal of the adjacent parent, -1 if none
	hashRange ingest.HashRange
	created   time.Time
	closed    bool
	closedAt  time.Time
	endOffset uint64 // last offset of a closed shard
	children  []uint32
	log       ingest.Log
	limiter   *limiter
}

func (sh *shard) id() string { return ingest.ShardID(sh.ordinal) }

func (st *stream) shardByID(op, id string) (*shard, error) {
	ord, err := ingest.ParseShardID(id)
	if err == nil {
		i := sort.Search(len(st.shards), func(i int) bool { return st.shards[i].ordinal >= ord })
		if i < len(st.shards) && st.shards[i].ordinal == ord {
			return st.shards[i], nil
		}
	}
	return nil, ingest.Errorf(op, ingest.ErrNotFound, "Shard %s in stream %s does not exist", id, st.name)
}

// route returns the open shard whose hash-key range holds k.
func (st *stream) route(k ingest.HashKey) *shard {
	i := sort.Search(len(st.open), func(i int) bool { return st.open[i].hashRange.Start.Cmp(k) > 0 }) - 1
	if i < 0 {
		return nil
	}
	return st.open[i]
}

// rebuildRouting recomputes the open-shard table after a shard change.
func (st *stream) rebuildRouting() {
	st.open = st.open[:0]
	for _, sh := range st.shards {
		if !sh.closed {
			st.open = append(st.open, sh)
		}
	}
	sort.Slice(st.open, func(i, j int) bool { return st.open[i].hashRange.Start.Cmp(st.open[j].hashRange.Start) < 0 })
}

func validStreamName(name string) bool {
	if len(name) < 1 || len(name) > 128 {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

func validRetention(op string, hours int) error {
	if hours < ingest.MinRetentionHours || hours > ingest.MaxRetentionHours {
		return ingest.Errorf(op, ingest.ErrInvalidArgument,
			"Minimum allowed retention period is %d hours. Maximum allowed retention period is %d hours. Requested retention period (%d hours) is out of range.",
			ingest.MinRetentionHours, ingest.MaxRetentionHours, hours)
	}
	return nil
}

func validTags(op string, tags map[string]string) error {
	for k, v := range tags {
		if k == "" || utf8.RuneCountInString(k) > 128 {
			return ingest.Errorf(op, ingest.ErrInvalidArgument, "Tag key %q must be 1 to 128 characters long.", k)
		}
		if utf8.RuneCountInString(v) > 256 {
			return ingest.Errorf(op, ingest.ErrInvalidArgument, "Tag value for key %q must be at most 256 characters long.", k)
		}
	}
	return nil
}

// CreateStream implements ingest.Store.
func (s *Store) CreateStream(ctx context.Context, in ingest.CreateStreamInput) error {
	const op = "create stream"
	if !validStreamName(in.Name) {
		return ingest.Errorf(op, ingest.ErrValidation, "1 validation error detected: Value '%s' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have length between 1 and 128", in.Name)
	}
	if in.ShardCount < 1 {
		return ingest.Errorf(op, ingest.ErrValidation, "1 validation error detected: Value '%d' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1", in.ShardCount)
	}
	if in.ShardCount > s.opts.Limits.MaxShardsPerStream {
		return ingest.Errorf(op, ingest.ErrLimitExceeded, "This request would exceed the shard limit for the stream. Requested %d shards; the limit is %d.", in.ShardCount, s.opts.Limits.MaxShardsPerStream)
	}
	if in.RetentionHours == 0 {
		in.RetentionHours = ingest.DefaultRetentionHours
	}
	if err := validRetention(op, in.RetentionHours); err != nil {
		return err
	}
	if in.MaxRecordSize == 0 {
		in.MaxRecordSize = ingest.DefaultMaxRecordSize
	}
	if in.MaxRecordSize < 1024 || in.MaxRecordSize > ingest.MaxRecordSizeLimit {
		return ingest.Errorf(op, ingest.ErrInvalidArgument, "MaxRecordSize must be between 1 KiB and 10 MiB, not %d bytes.", in.MaxRecordSize)
	}
	if len(in.Tags) > ingest.MaxTagsPerStream {
		return ingest.Errorf(op, ingest.ErrInvalidArgument, "A stream can have at most %d tags.", ingest.MaxTagsPerStream)
	}
	if err := validTags(op, in.Tags); err != nil {
		return err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return &ingest.Error{Op: op, Kind: ingest.ErrClosed, Msg: "the store is closed"}
	}
	if _, ok := s.streams[in.Name]; ok {
		return ingest.Errorf(op, ingest.ErrInUse, "Stream %s under account %s already exists.", in.Name, s.opts.AccountID)
	}
	if m := s.opts.Limits.MaxStreams; m > 0 && len(s.streams) >= m {
		return ingest.Errorf(op, ingest.ErrLimitExceeded, "This request would exceed the limit of %d streams.", m)
	}
	now := s.now()
	st := &stream{
		name: in.Name, incarnation: now.UnixNano(), created: now,
		retentionHours: in.RetentionHours, maxRecordSize: in.MaxRecordSize,
		tags: maps.Clone(in.Tags),
	}
	if st.tags == nil {
		st.tags = map[string]string{}
	}
	for _, r := range ingest.EvenRanges(in.ShardCount) {
		if _, err := s.addShard(st, r, -1, -1); err != nil {
			closeShards(st)
			return fmt.Errorf("%s %s: %w", op, in.Name, err)
		}
	}
	st.rebuildRouting()
	s.streams[in.Name] = st
	if err := s.saveLocked(); err != nil {
		delete(s.streams, in.Name)
		closeShards(st)
		return fmt.Errorf("%s %s: %w", op, in.Name, err)
	}
	return nil
}

// addShard creates a shard with a new ordinal and its log. The caller holds
// the stream's write lock (or owns the stream exclusively) and persists.
func (s *Store) addShard(st *stream, r ingest.HashRange, parent, adjacent int64) (*shard, error) {
	ord := st.nextOrdinal
	l, err := s.newLog(st, ord)
	if err != nil {
		return nil, err
	}
	st.nextOrdinal++
	sh := &shard{ordinal: ord, parent: parent, adjacent: adjacent, hashRange: r, created: s.now(), log: l}
	if s.opts.Limits.ShardWriteLimits {
		sh.limiter = newLimiter(s.now())
	}
	st.shards = append(st.shards, sh)
	return sh, nil
}

func closeShards(st *stream) {
	for _, sh := range st.shards {
		sh.log.Remove()
	}
}

// DeleteStream implements ingest.Store. Its records are deleted with it.
func (s *Store) DeleteStream(ctx context.Context, name string) error {
	const op = "delete stream"
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.streams[name]
	if !ok {
		return ingest.Errorf(op, ingest.ErrNotFound, "Stream %s under account %s not found.", name, s.opts.AccountID)
	}
	delete(s.streams, name)
	if err := s.saveLocked(); err != nil {
		s.streams[name] = st
		return fmt.Errorf("%s %s: %w", op, name, err)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	closeShards(st)
	if s.opts.Dir != "" {
		if err := os.RemoveAll(s.streamDir(st)); err != nil {
			return fmt.Errorf("%s %s: remove files: %w", op, name, err)
		}
	}
	return nil
}

// DescribeStream implements ingest.Store.
func (s *Store) DescribeStream(ctx context.Context, name string) (ingest.StreamDescription, error) {
	st, err := s.stream("describe stream", name)
	if err != nil {
		return ingest.StreamDescription{}, err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	d := ingest.StreamDescription{
		Name: st.name, ARN: s.arn(st.name), Status: ingest.StatusActive, CreatedAt: st.created,
		RetentionHours: st.retentionHours, MaxRecordSize: st.maxRecordSize,
		OpenShardCount: len(st.open), Tags: maps.Clone(st.tags),
	}
	for _, sh := range st.shards {
		d.Shards = append(d.Shards, describeShard(sh))
	}
	return d, nil
}

func describeShard(sh *shard) ingest.Shard {
	d := ingest.Shard{
		ID: sh.id(), Ordinal: sh.ordinal, HashKeyRange: sh.hashRange,
		StartingSequenceNumber: ingest.SequenceNumber{Shard: sh.ordinal, Offset: 1}.String(),
		Closed:                 sh.closed, CreatedAt: sh.created,
	}
	if sh.parent >= 0 {
		d.ParentShardID = ingest.ShardID(uint32(sh.parent))
	}
	if sh.adjacent >= 0 {
		d.AdjacentParentShardID = ingest.ShardID(uint32(sh.adjacent))
	}
	if sh.closed {
		d.EndingSequenceNumber = ingest.SequenceNumber{Shard: sh.ordinal, Offset: sh.endOffset}.String()
	}
	return d
}

// SetRetention implements ingest.Store.
func (s *Store) SetRetention(ctx context.Context, name string, hours int) error {
	const op = "set retention"
	if err := validRetention(op, hours); err != nil {
		return err
	}
	return s.update(op, name, func(st *stream) error {
		st.retentionHours = hours
		return nil
	})
}

// AddTags implements ingest.Store.
func (s *Store) AddTags(ctx context.Context, name string, tags map[string]string) error {
	const op = "add tags"
	if err := validTags(op, tags); err != nil {
		return err
	}
	return s.update(op, name, func(st *stream) error {
		n := len(st.tags)
		for k := range tags {
			if _, ok := st.tags[k]; !ok {
				n++
			}
		}
		if n > ingest.MaxTagsPerStream {
			return ingest.Errorf(op, ingest.ErrLimitExceeded, "Failed to add tags to stream %s: a stream can have at most %d tags.", name, ingest.MaxTagsPerStream)
		}
		maps.Copy(st.tags, tags)
		return nil
	})
}

// RemoveTags implements ingest.Store.
func (s *Store) RemoveTags(ctx context.Context, name string, keys []string) error {
	return s.update("remove tags", name, func(st *stream) error {
		for _, k := range keys {
			delete(st.tags, k)
		}
		return nil
	})
}

// update applies fn to a stream under its write lock and persists the result.
// fn must leave the stream unchanged when it returns an error.
func (s *Store) update(op, name string, fn func(st *stream) error) error {
	st, err := s.stream(op, name)
	if err != nil {
		return err
	}
	st.mu.Lock()
	err = fn(st)
	st.mu.Unlock()
	if err != nil {
		return err
	}
	if err := s.save(); err != nil {
		return fmt.Errorf("%s %s: %w", op, name, err)
	}
	return nil
}
