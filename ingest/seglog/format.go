package seglog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/freshet/freshet/ingest"
)

// Record size limits. The stream store accepts records of up to 10 MiB
// (data and key together, per stream), and a partition key of up to
// ingest.MaxPartitionKeyLen characters takes at most four bytes each.
const (
	MaxKeyBytes  = 4 * ingest.MaxPartitionKeyLen
	MaxDataBytes = ingest.MaxRecordSizeLimit
)

const (
	headerSize    = 8                                      // length u32, CRC-32C u32
	fixedBody     = 22                                     // offset u64, arrival i64, key length u16, data length u32
	frameOverhead = headerSize + fixedBody                 // bytes of a frame besides key and data
	maxBody       = fixedBody + MaxKeyBytes + MaxDataBytes // the largest valid length field
	peekSize      = headerSize + 16                        // header, offset and arrival

	// indexInterval is the distance in bytes between sparse index points.
	indexInterval = 64 << 10

	segSuffix = ".seg"
	idxSuffix = ".idx"
	tmpSuffix = ".tmp"
)

// ErrCorrupt is wrapped by every error about bytes on disk that do not form
// valid frames or index files.
var ErrCorrupt = errors.New("corrupt segment data")

var le = binary.LittleEndian

func checksum(b []byte) uint32 {
	return crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli))
}

// segPath is the file of the segment whose first offset is base.
func segPath(dir string, base uint64) string {
	return filepath.Join(dir, fmt.Sprintf("%020d%s", base, segSuffix))
}

// idxPath is the index file of the segment whose first offset is base.
func idxPath(dir string, base uint64) string {
	return filepath.Join(dir, fmt.Sprintf("%020d%s", base, idxSuffix))
}

// parseName returns the base offset and suffix of a segment or index file
// name, or ok false for any other name.
func parseName(name string) (base uint64, suffix string, ok bool) {
	suffix = filepath.Ext(name)
	if suffix != segSuffix && suffix != idxSuffix {
		return 0, "", false
	}
	digits := strings.TrimSuffix(name, suffix)
	if len(digits) != 20 {
		return 0, "", false
	}
	base, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || base == 0 {
		return 0, "", false
	}
	return base, suffix, true
}

// encodedSize is the number of bytes appendFrames adds for entries.
func encodedSize(entries []ingest.Entry) int {
	n := 0
	for i := range entries {
		n += frameOverhead + len(entries[i].PartitionKey) + len(entries[i].Data)
	}
	return n
}

// checkEntries rejects entries too large for a frame.
func checkEntries(entries []ingest.Entry) error {
	for i := range entries {
		if k := len(entries[i].PartitionKey); k > MaxKeyBytes {
			return ingest.Errorf("append", ingest.ErrInvalidArgument,
				"entry %d: partition key of %d bytes exceeds %d", i, k, MaxKeyBytes)
		}
		if d := len(entries[i].Data); d > MaxDataBytes {
			return ingest.Errorf("append", ingest.ErrInvalidArgument,
				"entry %d: data of %d bytes exceeds %d", i, d, MaxDataBytes)
		}
	}
	return nil
}

// appendFrames encodes entries as frames onto buf, leaving offset, arrival
// and CRC zero: the committer fills them in when it places the frames.
func appendFrames(buf []byte, entries []ingest.Entry) []byte {
	for i := range entries {
		key, data := entries[i].PartitionKey, entries[i].Data
		buf = le.AppendUint32(buf, uint32(fixedBody+len(key)+len(data)))
		buf = append(buf, make([]byte, 4+16)...) // CRC, offset, arrival
		buf = le.AppendUint16(buf, uint16(len(key)))
		buf = append(buf, key...)
		buf = le.AppendUint32(buf, uint32(len(data)))
		buf = append(buf, data...)
	}
	return buf
}

// sealFrame writes offset and arrival into the frame at the start of b and
// then its CRC; it returns the frame's length.
func sealFrame(b []byte, off uint64, arrival int64) int {
	n := headerSize + int(le.Uint32(b))
	le.PutUint64(b[8:], off)
	le.PutUint64(b[16:], uint64(arrival))
	le.PutUint32(b[4:], checksum(b[headerSize:n]))
	return n
}

// frameLen returns the total length of the frame whose header starts b
// (len(b) >= headerSize), checking the length field's range.
func frameLen(b []byte) (int, error) {
	body := le.Uint32(b)
	if body < fixedBody || body > maxBody {
		return 0, fmt.Errorf("%w: frame length %d out of range", ErrCorrupt, body)
	}
	return headerSize + int(body), nil
}

// peek returns the offset and arrival fields of a frame from its first
// peekSize bytes, without verifying the CRC.
func peek(b []byte) (off uint64, arrival int64) {
	return le.Uint64(b[8:]), int64(le.Uint64(b[16:]))
}

// decode verifies the complete frame f and returns it as an entry whose key
// and data alias f.
func decode(f []byte) (ingest.Entry, error) {
	if got, want := checksum(f[headerSize:]), le.Uint32(f[4:]); got != want {
		return ingest.Entry{}, fmt.Errorf("%w: checksum %08x, want %08x", ErrCorrupt, got, want)
	}
	k := int(le.Uint16(f[24:]))
	if 30+k > len(f) {
		return ingest.Entry{}, fmt.Errorf("%w: key length %d overruns frame", ErrCorrupt, k)
	}
	d := int(le.Uint32(f[26+k:]))
	if 30+k+d != len(f) {
		return ingest.Entry{}, fmt.Errorf("%w: data length %d does not match frame", ErrCorrupt, d)
	}
	off, arrival := peek(f)
	return ingest.Entry{
		Offset:       off,
		Arrival:      arrival,
		PartitionKey: f[26 : 26+k : 26+k],
		Data:         f[30+k : 30+k+d : 30+k+d],
	}, nil
}
