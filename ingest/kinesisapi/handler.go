package kinesisapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/freshet/freshet/ingest"
	"github.com/freshet/freshet/ingest/sigv4"
)

// DefaultMaxBodyBytes is the default request body cap: 16 MiB. The largest
// legal request is a PutRecords of 10 MiB of data and partition keys; base64
// inflates the data by 4/3 (to 13.4 MiB) and the JSON around 500 records,
// escaped partition keys and explicit hash keys add at most about 1.5 MiB.
const DefaultMaxBodyBytes = 16 << 20

// targetPrefix is the X-Amz-Target service prefix of Kinesis Data Streams.
const targetPrefix = "Kinesis_20131202."

const contentType = "application/x-amz-json-1.1"

// Options configure a Handler. The zero value is usable.
type Options struct {
	// Region is the AWS region the endpoint claims to be (default
	// "us-east-1"); stream ARNs carry it and a StreamARN must name it.
	Region string
	// AccountID is the 12-digit account in stream ARNs (default
	// "000000000000"); a StreamARN must name it.
	AccountID string
	// Credentials, when set, verifies the SigV4 signature of every request
	// and rejects unsigned or wrongly signed ones. Nil accepts any
	// credentials (and unsigned requests), as local Kinesis emulators do.
	Credentials *sigv4.Verifier
	// Logger receives internal failures (at Error) and one line per failed
	// request (at Debug). Nil discards.
	Logger *slog.Logger
	// MaxBodyBytes caps a request body (default DefaultMaxBodyBytes). A
	// larger request is read to its end and answered with HTTP 413 and an
	// InvalidArgumentException, so the client sees an error, not a reset
	// connection.
	MaxBodyBytes int64
	// Now is the clock used for pagination-token expiry (default time.Now).
	Now func() time.Time
}

// Handler serves the Kinesis Data Streams JSON API (awsJson1_1) over an
// ingest.Store. It is safe for concurrent use.
type Handler struct {
	store ingest.Store
	opts  Options
	log   *slog.Logger
	ops   map[string]operation

	inBufs  sync.Pool // *bytes.Buffer: request bodies
	outBufs sync.Pool // *[]byte: response bodies
}

var _ http.Handler = (*Handler)(nil)

// operation runs one API operation: it decodes body, calls the store and
// appends the JSON response to out.
type operation func(h *Handler, ctx context.Context, body, out []byte) ([]byte, error)

