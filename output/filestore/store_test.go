package filestore_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/filestore"
	"github.com/freshet/freshet/output/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) output.ObjectStore {
		s, err := filestore.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// A crashed Put leaves a temporary file; List and Get never show it.
func TestTempFilesHidden(t *testing.T) {
	dir := t.TempDir()
	s, err := filestore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a", ".tmp-123"), []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	all, err := output.ListAll(t.Context(), s, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 0 {
		t.Fatalf("listed %v", all)
	}
	// Delete removes emptied directories.
	if err := output.PutBytes(t.Context(), s, "x/y/z", []byte("1"), output.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(t.Context(), "x/y/z"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); !os.IsNotExist(err) {
		t.Fatalf("empty directories left behind: %v", err)
	}
	if !strings.HasPrefix(s.Root(), "/") {
		t.Fatalf("root %q is not absolute", s.Root())
	}
}
