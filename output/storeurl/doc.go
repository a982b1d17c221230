// Package storeurl opens the object store an archive URL names:
// s3://bucket/prefix (output/s3store) or file:///path (output/filestore).
// It sits apart from package output so that the contract does not import
// its implementations.
package storeurl
