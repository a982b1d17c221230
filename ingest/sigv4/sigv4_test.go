package sigv4_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/freshet/freshet/ingest/sigv4"
)

func TestParseCredentials(t *testing.T) {
	valid := []struct {
		name, text string
		want       map[string]string
	}{
		{"pairs", "# comment\nAKID1 secret1\n\n  AKID2\tsecret/2+x  \n", map[string]string{"AKID1": "secret1", "AKID2": "secret/2+x"}},
		{"ini", "[default]\naws_access_key_id = AKID1\naws_secret_access_key=s1\nregion = us-east-1\n; other\n[p2]\nAWS_ACCESS_KEY_ID= AKID2\naws_secret_access_key =s2\naws_session_token = x\n",
			map[string]string{"AKID1": "s1", "AKID2": "s2"}},
		{"mixed", "AKID0 s0\n[p]\naws_access_key_id=AKID1\naws_secret_access_key=s1\n", map[string]string{"AKID0": "s0", "AKID1": "s1"}},
		{"duplicate same secret", "A s\nA s\n", map[string]string{"A": "s"}},
	}
	for _, c := range valid {
		got, err := sigv4.ParseCredentials(strings.NewReader(c.text))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%s: key %s: got %q, want %q", c.name, k, got[k], v)
			}
		}
	}

	invalid := []struct{ name, text, err string }{
		{"empty", "# nothing\n", "no credentials found"},
		{"one field", "AKID\n", "line 1: expected ACCESS_KEY_ID SECRET_ACCESS_KEY, found 1 fields"},
		{"three fields", "A B C\n", "found 3 fields"},
		{"conflict", "A s1\nA s2\n", "line 2: access key A is listed twice with different secrets"},
		{"section without secret", "[p]\naws_access_key_id=A\n", "line 1: section [p] needs both"},
		{"bad header", "[p\n", "line 1: malformed section header"},
		{"kv outside section", "aws_access_key_id=A\n", "line 1: key = value outside a [section]"},
		{"pair inside section", "[p]\nA B\n", "line 2: expected key = value inside section [p]"},
	}
	for _, c := range invalid {
		_, err := sigv4.ParseCredentials(strings.NewReader(c.text))
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.err)
		}
	}
}

