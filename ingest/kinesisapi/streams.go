package kinesisapi

import (
	"context"
	"errors"
	"sort"

	"github.com/freshet/freshet/ingest"
)

// onDemandShards is the shard count a stream created in ON_DEMAND mode gets:
// Freshet has no on-demand capacity mode and provisions what an on-demand
// Kinesis stream starts with, 4 shards (see doc.go).
const onDemandShards = 4

type createStreamRequest struct {
	StreamName        *string
	ShardCount        *int64
	StreamModeDetails *struct {
		StreamMode *string
	}
	MaxRecordSizeInKiB *int64
	Tags               map[string]string
}

func (h *Handler) createStream(ctx context.Context, body, out []byte) ([]byte, error) {
	var in createStreamRequest
	if err := decode(body, &in); err != nil {
		return out, err
	}
	var v validation
	if v.notNull("streamName", in.StreamName != nil) {
		v.name("streamName", *in.StreamName)
	}
	if in.ShardCount != nil {
		v.intRange("shardCount", *in.ShardCount, 1, 100000)
	}
	mode := "PROVISIONED"
	if in.StreamModeDetails != nil && v.notNull("streamModeDetails.streamMode", in.StreamModeDetails.StreamMode != nil) {
		mode = *in.StreamModeDetails.StreamMode
		v.enum("streamModeDetails.streamMode", mode, "PROVISIONED", "ON_DEMAND")
	}
	if in.MaxRecordSizeInKiB != nil {
		v.intRange("maxRecordSizeInKiB", *in.MaxRecordSizeInKiB, 1024, 10240)
	}
	checkTags(&v, in.Tags, ingest.MaxTagsPerStream)
	if err := v.err(); err != nil {
		return out, err
	}
	cin := ingest.CreateStreamInput{Name: *in.StreamName, Tags: in.Tags}
	switch {
	case mode == "ON_DEMAND" && in.ShardCount != nil:
		return out, invalidArg("ShardCount must not be given for a stream in ON_DEMAND mode.")
	case mode == "ON_DEMAND":
		cin.ShardCount = onDemandShards
	case in.ShardCount == nil:
		return out, invalidArg("ShardCount is required for a stream in PROVISIONED mode.")
	default:
		cin.ShardCount = int(*in.ShardCount)
	}
	if in.MaxRecordSizeInKiB != nil {
		cin.MaxRecordSize = int(*in.MaxRecordSizeInKiB) << 10
	}
	if err := h.store.CreateStream(ctx, cin); err != nil {
		return out, err
	}
	return append(out, "{}"...), nil
}

type deleteStreamRequest struct {
	streamRef
	EnforceConsumerDeletion *bool
}

func (h *Handler) deleteStream(ctx context.Context, body, out []byte) ([]byte, error) {
	var in deleteStreamRequest
	if err := decode(body, &in); err != nil {
		return out, err
	}
	name, err := h.resolve(in.streamRef)
	if err != nil {
		return out, err
	}
	if err := h.store.DeleteStream(ctx, name); err != nil {
		return out, err
	}
	return append(out, "{}"...), nil
}

type describeStreamRequest struct {
	streamRef
	Limit                 *int64
	ExclusiveStartShardID *string `json:"ExclusiveStartShardId"`
}

type enhancedMetrics struct {
	ShardLevelMetrics []string
}

type streamMode struct {
	StreamMode string
}

type streamDescriptionJSON struct {
	EncryptionType          string
	EnhancedMonitoring      []enhancedMetrics
	HasMoreShards           bool
	RetentionPeriodHours    int
	Shards                  []shardJSON
	StreamARN               string
	StreamCreationTimestamp epochTime
	StreamModeDetails       streamMode
	StreamName              string
	StreamStatus            string
}

// noEnhancedMonitoring is what a stream without shard-level metrics reports.
func noEnhancedMonitoring() []enhancedMetrics {
	return []enhancedMetrics{{ShardLevelMetrics: []string{}}}
}

func (h *Handler) describeStream(ctx context.Context, body, out []byte) ([]byte, error) {
	var in describeStreamRequest
	if err := decode(body, &in); err != nil {
		return out, err
	}
	var v validation
	limit := int64(100)
	if in.Limit != nil {
		limit = *in.Limit
		v.intRange("limit", limit, 1, 10000)
	}
	if in.ExclusiveStartShardID != nil {
		v.name("exclusiveStartShardId", *in.ExclusiveStartShardID)
	}
	if err := v.err(); err != nil {
		return out, err
	}
	_, d, err := h.describe(ctx, in.streamRef)
	if err != nil {
		return out, err
	}
	shards := d.Shards
	if in.ExclusiveStartShardID != nil {
		shards = shardsAfter(shards, *in.ExclusiveStartShardID)
	}
	more := int64(len(shards)) > limit
	if more {
		shards = shards[:limit]
	}
	return encode(out, struct{ StreamDescription streamDescriptionJSON }{streamDescriptionJSON{
		EncryptionType:          "NONE",
		EnhancedMonitoring:      noEnhancedMonitoring(),
		HasMoreShards:           more,
		RetentionPeriodHours:    d.RetentionHours,
		Shards:                  shardsJSON(shards),
		StreamARN:               h.arnOf(d),
		StreamCreationTimestamp: epochTime(d.CreatedAt),
		StreamModeDetails:       streamMode{"PROVISIONED"},
		StreamName:              d.Name,
		StreamStatus:            string(d.Status),
	}})
}

