package ingest

import (
	"errors"
	"fmt"
)

// Error kinds. An *Error unwraps to exactly one of these, so callers branch
// with errors.Is(err, ingest.ErrNotFound) and the Kinesis API maps each onto
// the AWS exception of the same meaning.
var (
	// ErrNotFound: the stream or shard does not exist (ResourceNotFoundException).
	ErrNotFound = errors.New("resource not found")
	// ErrInUse: the stream exists already or is in the wrong state (ResourceInUseException).
	ErrInUse = errors.New("resource in use")
	// ErrInvalidArgument: a parameter is out of range or malformed (InvalidArgumentException).
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrLimitExceeded: a shard or stream limit would be exceeded (LimitExceededException).
	ErrLimitExceeded = errors.New("limit exceeded")
	// ErrThrottled: a shard's write limit was hit (ProvisionedThroughputExceededException).
	ErrThrottled = errors.New("provisioned throughput exceeded")
	// ErrExpiredIterator: a shard iterator is older than IteratorTTL (ExpiredIteratorException).
	ErrExpiredIterator = errors.New("iterator expired")
	// ErrValidation: a request violates a documented constraint such as the
	// partition key length (ValidationException).
	ErrValidation = errors.New("validation failed")
	// ErrInternal: the store itself failed, e.g. a disk error (InternalFailure).
	ErrInternal = errors.New("internal failure")
	// ErrClosed: the store has been closed.
	ErrClosed = errors.New("store closed")
)

// Error is a failed store operation: which operation, which kind of failure,
// and a message meant for the client (it becomes the AWS "message").
type Error struct {
	Op   string // the operation that failed, e.g. "put records"
	Kind error  // one of the Err* sentinels above
	Msg  string // human-readable detail, safe to show to a client
	Err  error  // underlying cause, if any
}

func (e *Error) Error() string {
	s := e.Op + ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap lets errors.Is match both the kind and the underlying cause.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

// Errorf builds an *Error of the given kind.
func Errorf(op string, kind error, format string, args ...any) *Error {
	return &Error{Op: op, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// Message returns the client-facing message of err: the Msg of an *Error,
// else err's text.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return err.Error()
}
