package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/freshet/freshet/ingest/kinesisapi/sdkclient"
)

// childArgsEnv, when set, makes the test binary act as the freshet binary
// with the JSON-encoded arguments, so that tests can start real server
// processes (and SIGKILL them) without a separate build.
const childArgsEnv = "FRESHET_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if js := os.Getenv(childArgsEnv); js != "" {
		var args []string
		if err := json.Unmarshal([]byte(js), &args); err != nil {
			fmt.Fprintln(os.Stderr, "bad child args:", err)
			os.Exit(2)
		}
		main2(args)
		return
	}
	os.Exit(m.Run())
}

// main2 is main with explicit arguments.
func main2(args []string) {
	os.Args = append([]string{"freshet"}, args...)
	main()
}

func kinesisClient(url string) *kinesis.Client {
	return sdkclient.New(url, sdkclient.Options{})
}

// waitForAddress reads the server's first stdout line and returns its URL.
func waitForAddress(t *testing.T, r io.Reader) string {
	t.Helper()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatalf("server said nothing: %v", err)
	}
	i := strings.Index(line, "http://")
	if i < 0 {
		t.Fatalf("no address in %q", line)
	}
	return strings.Fields(line[i:])[0]
}

func TestUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"help"}, nil, &out, &errb); code != 0 || !strings.Contains(out.String(), "serve") {
		t.Fatalf("help: code %d, out %q", code, out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"frobnicate"}, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: code %d, stderr %q", code, errb.String())
	}
	errb.Reset()
	if code := run(context.Background(), []string{"serve", "--help"}, nil, &out, &errb); code != 0 || !strings.Contains(errb.String(), "-data-dir") || !strings.Contains(errb.String(), "Signature V4") {
		t.Fatalf("serve --help: code %d, stderr %q", code, errb.String())
	}
	errb.Reset()
	if code := run(context.Background(), []string{"serve", "--no-such-flag"}, nil, &out, &errb); code != 2 {
		t.Fatalf("bad flag: code %d", code)
	}
	if code := run(context.Background(), []string{"serve", "--credentials", "/nonexistent/creds", "--data-dir", ":memory:", "--listen", "127.0.0.1:0"}, nil, &out, &errb); code != 1 || !strings.Contains(errb.String(), "/nonexistent/creds") {
		t.Fatalf("missing credentials file: code %d, stderr %q", code, errb.String())
	}
}

// TestServeGracefulShutdown runs serve in-process, writes through the real
// SDK client, cancels (as SIGTERM does) and reopens the data directory.
func TestServeGracefulShutdown(t *testing.T) {
	dir := t.TempDir()
	for round := 0; round < 2; round++ {
		ctx, cancel := context.WithCancel(context.Background())
		pr, pw := io.Pipe()
		done := make(chan int, 1)
		var errb bytes.Buffer
		go func() {
			done <- run(ctx, []string{"serve", "--data-dir", dir, "--listen", "127.0.0.1:0"}, nil, pw, &errb)
			pw.Close()
		}()
		url := waitForAddress(t, pr)
		go io.Copy(io.Discard, pr)
		c := kinesisClient(url)
		if round == 0 {
			if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(2)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte(fmt.Sprint(round))}); err != nil {
			t.Fatal(err)
		}
		out, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")})
		if err != nil || aws.ToInt32(out.StreamDescriptionSummary.OpenShardCount) != 2 {
			t.Fatalf("round %d: describe: %v %v", round, out, err)
		}
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Fatalf("serve exited %d: %s", code, errb.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not shut down")
		}
	}
}