func TestLoadCredentials(t *testing.T) {
	path := filepath.Join(t.TempDir(), "creds")
	if err := os.WriteFile(path, []byte("AKID secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := sigv4.LoadCredentials(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := verifyServer(t, v)
	if code, _ := send(t, srv, sign("AKID", "secret", time.Now(), nil)); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if _, err := sigv4.LoadCredentials(filepath.Join(t.TempDir(), "missing")); err == nil || !strings.Contains(err.Error(), "load credentials") {
		t.Fatalf("missing file: %v", err)
	}
}

// verifyServer answers 200 when Verify accepts a request, else 400 with
// "Code: Message".
func verifyServer(t *testing.T, v *sigv4.Verifier) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := v.Verify(r, body); err != nil {
			var e *sigv4.Error
			if !errors.As(err, &e) {
				http.Error(w, "untyped error "+err.Error(), http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, e.Code+": "+e.Message)
			return
		}
		io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv
}

type request struct {
	body    []byte
	header  http.Header
	keyID   string
	secret  string
	at      time.Time
	region  string
	service string
	tamper  func(*http.Request)
}

func sign(keyID, secret string, at time.Time, tamper func(*http.Request)) request {
	return request{keyID: keyID, secret: secret, at: at, tamper: tamper, region: "us-east-1", service: "kinesis",
		body: []byte(`{"StreamName":"s"}`)}
}

// send signs the request with the SDK signer, lets tamper change it, sends it
// and returns the status and body.
func send(t *testing.T, srv *httptest.Server, rq request) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/", bytes.NewReader(rq.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "Kinesis_20131202.DescribeStream")
	for k, v := range rq.header {
		req.Header[k] = v
	}
	if rq.keyID != "" {
		sum := sha256.Sum256(rq.body)
		err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: rq.keyID, SecretAccessKey: rq.secret},
			req, hex.EncodeToString(sum[:]), rq.service, rq.region, rq.at)
		if err != nil {
			t.Fatal(err)
		}
	}
	if rq.tamper != nil {
		rq.tamper(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestVerify(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	v := sigv4.NewVerifier(map[string]string{"AKID": "secret", "AKID2": "other"})
	v.Now = func() time.Time { return now }
	srv := verifyServer(t, v)

	ok := []struct {
		name string
		rq   request
	}{
		{"signed", sign("AKID", "secret", now, nil)},
		{"second key", sign("AKID2", "other", now, nil)},
		{"14 min early", sign("AKID", "secret", now.Add(-14*time.Minute), nil)},
		{"14 min late", sign("AKID", "secret", now.Add(14*time.Minute), nil)},
		{"empty body", func() request { r := sign("AKID", "secret", now, nil); r.body = nil; return r }()},
		{"other region", func() request { r := sign("AKID", "secret", now, nil); r.region = "eu-west-1"; return r }()},
		{"extra signed header", func() request {
			r := sign("AKID", "secret", now, nil)
			r.header = http.Header{"X-Custom": {"a  b", "c"}}
			return r
		}()},
		{"unsigned header added later", sign("AKID", "secret", now, func(r *http.Request) { r.Header.Set("User-Agent", "changed") })},
	}
	for _, c := range ok {
		if code, body := send(t, srv, c.rq); code != http.StatusOK {
			t.Errorf("%s: %d %s", c.name, code, body)
		}
	}

	bad := []struct {
		name string
		rq   request
		want string
	}{
		{"unsigned", request{body: []byte("{}")}, "MissingAuthenticationTokenException: Missing Authentication Token"},
		{"unknown key", sign("NOPE", "secret", now, nil), "UnrecognizedClientException: The security token included in the request is invalid."},
		{"wrong secret", sign("AKID", "wrong", now, nil), "InvalidSignatureException: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."},
		{"tampered body", func() request {
			r := sign("AKID", "secret", now, nil)
			r.tamper = func(req *http.Request) {
				b := []byte(`{"StreamName":"t"}`)
				req.Body = io.NopCloser(bytes.NewReader(b))
				req.ContentLength = int64(len(b))
			}
			return r
		}(), "InvalidSignatureException: The request signature we calculated does not match"},
		{"tampered signed header", sign("AKID", "secret", now, func(r *http.Request) { r.Header.Set("X-Amz-Target", "Kinesis_20131202.DeleteStream") }),
			"InvalidSignatureException: The request signature we calculated does not match"},
		{"expired", sign("AKID", "secret", now.Add(-16*time.Minute), nil),
			"InvalidSignatureException: Signature expired: 20261122T094400Z is now earlier than 20261122T094500Z (20261122T100000Z - 15 min.)"},
		{"future", sign("AKID", "secret", now.Add(16*time.Minute), nil),
			"InvalidSignatureException: Signature not yet current: 20261122T101600Z is still later than 20261122T101500Z (20261122T100000Z + 15 min.)"},
		{"bad algorithm", sign("AKID", "secret", now, func(r *http.Request) { r.Header.Set("Authorization", "AWS3 x") }),
			"IncompleteSignatureException: Unsupported AWS 'algorithm': 'AWS3'"},
		{"missing parts", sign("AKID", "secret", now, func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261122/us-east-1/kinesis/aws4_request")
		}), "IncompleteSignatureException: Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256"},
		{"short scope", sign("AKID", "secret", now, func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261122, SignedHeaders=host, Signature=00")
		}), "IncompleteSignatureException: Credential must have exactly 5 slash-delimited elements"},
		{"no date", sign("AKID", "secret", now, func(r *http.Request) { r.Header.Del("X-Amz-Date") }),
			"IncompleteSignatureException: Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."},
		{"scope date", sign("AKID", "secret", now, func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20261122/", "/20261121/", 1))
		}), "InvalidSignatureException: Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261121' != '20261122', from '20261122T100000Z'."},
		{"signed user-agent", sign("AKID", "secret", now, func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "SignedHeaders=", "SignedHeaders=user-agent;", 1))
		}), "InvalidSignatureException: The request signature we calculated does not match the signature you provided: the request cannot be verified because it signs user-agent."},
	}
	for _, c := range bad {
		code, body := send(t, srv, c.rq)
		if code != http.StatusBadRequest || !strings.HasPrefix(body, c.want) {
			t.Errorf("%s: got %d %q, want 400 %q", c.name, code, body, c.want)
		}
	}
}

func TestVerifyScopeRestrictions(t *testing.T) {
	now := time.Now()
	v := sigv4.NewVerifier(map[string]string{"AKID": "secret"})
	v.Region, v.Service = "us-east-1", "kinesis"
	srv := verifyServer(t, v)
	if code, body := send(t, srv, sign("AKID", "secret", now, nil)); code != http.StatusOK {
		t.Fatalf("%d %s", code, body)
	}
	r := sign("AKID", "secret", now, nil)
	r.region = "eu-west-1"
	if _, body := send(t, srv, r); body != "InvalidSignatureException: Credential should be scoped to a valid region, not 'eu-west-1'. " {
		t.Errorf("region: %q", body)
	}
	r = sign("AKID", "secret", now, nil)
	r.service = "dynamodb"
	if _, body := send(t, srv, r); body != "InvalidSignatureException: Credential should be scoped to correct service: 'kinesis'. " {
		t.Errorf("service: %q", body)
	}
}

func TestZeroVerifierRejects(t *testing.T) {
	srv := verifyServer(t, &sigv4.Verifier{})
	if _, body := send(t, srv, sign("AKID", "secret", time.Now(), nil)); !strings.HasPrefix(body, sigv4.CodeUnrecognizedClient) {
		t.Fatalf("zero verifier: %q", body)
	}
}
