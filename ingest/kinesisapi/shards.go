package kinesisapi

import (
	"context"
	"time"

	"github.com/freshet/freshet/ingest"
)

type hashKeyRangeJSON struct {
	EndingHashKey   string
	StartingHashKey string
}

type sequenceRangeJSON struct {
	EndingSequenceNumber   string `json:",omitempty"`
	StartingSequenceNumber string
}

type shardJSON struct {
	AdjacentParentShardID string `json:"AdjacentParentShardId,omitempty"`
	HashKeyRange          hashKeyRangeJSON
	ParentShardID         string `json:"ParentShardId,omitempty"`
	SequenceNumberRange   sequenceRangeJSON
	ShardID               string `json:"ShardId"`
}

func shardsJSON(shards []ingest.Shard) []shardJSON {
	out := make([]shardJSON, len(shards))
	for i, s := range shards {
		out[i] = shardJSON{
			AdjacentParentShardID: s.AdjacentParentShardID,
			HashKeyRange:          hashKeyRangeJSON{EndingHashKey: s.HashKeyRange.End.String(), StartingHashKey: s.HashKeyRange.Start.String()},
			ParentShardID:         s.ParentShardID,
			SequenceNumberRange:   sequenceRangeJSON{EndingSequenceNumber: s.EndingSequenceNumber, StartingSequenceNumber: s.StartingSequenceNumber},
			ShardID:               s.ID,
		}
	}
	return out
}

// shardsAfter returns the shards whose ordinal follows that of shard id
// (all of them when id is not a shard id).
func shardsAfter(shards []ingest.Shard, id string) []ingest.Shard {
	ord, err := ingest.ParseShardID(id)
	if err != nil {
		return shards
	}
	for i, s := range shards {
		if s.Ordinal > ord {
			return shards[i:]
		}
	}
	return nil
}

type shardFilter struct {
	Type      *string
	ShardID   *string    `json:"ShardId,omitempty"`
	Timestamp *epochTime `json:",omitempty"`
}

type listShardsRequest struct {
	streamRef
	NextToken               *string
	ExclusiveStartShardID   *string `json:"ExclusiveStartShardId"`
	MaxResults              *int64
	StreamCreationTimestamp *epochTime
	ShardFilter             *shardFilter
}