// arnOf returns the stream's ARN as the store reports it, or as this
// endpoint forms it.
func (h *Handler) arnOf(d ingest.StreamDescription) string {
	if d.ARN != "" {
		return d.ARN
	}
	return h.streamARN(d.Name)
}

type streamSummaryJSON struct {
	ConsumerCount           int
	EncryptionType          string
	EnhancedMonitoring      []enhancedMetrics
	MaxRecordSizeInKiB      int `json:",omitempty"`
	OpenShardCount          int
	RetentionPeriodHours    int
	StreamARN               string
	StreamCreationTimestamp epochTime
	StreamModeDetails       streamMode
	StreamName              string
	StreamStatus            string
}

func (h *Handler) describeStreamSummary(ctx context.Context, body, out []byte) ([]byte, error) {
	var in streamRef
	if err := decode(body, &in); err != nil {
		return out, err
	}
	name, err := h.resolve(in)
	if err != nil {
		return out, err
	}
	d, err := h.store.DescribeStream(ctx, name)
	if err != nil {
		return out, err
	}
	return encode(out, struct{ StreamDescriptionSummary streamSummaryJSON }{streamSummaryJSON{
		EncryptionType:          "NONE",
		EnhancedMonitoring:      noEnhancedMonitoring(),
		MaxRecordSizeInKiB:      d.MaxRecordSize >> 10,
		OpenShardCount:          d.OpenShardCount,
		RetentionPeriodHours:    d.RetentionHours,
		StreamARN:               h.arnOf(d),
		StreamCreationTimestamp: epochTime(d.CreatedAt),
		StreamModeDetails:       streamMode{"PROVISIONED"},
		StreamName:              d.Name,
		StreamStatus:            string(d.Status),
	}})
}

type listStreamsRequest struct {
	Limit                    *int64
	ExclusiveStartStreamName *string
	NextToken                *string
}

type streamListEntry struct {
	StreamARN               string
	StreamCreationTimestamp epochTime
	StreamModeDetails       streamMode
	StreamName              string
	StreamStatus            string
}

type listStreamsResponse struct {
	HasMoreStreams  bool
	NextToken       string `json:",omitempty"`
	StreamNames     []string
	StreamSummaries []streamListEntry
}

func (h *Handler) listStreams(ctx context.Context, body, out []byte) ([]byte, error) {
	const op = "ListStreams"
	var in listStreamsRequest
	if err := decode(body, &in); err != nil {
		return out, err
	}
	var v validation
	limit := int64(100)
	if in.Limit != nil {
		limit = *in.Limit
		v.intRange("limit", limit, 1, 10000)
	}
	if in.ExclusiveStartStreamName != nil {
		v.name("exclusiveStartStreamName", *in.ExclusiveStartStreamName)
	}
	if in.NextToken != nil {
		v.length("nextToken", *in.NextToken, 1, 1048576)
	}
	if err := v.err(); err != nil {
		return out, err
	}
	after := ""
	switch {
	case in.NextToken != nil && in.ExclusiveStartStreamName != nil:
		return out, invalidArg("NextToken and ExclusiveStartStreamName cannot be provided together.")
	case in.NextToken != nil:
		t, err := h.decodeToken(op, *in.NextToken)
		if err != nil {
			return out, err
		}
		after = t.After
	case in.ExclusiveStartStreamName != nil:
		after = *in.ExclusiveStartStreamName
	}
	names, err := h.store.ListStreams(ctx)
	if err != nil {
		return out, err
	}
	sort.Strings(names)
	names = names[sort.SearchStrings(names, after):]
	if len(names) > 0 && names[0] == after {
		names = names[1:]
	}
	resp := listStreamsResponse{StreamNames: []string{}, StreamSummaries: []streamListEntry{}}
	for _, n := range names {
		if int64(len(resp.StreamNames)) == limit {
			resp.HasMoreStreams = true
			resp.NextToken = h.encodeToken(pageToken{Op: op, After: resp.StreamNames[len(resp.StreamNames)-1]})
			break
		}
		d, err := h.store.DescribeStream(ctx, n)
		if errors.Is(err, ingest.ErrNotFound) {
			continue // deleted since the listing
		}
		if err != nil {
			return out, err
		}
		resp.StreamNames = append(resp.StreamNames, n)
		resp.StreamSummaries = append(resp.StreamSummaries, streamListEntry{
			StreamARN:               h.arnOf(d),
			StreamCreationTimestamp: epochTime(d.CreatedAt),
			StreamModeDetails:       streamMode{"PROVISIONED"},
			StreamName:              d.Name,
			StreamStatus:            string(d.Status),
		})
	}
	return encode(out, resp)
}

func (h *Handler) describeLimits(ctx context.Context, body, out []byte) ([]byte, error) {
	var in struct{}
	if err := decode(body, &in); err != nil {
		return out, err
	}
	names, err := h.store.ListStreams(ctx)
	if err != nil {
		return out, err
	}
	open := 0
	for _, n := range names {
		d, err := h.store.DescribeStream(ctx, n)
		if errors.Is(err, ingest.ErrNotFound) {
			continue
		}
		if err != nil {
			return out, err
		}
		open += d.OpenShardCount
	}
	limit := h.store.Limits().MaxShardsPerStream
	if limit <= 0 {
		limit = ingest.DefaultMaxShards
	}
	return encode(out, struct {
		OnDemandStreamCount      int
		OnDemandStreamCountLimit int
		OpenShardCount           int
		ShardLimit               int
	}{0, 50, open, limit})
}
