// Package sdkclient builds an aws-sdk-go-v2 Kinesis client for a Freshet
// endpoint, for Freshet's own tests, benchmarks and tools.
//
// It is the real SDK client, configured (endpoint, region, static
// credentials, retries) and with one workaround: bodyWithoutWriteTo, for a
// race between smithy-go v1.28.8 and net/http that a fast loopback server
// exposes (see its comment).
package sdkclient
