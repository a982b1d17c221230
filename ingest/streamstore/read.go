package streamstore

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"time"

	"github.com/freshet/freshet/ingest"
)

// An iterator token is base64 of: version (1 byte), stream incarnation (8),
// shard ordinal (4), offset (8), time of issue in Unix ms (8), stream name,
// then a CRC-32C of all that (4).
const iteratorVersion = 1

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

type iterator struct {
	incarnation int64
	ordinal     uint32
	offset      uint64
	issued      int64
	stream      string
}

func (it iterator) encode() string {
	b := make([]byte, 0, 33+len(it.stream)+4)
	b = append(b, iteratorVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(it.incarnation))
	b = binary.BigEndian.AppendUint32(b, it.ordinal)
	b = binary.BigEndian.AppendUint64(b, it.offset)
	b = binary.BigEndian.AppendUint64(b, uint64(it.issued))
	b = append(b, it.stream...)
	b = binary.BigEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
	return base64.StdEncoding.EncodeToString(b)
}

func decodeIterator(op, text string) (iterator, error) {
	bad := ingest.Errorf(op, ingest.ErrInvalidArgument, "Invalid ShardIterator.")
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil || len(b) < 29+1+4 || b[0] != iteratorVersion {
		return iterator{}, bad
	}
	body, sum := b[:len(b)-4], binary.BigEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return iterator{}, bad
	}
	return iterator{
		incarnation: int64(binary.BigEndian.Uint64(body[1:])),
		ordinal:     binary.BigEndian.Uint32(body[9:]),
		offset:      binary.BigEndian.Uint64(body[13:]),
		issued:      int64(binary.BigEndian.Uint64(body[21:])),
		stream:      string(body[29:]),
	}, nil
}