func (h *Handler) listShards(ctx context.Context, body, out []byte) ([]byte, error) {
	const op = "ListShards"
	var in listShardsRequest
	if err := decode(body, &in); err != nil {
		return out, err
	}
	var v validation
	if in.MaxResults != nil {
		v.intRange("maxResults", *in.MaxResults, 1, 10000)
	}
	if in.ExclusiveStartShardID != nil {
		v.name("exclusiveStartShardId", *in.ExclusiveStartShardID)
	}
	if in.NextToken != nil {
		v.length("nextToken", *in.NextToken, 1, 1048576)
	}
	if f := in.ShardFilter; f != nil {
		if v.notNull("shardFilter.type", f.Type != nil) {
			v.enum("shardFilter.type", *f.Type, "AFTER_SHARD_ID", "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON", "AT_LATEST", "AT_TIMESTAMP", "FROM_TIMESTAMP")
		}
		if f.ShardID != nil {
			v.name("shardFilter.shardId", *f.ShardID)
		}
	}
	if err := v.err(); err != nil {
		return out, err
	}

	t := pageToken{Op: op, Max: 1000, Filter: in.ShardFilter, After: deref(in.ExclusiveStartShardID)}
	if in.NextToken != nil {
		switch {
		case in.StreamName != nil || in.StreamARN != nil:
			return out, invalidArg("NextToken and StreamName cannot be provided together.")
		case in.ExclusiveStartShardID != nil:
			return out, invalidArg("NextToken and ExclusiveStartShardId cannot be provided together.")
		case in.ShardFilter != nil:
			return out, invalidArg("NextToken and ShardFilter cannot be provided together.")
		case in.StreamCreationTimestamp != nil:
			return out, invalidArg("NextToken and StreamCreationTimestamp cannot be provided together.")
		}
		var err error
		if t, err = h.decodeToken(op, *in.NextToken); err != nil {
			return out, err
		}
	} else {
		if in.StreamName == nil && in.StreamARN == nil && in.StreamID == nil {
			return out, invalidArg("Either NextToken or StreamName should be provided.")
		}
		name, err := h.resolve(in.streamRef)
		if err != nil {
			return out, err
		}
		t.Stream = name
		if err := checkFilter(in.ShardFilter); err != nil {
			return out, err
		}
	}
	if in.MaxResults != nil {
		t.Max = *in.MaxResults
	}

	d, err := h.store.DescribeStream(ctx, t.Stream)
	if err != nil {
		return out, err
	}
	created := d.CreatedAt.UnixMilli()
	switch {
	case in.StreamCreationTimestamp != nil && time.Time(*in.StreamCreationTimestamp).UnixMilli() != created,
		t.Created != 0 && t.Created != created:
		return out, clientErr(typeNotFound, "Stream %s with the given creation timestamp under account %s not found.", t.Stream, h.opts.AccountID)
	}
	t.Created = created

	shards := filterShards(d, t.Filter, h.opts.Now())
	if t.After != "" {
		shards = shardsAfter(shards, t.After)
	}
	resp := struct {
		NextToken string `json:",omitempty"`
		Shards    []shardJSON
	}{}
	if int64(len(shards)) > t.Max {
		shards = shards[:t.Max]
		t.After = shards[len(shards)-1].ID
		resp.NextToken = h.encodeToken(t)
	}
	resp.Shards = shardsJSON(shards)
	return encode(out, resp)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// checkFilter checks that a shard filter carries what its type needs.
func checkFilter(f *shardFilter) error {
	if f == nil {
		return nil
	}
	switch *f.Type {
	case "AFTER_SHARD_ID":
		if f.ShardID == nil {
			return invalidArg("ShardFilter of type AFTER_SHARD_ID requires a ShardId.")
		}
	case "AT_TIMESTAMP", "FROM_TIMESTAMP":
		if f.Timestamp == nil {
			return invalidArg("ShardFilter of type %s requires a Timestamp.", *f.Type)
		}
	}
	return nil
}

// filterShards applies a ShardFilter. A closed shard's end is the creation
// time of its children; it lies beyond the trim horizon once it ended more
// than the retention period ago.
func filterShards(d ingest.StreamDescription, f *shardFilter, now time.Time) []ingest.Shard {
	if f == nil || f.Type == nil {
		return d.Shards
	}
	ended := map[string]time.Time{}
	for _, s := range d.Shards {
		for _, p := range []string{s.ParentShardID, s.AdjacentParentShardID} {
			if e, ok := ended[p]; p != "" && (!ok || s.CreatedAt.Before(e)) {
				ended[p] = s.CreatedAt
			}
		}
	}
	horizon := now.Add(-time.Duration(d.RetentionHours) * time.Hour)
	expired := func(id string) bool {
		e, ok := ended[id]
		return ok && e.Before(horizon)
	}
	exists := map[string]bool{}
	for _, s := range d.Shards {
		exists[s.ID] = true
	}
	gone := func(id string) bool { return id == "" || !exists[id] || expired(id) }
	at := func() time.Time {
		ts := time.Time(*f.Timestamp)
		if ts.Before(d.CreatedAt) {
			ts = d.CreatedAt
		}
		return ts
	}

	var keep func(s ingest.Shard) bool
	switch *f.Type {
	case "AT_LATEST":
		keep = func(s ingest.Shard) bool { return !s.Closed }
	case "AT_TRIM_HORIZON":
		keep = func(s ingest.Shard) bool {
			return !expired(s.ID) && gone(s.ParentShardID) && gone(s.AdjacentParentShardID)
		}
	case "FROM_TRIM_HORIZON":
		keep = func(s ingest.Shard) bool { return !expired(s.ID) }
	case "AT_TIMESTAMP":
		ts := at()
		keep = func(s ingest.Shard) bool {
			e, closed := ended[s.ID]
			return !s.CreatedAt.After(ts) && (!s.Closed || !closed || e.After(ts))
		}
	case "FROM_TIMESTAMP":
		ts := at()
		keep = func(s ingest.Shard) bool {
			e, closed := ended[s.ID]
			return !s.Closed || !closed || e.After(ts)
		}
	case "AFTER_SHARD_ID":
		return shardsAfter(d.Shards, *f.ShardID)
	default:
		return d.Shards
	}
	var out []ingest.Shard
	for _, s := range d.Shards {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}

type splitShardRequest struct {
	streamRef
	ShardToSplit       *string
	NewStartingHashKey *string
}

func (h *Handler) splitShard(ctx context.Context, body, out []byte) ([]byte, error) {
	var in splitShardRequest
	if err := decode(body, &in); err != nil {
		return out, err
	}
	var v validation
	if v.notNull("shardToSplit", in.ShardToSplit != nil) {
		v.name("shardToSplit", *in.ShardToSplit)
	}
	if v.notNull("newStartingHashKey", in.NewStartingHashKey != nil) {
		v.pattern("newStartingHashKey", *in.NewStartingHashKey, hashKeyPattern, isDecimal(*in.NewStartingHashKey, 39))
	}
	if err := v.err(); err != nil {
		return out, err
	}
	name, err := h.resolve(in.streamRef)
	if err != nil {
		return out, err
	}
	if _, err := ingest.ParseHashKey(*in.NewStartingHashKey); err != nil {
		return out, invalidArg("NewStartingHashKey %s is outside the hash key space [0, 2^128-1].", *in.NewStartingHashKey)
	}
	if err := h.store.SplitShard(ctx, name, *in.ShardToSplit, *in.NewStartingHashKey); err != nil {
		return out, err
	}
	return append(out, "{}"...), nil
}

type mergeShardsRequest struct {
	streamRef
	ShardToMerge         *string
	AdjacentShardToMerge *string
}

func (h *Handler) mergeShards(ctx context.Context, body, out []byte) ([]byte, error) {
	var in mergeShardsRequest
	if err := decode(body, &in); err != nil {
		return out, err
	}
	var v validation
	if v.notNull("shardToMerge", in.ShardToMerge != nil) {
		v.name("shardToMerge", *in.ShardToMerge)
	}
	if v.notNull("adjacentShardToMerge", in.AdjacentShardToMerge != nil) {
		v.name("adjacentShardToMerge", *in.AdjacentShardToMerge)
	}
	if err := v.err(); err != nil {
		return out, err
	}
	name, err := h.resolve(in.streamRef)
	if err != nil {
		return out, err
	}
	if err := h.store.MergeShards(ctx, name, *in.ShardToMerge, *in.AdjacentShardToMerge); err != nil {
		return out, err
	}
	return append(out, "{}"...), nil
}

type updateShardCountRequest struct {
	streamRef
	TargetShardCount *int64
	ScalingType      *string
}

func (h *Handler) updateShardCount(ctx context.Context, body, out []byte) ([]byte, error) {
	var in updateShardCountRequest
	if err := decode(body, &in); err != nil {
		return out, err
	}
	var v validation
	if v.notNull("targetShardCount", in.TargetShardCount != nil) {
		v.intRange("targetShardCount", *in.TargetShardCount, 1, 100000)
	}
	if v.notNull("scalingType", in.ScalingType != nil) {
		v.enum("scalingType", *in.ScalingType, "UNIFORM_SCALING")
	}
	if err := v.err(); err != nil {
		return out, err
	}
	name, d, err := h.describe(ctx, in.streamRef)
	if err != nil {
		return out, err
	}
	if err := h.store.UpdateShardCount(ctx, name, int(*in.TargetShardCount)); err != nil {
		return out, err
	}
	return encode(out, struct {
		CurrentShardCount int
		StreamARN         string
		StreamName        string
		TargetShardCount  int64
	}{d.OpenShardCount, h.arnOf(d), d.Name, *in.TargetShardCount})
}