// NewHandler returns a Handler serving store with opts.
func NewHandler(store ingest.Store, opts Options) *Handler {
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.AccountID == "" {
		opts.AccountID = "000000000000"
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{store: store, opts: opts, log: log}
	h.inBufs.New = func() any { return new(bytes.Buffer) }
	h.outBufs.New = func() any { b := make([]byte, 0, 4096); return &b }
	h.ops = map[string]operation{
		"CreateStream":                  (*Handler).createStream,
		"DeleteStream":                  (*Handler).deleteStream,
		"DescribeStream":                (*Handler).describeStream,
		"DescribeStreamSummary":         (*Handler).describeStreamSummary,
		"ListStreams":                   (*Handler).listStreams,
		"DescribeLimits":                (*Handler).describeLimits,
		"IncreaseStreamRetentionPeriod": (*Handler).increaseRetention,
		"DecreaseStreamRetentionPeriod": (*Handler).decreaseRetention,
		"ListShards":                    (*Handler).listShards,
		"SplitShard":                    (*Handler).splitShard,
		"MergeShards":                   (*Handler).mergeShards,
		"UpdateShardCount":              (*Handler).updateShardCount,
		"PutRecord":                     (*Handler).putRecord,
		"PutRecords":                    (*Handler).putRecords,
		"GetShardIterator":              (*Handler).getShardIterator,
		"GetRecords":                    (*Handler).getRecords,
		"AddTagsToStream":               (*Handler).addTags,
		"RemoveTagsFromStream":          (*Handler).removeTags,
		"ListTagsForStream":             (*Handler).listTags,
	}
	return h
}

// maxPooledBuffer keeps buffers of huge requests out of the pool.
const maxPooledBuffer = 4 << 20

func (h *Handler) getIn() *bytes.Buffer { return h.inBufs.Get().(*bytes.Buffer) }

func (h *Handler) putIn(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	h.inBufs.Put(b)
}

// ServeHTTP implements http.Handler: POST / with X-Amz-Target naming the
// operation and a JSON body.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	w.Header().Set("x-amzn-RequestId", reqID)
	target := r.Header.Get("X-Amz-Target")
	opName := strings.TrimPrefix(target, targetPrefix)

	in := h.getIn()
	defer h.putIn(in)
	if err := h.readBody(r, in); err != nil {
		h.writeError(w, reqID, opName, err)
		return
	}
	if r.Method != http.MethodPost {
		h.writeError(w, reqID, opName, &apiError{status: http.StatusMethodNotAllowed, typ: typeUnknownOp,
			msg: "The Kinesis API takes POST requests; got " + r.Method + "."})
		return
	}
	if h.opts.Credentials != nil {
		if err := h.opts.Credentials.Verify(r, in.Bytes()); err != nil {
			var se *sigv4.Error
			if errors.As(err, &se) {
				err = clientErr(se.Code, "%s", se.Message)
			}
			h.writeError(w, reqID, opName, err)
			return
		}
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-amz-cbor") {
		h.writeError(w, reqID, opName, clientErr(typeSerialization,
			"CBOR request bodies are not supported; configure the client to send JSON (for the AWS SDK for Java and the KPL: set AWS_CBOR_DISABLE=true)."))
		return
	}
	op, ok := h.ops[opName]
	if !ok || !strings.HasPrefix(target, targetPrefix) {
		h.writeError(w, reqID, opName, clientErr(typeUnknownOp, "Unknown operation %q: X-Amz-Target must be %s<Operation>.", target, targetPrefix))
		return
	}

	out := h.outBufs.Get().(*[]byte)
	resp, err := op(h, r.Context(), in.Bytes(), (*out)[:0])
	if err != nil {
		h.outBufs.Put(out)
		h.writeError(w, reqID, opName, err)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", contentType)
	hdr.Set("Content-Length", strconv.Itoa(len(resp)))
	w.WriteHeader(http.StatusOK)
	w.Write(resp)
	if cap(resp) <= maxPooledBuffer {
		*out = resp[:0]
	}
	h.outBufs.Put(out)
}

// readBody reads the request body into buf, enforcing MaxBodyBytes. An
// oversize body is drained (up to twice the cap) so that the client can read
// the error response instead of seeing its connection reset.
func (h *Handler) readBody(r *http.Request, buf *bytes.Buffer) error {
	max := h.opts.MaxBodyBytes
	if r.ContentLength > max {
		return h.tooLarge(r, fmt.Sprintf("Request body of %d bytes exceeds", r.ContentLength))
	}
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, max+1)); err != nil {
		return clientErr(typeSerialization, "Cannot read the request body: %v", err)
	}
	if int64(buf.Len()) > max {
		return h.tooLarge(r, "Request body exceeds")
	}
	return nil
}

// tooLarge drains an oversize body (up to twice the cap) and returns the
// error that answers it.
func (h *Handler) tooLarge(r *http.Request, what string) error {
	io.CopyN(io.Discard, r.Body, 2*h.opts.MaxBodyBytes)
	return &apiError{status: http.StatusRequestEntityTooLarge, typ: typeInvalidArgument,
		msg: fmt.Sprintf("%s this endpoint's limit of %d bytes. A PutRecords request may carry at most %d bytes of data and partition keys (before base64).",
			what, h.opts.MaxBodyBytes, ingest.MaxPutRecordsBytes)}
}

// writeError sends an error response and logs it.
func (h *Handler) writeError(w http.ResponseWriter, reqID, op string, err error) {
	ae := toAPIError(err)
	msg := ae.msg
	switch {
	case ae.status >= 500 && ae.status != http.StatusServiceUnavailable:
		h.log.Error("kinesis api: internal failure", "op", op, "request_id", reqID, "err", ae.cause)
		msg = "Internal service failure (request " + reqID + "); the server log has the details."
	default:
		h.log.Debug("kinesis api: request failed", "op", op, "request_id", reqID, "type", ae.typ, "message", ae.msg)
	}
	if ae.status == 499 {
		return
	}
	body := make([]byte, 0, 64+len(msg))
	body = append(body, `{"__type":`...)
	body = appendString(body, ae.typ)
	body = append(body, `,"message":`...)
	body = appendString(body, msg)
	body = append(body, '}')
	hdr := w.Header()
	hdr.Set("Content-Type", contentType)
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	hdr.Set("x-amzn-ErrorType", ae.typ)
	w.WriteHeader(ae.status)
	w.Write(body)
}

// newRequestID returns a random UUID (version 4), the form of AWS request ids.
func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}
