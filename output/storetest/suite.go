package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/freshet/freshet/output"
)

// Run runs the conformance suite; newStore returns an empty store for
// each subtest.
func Run(t *testing.T, newStore func(t *testing.T) output.ObjectStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s output.ObjectStore)
	}{
		{"PutGet", testPutGet},
		{"Overwrite", testOverwrite},
		{"NotFound", testNotFound},
		{"GetRange", testGetRange},
		{"Stat", testStat},
		{"ListOrderPrefixPages", testList},
		{"Delete", testDelete},
		{"InvalidKeys", testInvalidKeys},
		{"Large", testLarge},
		{"UnknownSize", testUnknownSize},
		{"Concurrent", testConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

func put(t *testing.T, s output.ObjectStore, key string, b []byte) {
	t.Helper()
	if err := output.PutBytes(context.Background(), s, key, b, output.PutOptions{ContentType: "application/octet-stream"}); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

func get(t *testing.T, s output.ObjectStore, key string) []byte {
	t.Helper()
	b, err := output.ReadAll(context.Background(), s, key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	return b
}

func testPutGet(t *testing.T, s output.ObjectStore) {
	put(t, s, "a/b/c.txt", []byte("hello"))
	put(t, s, "empty", nil)
	if got := get(t, s, "a/b/c.txt"); string(got) != "hello" {
		t.Fatalf("got %q", got)
	}
	if got := get(t, s, "empty"); len(got) != 0 {
		t.Fatalf("empty object: got %q", got)
	}
	// Hive-style partition names and escaped characters are ordinary keys.
	k := "stream/dt=2026-11-22/hr=07/region=eu%2Fwest/part-1.parquet"
	put(t, s, k, []byte("x"))
	if got := get(t, s, k); string(got) != "x" {
		t.Fatalf("got %q", got)
	}
}

func testOverwrite(t *testing.T, s output.ObjectStore) {
	put(t, s, "k", []byte("first version, longer"))
	put(t, s, "k", []byte("second"))
	if got := get(t, s, "k"); string(got) != "second" {
		t.Fatalf("got %q", got)
	}
}

func testNotFound(t *testing.T, s output.ObjectStore) {
	ctx := context.Background()
	if _, err := s.Get(ctx, "missing/key"); !errors.Is(err, output.ErrNotFound) {
		t.Fatalf("get: %v, want ErrNotFound", err)
	}
	if _, err := s.Stat(ctx, "missing"); !errors.Is(err, output.ErrNotFound) {
		t.Fatalf("stat: %v, want ErrNotFound", err)
	}
	if _, err := s.GetRange(ctx, "missing", 0, 10); !errors.Is(err, output.ErrNotFound) {
		t.Fatalf("get range: %v, want ErrNotFound", err)
	}
	put(t, s, "dir/file", []byte("x"))
	if _, err := s.Get(ctx, "dir"); !errors.Is(err, output.ErrNotFound) {
		t.Fatalf("get of a key prefix: %v, want ErrNotFound", err)
	}
}

func testGetRange(t *testing.T, s output.ObjectStore) {
	ctx := context.Background()
	data := []byte("0123456789abcdef")
	put(t, s, "r", data)
	for _, c := range []struct {
		off, n int64
		want   string
	}{
		{0, 4, "0123"},
		{10, 3, "abc"},
		{12, 100, "cdef"},
		{5, -1, "56789abcdef"},
		{16, 5, ""},
		{3, 0, ""},
	} {
		rc, err := s.GetRange(ctx, "r", c.off, c.n)
		if err != nil {
			t.Fatalf("range %d+%d: %v", c.off, c.n, err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("range %d+%d: read: %v", c.off, c.n, err)
		}
		if string(got) != c.want {
			t.Errorf("range %d+%d: got %q, want %q", c.off, c.n, got, c.want)
		}
	}
}

func testStat(t *testing.T, s output.ObjectStore) {
	put(t, s, "x/y", bytes.Repeat([]byte("z"), 1234))
	info, err := s.Stat(context.Background(), "x/y")
	if err != nil {
		t.Fatal(err)
	}
	if info.Key != "x/y" || info.Size != 1234 || info.Modified.IsZero() {
		t.Fatalf("stat: %+v", info)
	}
}

func testList(t *testing.T, s output.ObjectStore) {
	ctx := context.Background()
	keys := []string{"p/a", "p/b/1", "p/b/2", "p/b.c", "p/ba", "q/a", "p-x", "pp"}
	for _, k := range keys {
		put(t, s, k, []byte(k))
	}
	all, err := output.ListAll(ctx, s, "")
	if err != nil {
		t.Fatal(err)
	}
	want := append([]string(nil), keys...)
	sort.Strings(want)
	if got := infoKeys(all); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("list all: %v, want %v", got, want)
	}
	for _, o := range all {
		if o.Size != int64(len(o.Key)) {
			t.Errorf("list: %s has size %d", o.Key, o.Size)
		}
	}
	for prefix, w := range map[string]string{
		"p/":    "p/a,p/b.c,p/b/1,p/b/2,p/ba",
		"p/b":   "p/b.c,p/b/1,p/b/2,p/ba",
		"p/b/":  "p/b/1,p/b/2",
		"p":     "p-x,p/a,p/b.c,p/b/1,p/b/2,p/ba,pp",
		"zz":    "",
		"p/b/1": "p/b/1",
	} {
		got, err := output.ListAll(ctx, s, prefix)
		if err != nil {
			t.Fatal(err)
		}
		if g := strings.Join(infoKeys(got), ","); g != w {
			t.Errorf("list %q: %s, want %s", prefix, g, w)
		}
	}
	// Pages of two, continued with startAfter.
	var paged []string
	after := ""
	for i := 0; ; i++ {
		page, err := s.List(ctx, "p/", after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Objects) > 2 {
			t.Fatalf("page of %d objects, limit 2", len(page.Objects))
		}
		paged = append(paged, infoKeys(page.Objects)...)
		if !page.More {
			break
		}
		after = page.Objects[len(page.Objects)-1].Key
		if i > 10 {
			t.Fatal("pagination does not end")
		}
	}
	if g := strings.Join(paged, ","); g != "p/a,p/b.c,p/b/1,p/b/2,p/ba" {
		t.Fatalf("paged list: %s", g)
	}
}

func infoKeys(infos []output.ObjectInfo) []string {
	out := []string{}
	for _, o := range infos {
		out = append(out, o.Key)
	}
	return out
}

func testDelete(t *testing.T, s output.ObjectStore) {
	ctx := context.Background()
	put(t, s, "d/1", []byte("1"))
	put(t, s, "d/2", []byte("2"))
	if err := s.Delete(ctx, "d/1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "d/1"); err != nil {
		t.Fatalf("deleting a missing key: %v", err)
	}
	if _, err := s.Stat(ctx, "d/1"); !errors.Is(err, output.ErrNotFound) {
		t.Fatalf("stat after delete: %v", err)
	}
	all, err := output.ListAll(ctx, s, "")
	if err != nil {
		t.Fatal(err)
	}
	if g := strings.Join(infoKeys(all), ","); g != "d/2" {
		t.Fatalf("after delete: %s", g)
	}
	if err := s.Delete(ctx, "d/2"); err != nil {
		t.Fatal(err)
	}
	if all, _ := output.ListAll(ctx, s, ""); len(all) != 0 {
		t.Fatalf("after deleting all: %v", infoKeys(all))
	}
}

func testInvalidKeys(t *testing.T, s output.ObjectStore) {
	ctx := context.Background()
	for _, k := range []string{"", "/abs", "a//b", "a/../b", "..", "a/", `a\b`} {
		if err := output.PutBytes(ctx, s, k, []byte("x"), output.PutOptions{}); err == nil {
			t.Errorf("put %q: no error", k)
		}
	}
}

func testLarge(t *testing.T, s output.ObjectStore) {
	// Larger than the S3 store's default part size: a multipart upload.
	data := make([]byte, 17<<20+12345)
	for i := range data {
		data[i] = byte(i*7 + i>>13)
	}
	put(t, s, "big/object", data)
	got := get(t, s, "big/object")
	if !bytes.Equal(got, data) {
		t.Fatalf("large object: %d bytes back, want %d (or content differs)", len(got), len(data))
	}
	rc, err := s.GetRange(context.Background(), "big/object", 16<<20-3, 6)
	if err != nil {
		t.Fatal(err)
	}
	part, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(part, data[16<<20-3:16<<20+3]) {
		t.Fatalf("range across a part boundary differs")
	}
}

func testUnknownSize(t *testing.T, s output.ObjectStore) {
	ctx := context.Background()
	r := io.MultiReader(strings.NewReader("stream"), strings.NewReader("ed"))
	if err := s.Put(ctx, "u", r, -1, output.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := get(t, s, "u"); string(got) != "streamed" {
		t.Fatalf("got %q", got)
	}
}

func testConcurrent(t *testing.T, s output.ObjectStore) {
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			// Writers of the same key never leave a mixed object.
			body := bytes.Repeat([]byte{byte('a' + i)}, 100_000)
			if err := output.PutBytes(ctx, s, "same", body, output.PutOptions{}); err != nil {
				errs <- err
				return
			}
			if err := output.PutBytes(ctx, s, fmt.Sprintf("own/%d", i), body, output.PutOptions{}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got := get(t, s, "same")
	if len(got) != 100_000 || !bytes.Equal(got, bytes.Repeat(got[:1], 100_000)) {
		t.Fatalf("concurrent puts left a mixed object")
	}
	all, _ := output.ListAll(context.Background(), s, "own/")
	if len(all) != 8 {
		t.Fatalf("%d objects under own/, want 8", len(all))
	}
}
