package sigv4

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	algorithm   = "AWS4-HMAC-SHA256"
	amzDateForm = "20060102T150405Z"
	// DefaultMaxSkew is how far a request's time may be from the server's
	// clock, as AWS allows.
	DefaultMaxSkew = 15 * time.Minute
)

// Verifier checks AWS Signature Version 4 on requests. Its zero value knows
// no keys (and so rejects every signed request); build one with NewVerifier
// or LoadCredentials. The exported fields are optional and may be set before
// first use. A Verifier is safe for concurrent use.
type Verifier struct {
	// Region, if set, is the only region a credential scope may name.
	Region string
	// Service, if set (e.g. "kinesis"), is the only service a credential
	// scope may name.
	Service string
	// MaxSkew is how far the request time may lie from Now (default
	// DefaultMaxSkew).
	MaxSkew time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time

	keys   map[string]string
	signer *v4.Signer
}

// NewVerifier returns a Verifier for the given access key id → secret
// access key pairs (the map is copied).
func NewVerifier(keys map[string]string) *Verifier {
	return &Verifier{keys: maps.Clone(keys), signer: v4.NewSigner()}
}

// authHeader is a parsed Authorization header.
type authHeader struct {
	accessKey                         string
	date, region, service, terminator string
	signedHeaders                     string
	signature                         string
}

// unsignable reports the headers the SDK signer never signs, so that a
// request that signed one cannot be reproduced by it.
func unsignable(name string) bool {
	switch name {
	case "authorization", "user-agent", "expect", "transfer-encoding", "x-amzn-trace-id":
		return true
	}
	return false
}

// Verify checks the signature of r, whose body (already read) is body. It
// returns nil for a correctly signed request from a known access key and an
// *Error otherwise.
func (v *Verifier) Verify(r *http.Request, body []byte) error {
	raw := r.Header.Get("Authorization")
	if raw == "" {
		if r.URL.Query().Has("X-Amz-Algorithm") {
			return fail(CodeIncompleteSignature, "Query-string (presigned) authentication is not supported; sign the request with an Authorization header.")
		}
		return fail(CodeMissingToken, "Missing Authentication Token")
	}
	a, err := parseAuthorization(raw)
	if err != nil {
		return err
	}
	amzDate := r.Header.Get("X-Amz-Date")
	if amzDate == "" {
		if r.Header.Get("Date") == "" {
			return fail(CodeIncompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization="+raw)
		}
		return fail(CodeInvalidSignature, "Requests signed with a Date header are not supported; sign with X-Amz-Date.")
	}
	t, perr := time.Parse(amzDateForm, amzDate)
	if perr != nil {
		return fail(CodeIncompleteSignature, fmt.Sprintf("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", amzDate))
	}

	secret, ok := v.keys[a.accessKey]
	if !ok {
		return fail(CodeUnrecognizedClient, "The security token included in the request is invalid.")
	}
	if a.date != t.Format("20060102") {
		return fail(CodeInvalidSignature, fmt.Sprintf("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", a.date, t.Format("20060102"), amzDate))
	}
	if v.Region != "" && a.region != v.Region {
		return fail(CodeInvalidSignature, fmt.Sprintf("Credential should be scoped to a valid region, not '%s'. ", a.region))
	}
	if v.Service != "" && a.service != v.Service {
		return fail(CodeInvalidSignature, fmt.Sprintf("Credential should be scoped to correct service: '%s'. ", v.Service))
	}
	if a.terminator != "aws4_request" {
		return fail(CodeInvalidSignature, fmt.Sprintf("Credential should be scoped with a valid terminator: 'aws4_request', not '%s'. ", a.terminator))
	}
	if err := v.checkTime(t); err != nil {
		return err
	}

	want, err := v.recompute(r, body, a, secret, t)
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(want), []byte(a.signature)) {
		return fail(CodeInvalidSignature, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	}
	return nil
}

func (v *Verifier) checkTime(t time.Time) error {
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	skew := v.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	n := now().UTC()
	mins := int(skew / time.Minute)
	if t.Before(n.Add(-skew)) {
		return fail(CodeInvalidSignature, fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - %d min.)",
			t.Format(amzDateForm), n.Add(-skew).Format(amzDateForm), n.Format(amzDateForm), mins))
	}
	if t.After(n.Add(skew)) {
		return fail(CodeInvalidSignature, fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + %d min.)",
			t.Format(amzDateForm), n.Add(skew).Format(amzDateForm), n.Format(amzDateForm), mins))
	}
	return nil
}

