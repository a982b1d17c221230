package kinesisapi

import (
	"context"
	"encoding/base64"
	"strconv"
	"time"

	"github.com/freshet/freshet/ingest"
)

type getShardIteratorRequest struct {
	streamRef
	ShardID                *string `json:"ShardId"`
	ShardIteratorType      *string
	StartingSequenceNumber *string
	Timestamp              *epochTime
	DryRun                 bool
}

func (h *Handler) getShardIterator(ctx context.Context, body, out []byte) ([]byte, error) {
	var in getShardIteratorRequest
	if err := decode(body, &in); err != nil {
		return out, err
	}
	var v validation
	if v.notNull("shardId", in.ShardID != nil) {
		v.name("shardId", *in.ShardID)
	}
	if v.notNull("shardIteratorType", in.ShardIteratorType != nil) {
		v.enum("shardIteratorType", *in.ShardIteratorType, string(ingest.AtSequenceNumber), string(ingest.AfterSequenceNumber),
			string(ingest.TrimHorizon), string(ingest.Latest), string(ingest.AtTimestamp))
	}
	if in.StartingSequenceNumber != nil {
		v.pattern("startingSequenceNumber", *in.StartingSequenceNumber, seqPattern, isDecimal(*in.StartingSequenceNumber, 129))
	}
	if err := v.err(); err != nil {
		return out, err
	}
	name, err := h.resolve(in.streamRef)
	if err != nil {
		return out, err
	}
	typ := ingest.IteratorType(*in.ShardIteratorType)
	spec := ingest.IteratorSpec{Type: typ}
	switch typ {
	case ingest.AtSequenceNumber, ingest.AfterSequenceNumber, ingest.TrimHorizon, ingest.Latest:
		bySeq := typ == ingest.AtSequenceNumber || typ == ingest.AfterSequenceNumber
		if bySeq != (in.StartingSequenceNumber != nil) {
			also := "no StartingSequenceNumber"
			if in.StartingSequenceNumber != nil {
				also = "also a StartingSequenceNumber"
			}
			return out, invalidArg("Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified %s and %s.", typ, also)
		}
		if in.Timestamp != nil {
			return out, invalidArg("A Timestamp is only allowed with an iterator of type AT_TIMESTAMP; this request specified %s.", typ)
		}
		if bySeq {
			spec.SequenceNumber = *in.StartingSequenceNumber
		}
	case ingest.AtTimestamp:
		if in.Timestamp == nil {
			return out, invalidArg("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.")
		}
		if in.StartingSequenceNumber != nil {
			return out, invalidArg("A StartingSequenceNumber is not allowed with an iterator of type AT_TIMESTAMP.")
		}
		spec.Timestamp = time.Time(*in.Timestamp)
	}
	if in.DryRun {
		return h.dryRun(ctx, name, out)
	}
	it, err := h.store.ShardIterator(ctx, name, *in.ShardID, spec)
	if err != nil {
		return out, err
	}
	out = append(out, `{"ShardIterator":`...)
	out = appendString(out, it)
	return append(out, '}'), nil
}

type getRecordsRequest struct {
	ShardIterator *string
	Limit         *int64
	StreamARN     *string
	StreamID      *string `json:"StreamId"`
	DryRun        bool
}

func (h *Handler) getRecords(ctx context.Context, body, out []byte) ([]byte, error) {
	var in getRecordsRequest
	if err := decode(body, &in); err != nil {
		return out, err
	}
	var v validation
	if v.notNull("shardIterator", in.ShardIterator != nil) {
		v.length("shardIterator", *in.ShardIterator, 1, 512)
	}
	limit := int64(ingest.MaxGetRecordsLimit)
	if in.Limit != nil {
		limit = *in.Limit
		v.intRange("limit", limit, 1, ingest.MaxGetRecordsLimit)
	}
	if err := v.err(); err != nil {
		return out, err
	}
	if in.StreamARN != nil {
		if _, err := h.resolve(streamRef{StreamARN: in.StreamARN}); err != nil {
			return out, err
		}
	}
	res, err := h.store.GetRecords(ctx, *in.ShardIterator, int(limit))
	if err != nil {
		return out, err
	}
	return appendGetRecords(out, &res), nil
}

// appendGetRecords writes the GetRecords response. NextShardIterator is
// left out (null) once a closed shard has been read to its end.
func appendGetRecords(out []byte, res *ingest.GetRecordsResult) []byte {
	out = append(out, '{')
	if len(res.ChildShards) > 0 {
		out = append(out, `"ChildShards":[`...)
		for i, c := range res.ChildShards {
			if i > 0 {
				out = append(out, ',')
			}
			out = append(out, `{"HashKeyRange":`...)
			out = appendHashRange(out, c.HashKeyRange)
			out = append(out, `,"ParentShards":[`...)
			for j, p := range c.ParentShards {
				if j > 0 {
					out = append(out, ',')
				}
				out = appendString(out, p)
			}
			out = append(out, `],"ShardId":`...)
			out = appendString(out, c.ShardID)
			out = append(out, '}')
		}
		out = append(out, "],"...)
	}
	out = append(out, `"MillisBehindLatest":`...)
	out = strconv.AppendInt(out, res.MillisBehindLatest, 10)
	if res.NextIterator != "" {
		out = append(out, `,"NextShardIterator":`...)
		out = appendString(out, res.NextIterator)
	}
	out = append(out, `,"Records":[`...)
	for i := range res.Records {
		r := &res.Records[i]
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, `{"ApproximateArrivalTimestamp":`...)
		out = appendEpoch(out, r.Arrival)
		out = append(out, `,"Data":"`...)
		out = base64.StdEncoding.AppendEncode(out, r.Data)
		out = append(out, `","PartitionKey":`...)
		out = appendString(out, r.PartitionKey)
		out = append(out, `,"SequenceNumber":`...)
		out = appendString(out, r.SequenceNumber())
		out = append(out, '}')
	}
	return append(out, "]}"...)
}

func appendHashRange(out []byte, r ingest.HashRange) []byte {
	out = append(out, `{"EndingHashKey":"`...)
	out = r.End.Big().Append(out, 10)
	out = append(out, `","StartingHashKey":"`...)
	out = r.Start.Big().Append(out, 10)
	return append(out, `"}`...)
}
