// Package output will hold the sinks: the stream sink, the Parquet lake
// writer and the object stores (S3 through aws-sdk-go-v2, a local
// directory). Nothing is built here yet (issue 4).
package output
