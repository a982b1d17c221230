package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/freshet/freshet/output/lake"
)

func runLake(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "compact" {
		fmt.Fprintln(stderr, "Usage: freshet lake compact --stream NAME ARCHIVE_URL   (run with --help for the flags)")
		return errUsage
	}
	fs := flag.NewFlagSet("freshet lake compact", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stream := fs.String("stream", "", "the stream whose files to merge (required)")
	target := fs.Int64("target-bytes", 512<<20, "largest size of a merged file")
	compression := fs.String("compression", "snappy", "compression of merged files: snappy, zstd, gzip or none")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: freshet lake compact --stream NAME ARCHIVE_URL

Merges the small Parquet files of a stream's closed hour partitions (those
with a _SUCCESS marker) in the archive at ARCHIVE_URL (s3://bucket/prefix or
file:///path, as in CREATE STREAM … WITH (archive = …)) into larger files.
Each merged file is stored before the files it replaces are deleted, and is
named by the sequence range it holds, so readers never see a record twice
and a rerun after a crash redoes the same merge. S3 is configured the AWS
way (AWS_REGION, AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, …).

Flags:`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if *stream == "" || fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	objs, err := openArchive(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	res, err := lake.Compact(ctx, objs, *stream, lake.CompactOptions{TargetBytes: *target, Compression: *compression})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d closed partitions looked at; %d merged files written, %d small files removed.\n", res.Partitions, res.Merged, res.Removed)
	return nil
}
