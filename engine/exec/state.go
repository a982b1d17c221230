package exec

import (
	"context"
	"encoding/binary"
	"errors"
)

var errShortState = errors.New("restore: truncated state")

func appendVarint(dst []byte, v int64) []byte { return binary.AppendVarint(dst, v) }

func readVarint(b []byte) (int64, []byte, error) {
	v, n := binary.Varint(b)
	if n <= 0 {
		return 0, nil, errShortState
	}
	return v, b[n:], nil
}

func appendBytes(dst, b []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}

func readBytes(b []byte) ([]byte, []byte, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || uint64(len(b)-k) < n {
		return nil, nil, errShortState
	}
	return b[k : k+int(n)], b[k+int(n):], nil
}

var ctxBackground = context.Background()
