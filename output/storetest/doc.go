// Package storetest is the conformance suite every output.ObjectStore
// passes: the local-directory store in a temporary directory and the S3
// store against a real MinIO server. Run calls it with a constructor that
// returns an empty store.
package storetest