// ShardIterator implements ingest.Store.
func (s *Store) ShardIterator(ctx context.Context, name, shardID string, spec ingest.IteratorSpec) (string, error) {
	const op = "get shard iterator"
	st, err := s.stream(op, name)
	if err != nil {
		return "", err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	sh, err := st.shardByID(op, shardID)
	if err != nil {
		return "", err
	}
	off, err := s.position(op, st, sh, spec)
	if err != nil {
		return "", err
	}
	return iterator{incarnation: st.incarnation, ordinal: sh.ordinal, offset: off, issued: s.now().UnixMilli(), stream: name}.encode(), nil
}

// ShardPosition implements ingest.Store.
func (s *Store) ShardPosition(ctx context.Context, name, shardID string, spec ingest.IteratorSpec) (uint64, error) {
	const op = "shard position"
	st, err := s.stream(op, name)
	if err != nil {
		return 0, err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	sh, err := st.shardByID(op, shardID)
	if err != nil {
		return 0, err
	}
	return s.position(op, st, sh, spec)
}

// position resolves spec in sh; the caller holds st.mu.
func (s *Store) position(op string, st *stream, sh *shard, spec ingest.IteratorSpec) (uint64, error) {
	name := st.name
	var off uint64
	var err error
	switch spec.Type {
	case ingest.TrimHorizon:
		off = sh.log.First()
	case ingest.Latest:
		off = sh.log.Next()
	case ingest.AtSequenceNumber, ingest.AfterSequenceNumber:
		seq, err := ingest.ParseSequenceNumber(spec.SequenceNumber)
		if err != nil || seq.Shard != sh.ordinal || seq.Offset == 0 || seq.Offset >= sh.log.Next() {
			return 0, ingest.Errorf(op, ingest.ErrInvalidArgument,
				"StartingSequenceNumber %s used in GetShardIterator on shard %s in stream %s under account %s is invalid because it did not come from this stream.",
				spec.SequenceNumber, sh.id(), name, s.opts.AccountID)
		}
		off = seq.Offset
		if spec.Type == ingest.AfterSequenceNumber {
			off++
		}
	case ingest.AtTimestamp:
		off, err = sh.log.SeekTime(spec.Timestamp.UnixMilli())
		if err != nil {
			return 0, &ingest.Error{Op: op, Kind: ingest.ErrInternal, Msg: "Internal service failure.", Err: err}
		}
	default:
		return 0, ingest.Errorf(op, ingest.ErrInvalidArgument, "Invalid ShardIteratorType %q: must be one of TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, AT_TIMESTAMP.", spec.Type)
	}
	return off, nil
}

// GetRecords implements ingest.Store.
func (s *Store) GetRecords(ctx context.Context, text string, limit int) (ingest.GetRecordsResult, error) {
	const op = "get records"
	it, err := decodeIterator(op, text)
	if err != nil {
		return ingest.GetRecordsResult{}, err
	}
	now := s.now()
	if age := now.Sub(time.UnixMilli(it.issued)); age > ingest.IteratorTTL {
		return ingest.GetRecordsResult{}, ingest.Errorf(op, ingest.ErrExpiredIterator,
			"Iterator expired. The iterator was created at time %s while right now it is %s which is further in the future than the tolerated delay of %d milliseconds.",
			time.UnixMilli(it.issued).UTC().Format(time.RFC1123), now.UTC().Format(time.RFC1123), ingest.IteratorTTL.Milliseconds())
	}
	st, err := s.stream(op, it.stream)
	if err == nil && st.incarnation != it.incarnation {
		err = ingest.Errorf(op, ingest.ErrNotFound, "Stream %s under account %s not found (the iterator belongs to a deleted stream of that name).", it.stream, s.opts.AccountID)
	}
	if err != nil {
		return ingest.GetRecordsResult{}, err
	}
	res, err := s.read(op, st, ingest.ShardID(it.ordinal), it.offset, limit)
	if err != nil {
		return res, err
	}
	if res.ChildShards == nil {
		it.offset, it.issued = res.NextOffset, now.UnixMilli()
		res.NextIterator = it.encode()
	}
	return res, nil
}

// ReadShard implements ingest.Store.
func (s *Store) ReadShard(ctx context.Context, name, shardID string, from uint64, limit int) (ingest.GetRecordsResult, error) {
	const op = "read shard"
	st, err := s.stream(op, name)
	if err != nil {
		return ingest.GetRecordsResult{}, err
	}
	return s.read(op, st, shardID, from, limit)
}

func (s *Store) read(op string, st *stream, shardID string, from uint64, limit int) (ingest.GetRecordsResult, error) {
	if limit < 1 || limit > ingest.MaxGetRecordsLimit {
		return ingest.GetRecordsResult{}, ingest.Errorf(op, ingest.ErrValidation,
			"1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and %d", limit, ingest.MaxGetRecordsLimit)
	}
	st.mu.RLock()
	sh, err := st.shardByID(op, shardID)
	var closed bool
	var end uint64
	var children []ingest.ChildShard
	if err == nil {
		closed, end = sh.closed, sh.endOffset
		if closed {
			children = st.childShards(sh)
		}
	}
	st.mu.RUnlock()
	if err != nil {
		return ingest.GetRecordsResult{}, err
	}
	if first := sh.log.First(); from < first {
		from = first
	}
	entries, err := sh.log.Read(from, limit, ingest.MaxGetRecordsBytes)
	if err != nil {
		return ingest.GetRecordsResult{}, &ingest.Error{Op: op, Kind: ingest.ErrInternal, Msg: "Internal service failure.", Err: err}
	}
	res := ingest.GetRecordsResult{Stream: st.name, NextOffset: from, Records: make([]ingest.Record, len(entries))}
	// One string holds every partition key of the page: one allocation, not
	// one per record.
	n := 0
	for _, e := range entries {
		n += len(e.PartitionKey)
	}
	keys := make([]byte, 0, n)
	for _, e := range entries {
		keys = append(keys, e.PartitionKey...)
	}
	allKeys, pos := string(keys), 0
	for i, e := range entries {
		res.Records[i] = ingest.Record{
			Seq:          ingest.SequenceNumber{Shard: sh.ordinal, Offset: e.Offset},
			PartitionKey: allKeys[pos : pos+len(e.PartitionKey)],
			Data:         e.Data,
			Arrival:      time.UnixMilli(e.Arrival),
		}
		pos += len(e.PartitionKey)
		res.NextOffset = e.Offset + 1
	}
	if n := len(entries); n > 0 {
		if behind := sh.log.LastArrival() - entries[n-1].Arrival; behind > 0 && res.NextOffset < sh.log.Next() {
			res.MillisBehindLatest = behind
		}
	}
	if closed && res.NextOffset > end {
		res.ChildShards = children
		if res.ChildShards == nil {
			res.ChildShards = []ingest.ChildShard{}
		}
	}
	return res, nil
}

// childShards lists sh's children with their parents; the caller holds
// st.mu.
func (st *stream) childShards(sh *shard) []ingest.ChildShard {
	var out []ingest.ChildShard
	for _, c := range sh.children {
		cs, err := st.shardByID("", ingest.ShardID(c))
		if err != nil {
			continue
		}
		parents := []string{ingest.ShardID(uint32(cs.parent))}
		if cs.adjacent >= 0 {
			parents = append(parents, ingest.ShardID(uint32(cs.adjacent)))
		}
		out = append(out, ingest.ChildShard{ShardID: cs.id(), ParentShards: parents, HashKeyRange: cs.hashRange})
	}
	return out
}
