package s3store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/miniotest"
	"github.com/freshet/freshet/output/s3store"
	"github.com/freshet/freshet/output/storetest"
	"github.com/freshet/freshet/output/storeurl"
)

func TestConformanceMinIO(t *testing.T) {
	srv := miniotest.Start(t)
	storetest.Run(t, func(t *testing.T) output.ObjectStore {
		// Each subtest gets its own prefix in the one bucket.
		s, err := s3store.Open(t.Context(), srv.Bucket, "conf/"+t.Name(), srv.S3Config())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// The endpoint and credentials come from the standard AWS environment;
// path-style addressing follows from the endpoint.
func TestEnvironmentConfig(t *testing.T) {
	srv := miniotest.Start(t)
	t.Setenv("AWS_ENDPOINT_URL_S3", srv.Endpoint)
	t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SecretKey)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	ctx := t.Context()
	s, err := storeurl.Open(ctx, "s3://"+srv.Bucket+"/env/prefix", output.S3Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := output.PutBytes(ctx, s, "k", []byte("v"), output.PutOptions{ContentType: "text/plain"}); err != nil {
		t.Fatal(err)
	}
	// The object sits under the URL's prefix in the bucket.
	raw, err := s3store.Open(ctx, srv.Bucket, "", srv.S3Config())
	if err != nil {
		t.Fatal(err)
	}
	b, err := output.ReadAll(ctx, raw, "env/prefix/k")
	if err != nil || string(b) != "v" {
		t.Fatalf("under the prefix: %q, %v", b, err)
	}
	head, err := raw.Client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: &srv.Bucket, Key: ptr("env/prefix/k")})
	if err != nil {
		t.Fatal(err)
	}
	if ct := head.ContentType; ct == nil || *ct != "text/plain" {
		t.Fatalf("content type %v", ct)
	}
}

func ptr(s string) *string { return &s }

// An unknown SSE mode is refused before anything is sent; a store whose
// server is down fails with an error rather than hanging.
func TestErrors(t *testing.T) {
	srv := miniotest.Start(t)
	cfg := srv.S3Config()
	cfg.MaxAttempts = 2
	s, err := s3store.Open(t.Context(), srv.Bucket, "", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := output.PutBytes(t.Context(), s, "k", nil, output.PutOptions{SSE: "rot13"}); err == nil {
		t.Fatal("unknown SSE accepted")
	}
	srv.Stop()
	ctx, cancel := context.WithTimeout(t.Context(), 20e9)
	defer cancel()
	err = output.PutBytes(ctx, s, "k", []byte("x"), output.PutOptions{})
	if err == nil || errors.Is(err, output.ErrNotFound) {
		t.Fatalf("put to a stopped server: %v", err)
	}
	srv.Restart()
	if err := output.PutBytes(t.Context(), s, "k", []byte("x"), output.PutOptions{}); err != nil {
		t.Fatalf("after restart: %v", err)
	}
}

// Server-side encryption: SSE-S3 (AES256) and SSE-KMS, as MinIO reports
// them back.
func TestServerSideEncryption(t *testing.T) {
	srv := miniotest.Start(t)
	ctx := t.Context()
	s, err := s3store.Open(ctx, srv.Bucket, "sse", srv.S3Config())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		opts output.PutOptions
		want string
	}{
		{output.PutOptions{SSE: "AES256"}, "AES256"},
		{output.PutOptions{SSE: "aws:kms", SSEKMSKeyID: miniotest.KMSKeyID}, "aws:kms"},
	} {
		key := "obj-" + c.want
		if err := output.PutBytes(ctx, s, key, []byte("secret"), c.opts); err != nil {
			t.Fatalf("%s: %v", c.want, err)
		}
		head, err := s.Client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: &srv.Bucket, Key: ptr("sse/" + key)})
		if err != nil {
			t.Fatal(err)
		}
		if string(head.ServerSideEncryption) != c.want {
			t.Errorf("%s: server reports %q", c.want, head.ServerSideEncryption)
		}
		if b, err := output.ReadAll(ctx, s, key); err != nil || string(b) != "secret" {
			t.Errorf("%s: read back %q %v", c.want, b, err)
		}
	}
}
