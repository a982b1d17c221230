// Package s3store implements output.ObjectStore on Amazon S3 (or an
// S3-compatible server such as MinIO) with aws-sdk-go-v2.
//
// Region, credentials and endpoint come from the standard AWS environment
// and shared config (config.LoadDefaultConfig), which reads
// AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL; output.S3Config overrides them.
// When an endpoint is set, requests use path-style addressing, as MinIO
// needs.
//
// Put goes through the SDK's upload manager: an object larger than one
// part (S3Config.PartSize, 16 MiB by default) is sent as a multipart upload
// with parts in parallel, and aborted on failure, so an object appears
// whole or not at all. Every request is retried by the SDK's standard
// retryer with exponential backoff and jitter on 5xx responses, throttling
// and network errors (S3Config.MaxAttempts attempts); callers that must
// not give up (the lake's delivery) retry on top of that.
//
// Keys are stored under the store's prefix: Put(ctx, "a/b") writes
// <prefix>/a/b. A missing key is reported as output.ErrNotFound.
package s3store
