package kinesisapi

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/freshet/freshet/ingest"
)

// maxDataBytes is the largest Data blob the Kinesis model admits (10 MiB,
// the largest MaxRecordSizeInKiB). A stream's own, usually smaller, limit on
// data + partition key is the store's to enforce.
const maxDataBytes = 10 << 20

// checkRecord validates one record's members; field is the member path
// prefix ("" for PutRecord, "records.N.member." for PutRecords).
func checkRecord(v *validation, field string, e *ingest.PutEntry, present uint8) {
	if v.notNull(field+"partitionKey", present&hasKey != 0) {
		if n := utf8.RuneCountInString(e.PartitionKey); n < 1 || n > ingest.MaxPartitionKeyLen {
			v.length(field+"partitionKey", e.PartitionKey, 1, ingest.MaxPartitionKeyLen)
		}
	}
	if v.notNull(field+"data", present&hasData != 0) && len(e.Data) > maxDataBytes {
		v.add(fmt.Sprintf("'java.nio.HeapByteBuffer[pos=0 lim=%d cap=%d]'", len(e.Data), len(e.Data)), field+"data",
			fmt.Sprintf("Member must have length less than or equal to %d", maxDataBytes))
	}
	if present&hasHashKey != 0 {
		v.pattern(field+"explicitHashKey", e.ExplicitHashKey, hashKeyPattern, isDecimal(e.ExplicitHashKey, 39))
	}
}

// checkHashKey rejects an explicit hash key beyond 2^128-1.
func checkHashKey(k string) error {
	if len(k) < 39 {
		return nil
	}
	if _, err := ingest.ParseHashKey(k); err != nil {
		return invalidArg("Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was %s", k)
	}
	return nil
}

func (h *Handler) putRecords(ctx context.Context, body, out []byte) ([]byte, error) {
	in, err := decodePutRecords(body)
	if err != nil {
		return out, err
	}
	name, err := h.resolve(in.ref)
	if err != nil {
		return out, err
	}
	var v validation
	if v.notNull("records", in.hasList) {
		if n := len(in.records); n < 1 || n > ingest.MaxPutRecordsEntries {
			c := "Member must have length greater than or equal to 1"
			if n > 0 {
				c = fmt.Sprintf("Member must have length less than or equal to %d", ingest.MaxPutRecordsEntries)
			}
			v.add(fmt.Sprintf("'[%d records]'", n), "records", c)
		}
	}
	if err := v.err(); err != nil {
		return out, err
	}
	total := 0
	for i := range in.records {
		checkRecord(&v, "records."+strconv.Itoa(i+1)+".member.", &in.records[i], in.present[i])
		total += len(in.records[i].Data) + len(in.records[i].PartitionKey)
	}
	if err := v.err(); err != nil {
		return out, err
	}
	for i := range in.records {
		if err := checkHashKey(in.records[i].ExplicitHashKey); err != nil {
			return out, err
		}
	}
	if total > ingest.MaxPutRecordsBytes {
		return out, invalidArg("Records size exceeds 10 MB limit: the request holds %d bytes of data and partition keys; a PutRecords request may hold at most %d.", total, ingest.MaxPutRecordsBytes)
	}
	if in.dryRun {
		return h.dryRun(ctx, name, out)
	}
	results, err := h.store.PutRecords(ctx, name, in.records)
	if err != nil {
		return out, err
	}
	if len(results) != len(in.records) {
		return out, fmt.Errorf("put records: the store returned %d results for %d records", len(results), len(in.records))
	}
	return h.appendPutResults(out, name, results), nil
}

// appendPutResults writes the PutRecords response: one entry per record, in
// request order, failures with ErrorCode and ErrorMessage.
func (h *Handler) appendPutResults(out []byte, stream string, results []ingest.PutResult) []byte {
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
		}
	}
	out = append(out, `{"EncryptionType":"NONE","FailedRecordCount":`...)
	out = strconv.AppendInt(out, int64(failed), 10)
	out = append(out, `,"Records":[`...)
	for i, r := range results {
		if i > 0 {
			out = append(out, ',')
		}
		if r.Err != nil {
			code := typeThrottled
			if !errors.Is(r.Err, ingest.ErrThrottled) {
				code = typeInternal
				h.log.Error("kinesis api: put record failed", "stream", stream, "index", i, "err", r.Err)
			}
			out = append(out, `{"ErrorCode":`...)
			out = appendString(out, code)
			out = append(out, `,"ErrorMessage":`...)
			out = appendString(out, ingest.Message(r.Err))
			out = append(out, '}')
			continue
		}
		out = append(out, `{"SequenceNumber":`...)
		out = appendString(out, r.SequenceNumber)
		out = append(out, `,"ShardId":`...)
		out = appendString(out, r.ShardID)
		out = append(out, '}')
	}
	return append(out, "]}"...)
}

// dryRun answers a DryRun request: the stream must exist; nothing is written.
func (h *Handler) dryRun(ctx context.Context, name string, out []byte) ([]byte, error) {
	if _, err := h.store.DescribeStream(ctx, name); err != nil {
		return out, err
	}
	return append(out, "{}"...), nil
}

type putRecordRequest struct {
	streamRef
	Data                      []byte
	PartitionKey              *string
	ExplicitHashKey           *string
	SequenceNumberForOrdering *string
	DryRun                    bool
}

func (h *Handler) putRecord(ctx context.Context, body, out []byte) ([]byte, error) {
	var in putRecordRequest
	if err := decode(body, &in); err != nil {
		return out, err
	}
	name, err := h.resolve(in.streamRef)
	if err != nil {
		return out, err
	}
	e := ingest.PutEntry{Data: in.Data}
	var present uint8
	if in.Data != nil {
		present |= hasData
	}
	if in.PartitionKey != nil {
		e.PartitionKey, present = *in.PartitionKey, present|hasKey
	}
	if in.ExplicitHashKey != nil {
		e.ExplicitHashKey, present = *in.ExplicitHashKey, present|hasHashKey
	}
	var v validation
	checkRecord(&v, "", &e, present)
	if in.SequenceNumberForOrdering != nil {
		v.pattern("sequenceNumberForOrdering", *in.SequenceNumberForOrdering, seqPattern, isDecimal(*in.SequenceNumberForOrdering, 129))
		e.SequenceNumberForOrdering = *in.SequenceNumberForOrdering
	}
	if err := v.err(); err != nil {
		return out, err
	}
	if err := checkHashKey(e.ExplicitHashKey); err != nil {
		return out, err
	}
	if in.DryRun {
		return h.dryRun(ctx, name, out)
	}
	results, err := h.store.PutRecords(ctx, name, []ingest.PutEntry{e})
	if err != nil {
		return out, err
	}
	if len(results) != 1 {
		return out, fmt.Errorf("put record: the store returned %d results for 1 record", len(results))
	}
	if results[0].Err != nil {
		return out, results[0].Err
	}
	out = append(out, `{"EncryptionType":"NONE","SequenceNumber":`...)
	out = appendString(out, results[0].SequenceNumber)
	out = append(out, `,"ShardId":`...)
	out = appendString(out, results[0].ShardID)
	return append(out, '}'), nil
}
