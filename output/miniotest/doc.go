// Package miniotest runs a real MinIO server for tests.
//
// Start finds the minio binary (on PATH, then in $(go env GOPATH)/bin, or
// $FRESHET_MINIO), or else builds the pinned version with
// `go install github.com/minio/minio@` + Version (a few minutes the first
// time, cached after; .ci/run runs the same install before the tests so
// the build is not inside a test timeout). It starts `minio server` on a
// free loopback port with a temporary data directory and random
// credentials, waits until the server answers its readiness probe, creates
// a bucket, and stops the server when the test ends. Tests never skip for
// want of MinIO: they install it.
//
// Stop and Restart let a test take S3 away and bring it back on the same
// address with the same data.
package miniotest
