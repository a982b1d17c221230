package kinesisapi

import (
	"context"
	"strings"

	"github.com/freshet/freshet/ingest"
)

// Patterns of the Kinesis API model, quoted in validation messages.
const (
	namePattern     = "[a-zA-Z0-9_.-]+"
	seqPattern      = "0|([1-9]\\d{0,128})"
	hashKeyPattern  = "0|([1-9]\\d{0,38})"
	streamARNRegexp = "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+"
)

// isName reports whether s matches [a-zA-Z0-9_.-]+.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// isDecimal reports whether s is "0" or a decimal without leading zeros of
// at most maxDigits digits.
func isDecimal(s string, maxDigits int) bool {
	if s == "0" {
		return true
	}
	if s == "" || len(s) > maxDigits || s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// name validates a stream or shard name member.
func (v *validation) name(field, s string) {
	v.length(field, s, 1, 128)
	if s != "" {
		v.pattern(field, s, namePattern, isName(s))
	}
}

// streamRef is how a request names its stream.
type streamRef struct {
	StreamName *string
	StreamARN  *string
	StreamID   *string `json:"StreamId"`
}

// streamARN is the ARN of a stream of this endpoint.
func (h *Handler) streamARN(name string) string {
	return "arn:aws:kinesis:" + h.opts.Region + ":" + h.opts.AccountID + ":stream/" + name
}

// resolve returns the stream name a request addresses by StreamName or
// StreamARN (or both, which must agree). The ARN must name this endpoint's
// region and account.
func (h *Handler) resolve(ref streamRef) (string, error) {
	var v validation
	if ref.StreamName != nil {
		v.name("streamName", *ref.StreamName)
	}
	arnName := ""
	if ref.StreamARN != nil {
		arn := *ref.StreamARN
		v.length("streamARN", arn, 1, 2048)
		var ok bool
		var region, account string
		region, account, arnName, ok = parseStreamARN(arn)
		v.pattern("streamARN", arn, streamARNRegexp, ok)
		if err := v.err(); err != nil {
			return "", err
		}
		if region != h.opts.Region || account != h.opts.AccountID {
			return "", clientErr(typeNotFound, "Stream %s under account %s not found: this endpoint serves region %s and account %s.",
				arnName, account, h.opts.Region, h.opts.AccountID)
		}
		if !isName(arnName) || len(arnName) > 128 {
			v.name("streamARN", arnName)
		}
	}
	if err := v.err(); err != nil {
		return "", err
	}
	switch {
	case ref.StreamName != nil && ref.StreamARN != nil:
		if *ref.StreamName != arnName {
			return "", invalidArg("StreamARN %s and StreamName %s name different streams.", *ref.StreamARN, *ref.StreamName)
		}
		return arnName, nil
	case ref.StreamARN != nil:
		return arnName, nil
	case ref.StreamName != nil:
		return *ref.StreamName, nil
	case ref.StreamID != nil:
		return "", invalidArg("StreamId is not supported by this endpoint; address the stream by StreamName or StreamARN.")
	}
	return "", invalidArg("Either StreamName or StreamARN must be provided.")
}

// parseStreamARN splits arn:PARTITION:kinesis:REGION:ACCOUNT:stream/NAME.
func parseStreamARN(arn string) (region, account, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || !strings.HasPrefix(parts[1], "aws") || parts[2] != "kinesis" {
		return "", "", "", false
	}
	region, account = parts[3], parts[4]
	if len(account) != 12 || !isDecimalDigits(account) {
		return "", "", "", false
	}
	name, found := strings.CutPrefix(parts[5], "stream/")
	if !found || name == "" || strings.ContainsAny(name, " \t\r\n/") {
		return "", "", "", false
	}
	return region, account, name, true
}

func isDecimalDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// describe resolves a stream reference and describes the stream.
func (h *Handler) describe(ctx context.Context, ref streamRef) (string, ingest.StreamDescription, error) {
	name, err := h.resolve(ref)
	if err != nil {
		return "", ingest.StreamDescription{}, err
	}
	d, err := h.store.DescribeStream(ctx, name)
	return name, d, err
}