// recompute signs a copy of r that carries only the client's signed headers
// and returns the signature the SDK signer computes for it.
func (v *Verifier) recompute(r *http.Request, body []byte, a authHeader, secret string, t time.Time) (string, error) {
	names := strings.Split(a.signedHeaders, ";")
	hasHost, hasDate := false, false
	h := make(http.Header, len(names))
	var contentLength int64
	sessionToken := ""
	for _, name := range names {
		switch {
		case name == "host":
			hasHost = true
		case name == "x-amz-date":
			hasDate = true
		case name == "content-length":
			if len(body) == 0 {
				return "", unreproducible("it signs content-length of an empty body")
			}
			contentLength = int64(len(body))
		case unsignable(name):
			return "", unreproducible("it signs " + name)
		default:
			vals := r.Header.Values(name)
			if len(vals) == 0 {
				vals = []string{""}
			}
			h[http.CanonicalHeaderKey(name)] = vals
			if name == "x-amz-security-token" {
				sessionToken = vals[0]
			}
		}
	}
	if !hasHost {
		return "", unreproducible("it does not sign host")
	}
	if !hasDate {
		return "", unreproducible("it does not sign x-amz-date")
	}

	req := &http.Request{
		Method:        r.Method,
		URL:           &url.URL{Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery},
		Host:          r.Host,
		Header:        h,
		ContentLength: contentLength,
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: a.accessKey, SecretAccessKey: secret, SessionToken: sessionToken}
	signer := v.signer
	if signer == nil {
		signer = v4.NewSigner()
	}
	if err := signer.SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), a.service, a.region, t); err != nil {
		return "", fail(CodeInvalidSignature, "cannot recompute the signature: "+err.Error())
	}
	got, err := parseAuthorization(req.Header.Get("Authorization"))
	if err != nil {
		return "", fail(CodeInvalidSignature, "cannot recompute the signature")
	}
	if got.signedHeaders != a.signedHeaders {
		return "", unreproducible("its SignedHeaders " + a.signedHeaders + " are not in canonical form (" + got.signedHeaders + ")")
	}
	return got.signature, nil
}

func unreproducible(why string) *Error {
	return fail(CodeInvalidSignature, "The request signature we calculated does not match the signature you provided: the request cannot be verified because "+why+".")
}

// parseAuthorization reads "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request,
// SignedHeaders=a;b, Signature=hex".
func parseAuthorization(raw string) (authHeader, error) {
	alg, rest, _ := strings.Cut(strings.TrimSpace(raw), " ")
	if alg != algorithm {
		return authHeader{}, fail(CodeIncompleteSignature, fmt.Sprintf("Unsupported AWS 'algorithm': '%s'. Only %s is supported.", alg, algorithm))
	}
	params := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			params[k] = val
		}
	}
	var msg strings.Builder
	for _, p := range []string{"Credential", "Signature", "SignedHeaders"} {
		if params[p] == "" {
			fmt.Fprintf(&msg, "Authorization header requires '%s' parameter. ", p)
		}
	}
	if msg.Len() > 0 {
		return authHeader{}, fail(CodeIncompleteSignature, msg.String()+"Authorization="+raw)
	}
	scope := strings.Split(params["Credential"], "/")
	if len(scope) != 5 || scope[0] == "" {
		return authHeader{}, fail(CodeIncompleteSignature, fmt.Sprintf("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", params["Credential"]))
	}
	return authHeader{
		accessKey:     scope[0],
		date:          scope[1],
		region:        scope[2],
		service:       scope[3],
		terminator:    scope[4],
		signedHeaders: params["SignedHeaders"],
		signature:     params["Signature"],
	}, nil
}
