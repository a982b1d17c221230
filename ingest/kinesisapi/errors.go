package kinesisapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/freshet/freshet/ingest"
)

// AWS error types ("__type") the API answers with.
const (
	typeNotFound        = "ResourceNotFoundException"
	typeInUse           = "ResourceInUseException"
	typeInvalidArgument = "InvalidArgumentException"
	typeLimitExceeded   = "LimitExceededException"
	typeThrottled       = "ProvisionedThroughputExceededException"
	typeExpiredIterator = "ExpiredIteratorException"
	typeExpiredToken    = "ExpiredNextTokenException"
	typeValidation      = "ValidationException"
	typeSerialization   = "SerializationException"
	typeUnknownOp       = "UnknownOperationException"
	typeInternal        = "InternalFailure"
	typeUnavailable     = "ServiceUnavailable"
)

// apiError is an error response: HTTP status, AWS error type and message.
type apiError struct {
	status int
	typ    string
	msg    string
	cause  error // logged for internal failures; never sent
}

func (e *apiError) Error() string { return e.typ + ": " + e.msg }

func clientErr(typ, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: typ, msg: fmt.Sprintf(format, args...)}
}

func invalidArg(format string, args ...any) *apiError {
	return clientErr(typeInvalidArgument, format, args...)
}

// toAPIError maps an error from an operation onto the response it becomes:
// an *apiError as it is, a store error by its kind, anything else an
// internal failure.
func toAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	kinds := []struct {
		kind error
		typ  string
	}{
		{ingest.ErrNotFound, typeNotFound},
		{ingest.ErrInUse, typeInUse},
		{ingest.ErrInvalidArgument, typeInvalidArgument},
		{ingest.ErrLimitExceeded, typeLimitExceeded},
		{ingest.ErrThrottled, typeThrottled},
		{ingest.ErrExpiredIterator, typeExpiredIterator},
		{ingest.ErrValidation, typeValidation},
	}
	for _, k := range kinds {
		if errors.Is(err, k.kind) {
			return &apiError{status: http.StatusBadRequest, typ: k.typ, msg: ingest.Message(err)}
		}
	}
	if errors.Is(err, ingest.ErrClosed) {
		return &apiError{status: http.StatusServiceUnavailable, typ: typeUnavailable, msg: "The stream store is shut down.", cause: err}
	}
	if errors.Is(err, context.Canceled) {
		// The client went away; whatever is sent is not read.
		return &apiError{status: 499, typ: typeInternal, msg: "Request canceled.", cause: err}
	}
	return &apiError{status: http.StatusInternalServerError, typ: typeInternal, cause: err}
}

// validation collects constraint violations the way AWS reports them:
// "2 validation errors detected: Value 'x' at 'streamName' failed to satisfy
// constraint: …; Value …". AWS stops listing at ten.
type validation struct{ errs []string }

const maxListedViolations = 10

func (v *validation) add(value, field, constraint string) {
	if len(v.errs) < maxListedViolations {
		v.errs = append(v.errs, "Value "+value+" at '"+field+"' failed to satisfy constraint: "+constraint)
	}
}

func quoteValue(s string) string { return "'" + s + "'" }

// notNull reports a missing required member.
func (v *validation) notNull(field string, present bool) bool {
	if !present {
		v.add("null", field, "Member must not be null")
	}
	return present
}

// length checks a string's length in Unicode characters.
func (v *validation) length(field, s string, lo, hi int) {
	n := utf8.RuneCountInString(s)
	if n < lo {
		v.add(quoteValue(s), field, fmt.Sprintf("Member must have length greater than or equal to %d", lo))
	}
	if n > hi {
		v.add(quoteValue(s), field, fmt.Sprintf("Member must have length less than or equal to %d", hi))
	}
}

// intRange checks lo <= n <= hi.
func (v *validation) intRange(field string, n int64, lo, hi int64) {
	if n < lo {
		v.add(fmt.Sprintf("'%d'", n), field, fmt.Sprintf("Member must have value greater than or equal to %d", lo))
	}
	if n > hi {
		v.add(fmt.Sprintf("'%d'", n), field, fmt.Sprintf("Member must have value less than or equal to %d", hi))
	}
}

// pattern checks s against ok, reporting the regular expression AWS names.
func (v *validation) pattern(field, s, re string, ok bool) {
	if !ok {
		v.add(quoteValue(s), field, "Member must satisfy regular expression pattern: "+re)
	}
}

// enum checks that s is one of set.
func (v *validation) enum(field, s string, set ...string) {
	for _, x := range set {
		if s == x {
			return
		}
	}
	v.add(quoteValue(s), field, "Member must satisfy enum value set: ["+strings.Join(set, ", ")+"]")
}

func (v *validation) err() error {
	if len(v.errs) == 0 {
		return nil
	}
	s := ""
	if len(v.errs) > 1 {
		s = "s"
	}
	return clientErr(typeValidation, "%d validation error%s detected: %s", len(v.errs), s, strings.Join(v.errs, "; "))
}
