package output

import (
	"bytes"
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotFound is the kind of error an ObjectStore returns for a key that
// does not exist; test for it with errors.Is.
var ErrNotFound = errors.New("object not found")

// ObjectStore is a flat namespace of immutable objects addressed by
// slash-separated keys, relative to the store's root (an S3 bucket and
// prefix, or a local directory). Implementations are safe for concurrent use.
//
// Keys are non-empty, use '/' as separator, and contain no empty, "." or ".."
// segments (ValidateKey). A Put is atomic: a reader sees either the old
// object, the new one or none, never a partial one.
type ObjectStore interface {
	// Put stores the bytes read from r under key, replacing any object
	// there. size is r's length when known, else -1.
	Put(ctx context.Context, key string, r io.Reader, size int64, opts PutOptions) error
	// Get opens the object at key. The caller closes the reader.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// GetRange opens length bytes of the object at key from offset off
	// (fewer at the end of the object; length < 0 means to the end).
	GetRange(ctx context.Context, key string, off, length int64) (io.ReadCloser, error)
	// Stat describes the object at key.
	Stat(ctx context.Context, key string) (ObjectInfo, error)
	// List returns up to limit objects whose keys start with prefix and
	// sort after startAfter, in lexical key order, and whether more follow.
	// limit <= 0 means an implementation-chosen page size (1000).
	List(ctx context.Context, prefix, startAfter string, limit int) (ListPage, error)
	// Delete removes the object at key; deleting a missing key is not an
	// error.
	Delete(ctx context.Context, key string) error
}

// PutOptions are the optional attributes of a stored object.
type PutOptions struct {
	// ContentType is the object's MIME type (S3 Content-Type); a local
	// directory ignores it.
	ContentType string
	// SSE is the server-side encryption: "" (none), "AES256" or "aws:kms";
	// a local directory ignores it.
	SSE string
	// SSEKMSKeyID names the KMS key when SSE is "aws:kms" ("" is the
	// account's default key).
	SSEKMSKeyID string
}

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Key      string
	Size     int64
	Modified time.Time
}

// ListPage is one page of List.
type ListPage struct {
	Objects []ObjectInfo
	// More reports that objects after the last one returned also match;
	// ask again with startAfter set to the last key.
	More bool
}

// DefaultListLimit is the page size List uses when asked for limit <= 0.
const DefaultListLimit = 1000

// ListAll lists every object under prefix, page by page.
func ListAll(ctx context.Context, s ObjectStore, prefix string) ([]ObjectInfo, error) {
	var out []ObjectInfo
	after := ""
	for {
		page, err := s.List(ctx, prefix, after, 0)
		if err != nil {
			return out, err
		}
		out = append(out, page.Objects...)
		if !page.More || len(page.Objects) == 0 {
			return out, nil
		}
		after = page.Objects[len(page.Objects)-1].Key
	}
}

// PutBytes stores b under key.
func PutBytes(ctx context.Context, s ObjectStore, key string, b []byte, opts PutOptions) error {
	return s.Put(ctx, key, bytes.NewReader(b), int64(len(b)), opts)
}

// ReadAll returns the whole object at key.
func ReadAll(ctx context.Context, s ObjectStore, key string) ([]byte, error) {
	r, err := s.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}
