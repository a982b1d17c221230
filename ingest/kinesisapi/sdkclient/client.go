package sdkclient

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

// Options configure New; the zero value signs with AKID/SECRET in us-east-1
// and makes one attempt per call (no retries), so tests see every error.
type Options struct {
	KeyID, Secret string
	Region        string
	// MaxAttempts is the SDK's attempts per call (default 1).
	MaxAttempts int
}

// New returns a Kinesis client for the Freshet server at url.
func New(url string, o Options) *kinesis.Client {
	if o.KeyID == "" {
		o.KeyID, o.Secret = "AKID", "SECRET"
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = 1
	}
	return kinesis.New(kinesis.Options{
		BaseEndpoint:     aws.String(url),
		Region:           o.Region,
		Credentials:      credentials.NewStaticCredentialsProvider(o.KeyID, o.Secret, ""),
		RetryMaxAttempts: o.MaxAttempts,
		HTTPClient:       bodyWithoutWriteTo{awshttp.NewBuildableClient()},
	})
}

// bodyWithoutWriteTo works around a race between smithy-go (v1.28.8) and
// net/http that a fast loopback server exposes. The SDK closes the request
// body as soon as Do returns, which can be before the transport's write loop
// has finished; the transport then checks the body for bytes beyond its
// Content-Length with WriteTo, which the SDK's closed body wrapper answers
// with io.EOF, and the transport takes that for a write error and closes the
// connection under the response being read ("use of closed network
// connection"). Hiding WriteTo makes the transport use Read, which the
// wrapper answers with a clean end of file. The request and the client are
// otherwise untouched.
type bodyWithoutWriteTo struct{ c kinesis.HTTPClient }

func (b bodyWithoutWriteTo) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body = struct{ io.ReadCloser }{r.Body}
	}
	return b.c.Do(r)
}
