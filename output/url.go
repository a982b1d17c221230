package output

import (
	"fmt"
	"net/url"
	"strings"
)

// Location is a parsed archive URL: s3://bucket/prefix or file:///path.
type Location struct {
	// Scheme is "s3" or "file".
	Scheme string
	// Bucket is the S3 bucket (s3 only).
	Bucket string
	// Prefix is the key prefix inside the bucket, without leading or
	// trailing '/' (s3 only; may be empty).
	Prefix string
	// Path is the local directory (file only), absolute.
	Path string
}

// String is the URL form ParseLocation reads.
func (l Location) String() string {
	if l.Scheme == "file" {
		return "file://" + l.Path
	}
	if l.Prefix == "" {
		return "s3://" + l.Bucket
	}
	return "s3://" + l.Bucket + "/" + l.Prefix
}

// ParseLocation reads an archive URL as CREATE STREAM … WITH (archive = …)
// gives it: s3://bucket[/prefix] or file:///absolute/path (file:/path and a
// bare absolute path are accepted too).
func ParseLocation(raw string) (Location, error) {
	if strings.HasPrefix(raw, "/") {
		return Location{Scheme: "file", Path: cleanPath(raw)}, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Location{}, fmt.Errorf("parse archive location %q: %w", raw, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "s3":
		if u.Host == "" {
			return Location{}, fmt.Errorf("parse archive location %q: no bucket", raw)
		}
		prefix := strings.Trim(u.Path, "/")
		if prefix != "" {
			if err := ValidateKey(prefix); err != nil {
				return Location{}, fmt.Errorf("parse archive location %q: prefix: %w", raw, err)
			}
		}
		return Location{Scheme: "s3", Bucket: u.Host, Prefix: prefix}, nil
	case "file":
		if u.Host != "" && u.Host != "localhost" {
			return Location{}, fmt.Errorf("parse archive location %q: file URLs need an absolute path (file:///dir)", raw)
		}
		if !strings.HasPrefix(u.Path, "/") {
			return Location{}, fmt.Errorf("parse archive location %q: path is not absolute", raw)
		}
		return Location{Scheme: "file", Path: cleanPath(u.Path)}, nil
	default:
		return Location{}, fmt.Errorf("parse archive location %q: scheme must be s3:// or file://", raw)
	}
}

func cleanPath(p string) string {
	p = "/" + strings.Trim(p, "/")
	return p
}

// S3Config configures the S3 object store. The zero value takes everything
// from the standard AWS environment and shared config (AWS_REGION,
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE,
// AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, …); fields that are set override it.
type S3Config struct {
	// Region overrides the configured region; with none anywhere,
	// us-east-1 is used.
	Region string
	// Endpoint overrides the S3 endpoint (e.g. http://127.0.0.1:9000 for
	// MinIO). When an endpoint is set here or in the environment, requests
	// use path-style addressing.
	Endpoint string
	// AccessKeyID and SecretAccessKey, when both set, are static
	// credentials that replace the configured ones.
	AccessKeyID     string
	SecretAccessKey string
	// PartSize is the multipart upload part size (default 16 MiB); objects
	// larger than one part are uploaded in parts.
	PartSize int64
	// Concurrency is the number of parts uploaded in parallel (default 4).
	Concurrency int
	// MaxAttempts bounds the SDK's attempts per request, retrying with
	// exponential backoff on 5xx, throttling and network errors
	// (default 5).
	MaxAttempts int
}
