package lakescan

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// qtyFolder collects the qty values of one file.
type qtyFolder struct {
	file File
	qty  []int64
	fail int64 // Fold fails at this qty (0: never)
}

func (f *qtyFolder) Fold(b Batch) error {
	for _, q := range b.Rec.Column(0).(*array.Int64).Int64Values() {
		if f.fail != 0 && q == f.fail {
			return errors.New("qty is unlucky")
		}
		f.qty = append(f.qty, q)
	}
	return nil
}

// Fold hands every file's rows to its own Folder, and the Folders to done
// in file order: the rows come out as Next gives them.
func TestFold(t *testing.T) {
	store := newStore(t)
	writeLake(t, store, 3000, 250, 0)
	want, _ := scanAll(t, Options{Store: store, Stream: "s", Schema: qtySchema})
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var calls int
	s, err := Open(context.Background(), Options{Store: store, Stream: "s", Schema: qtySchema, Parallelism: 3, BatchRows: 100, Mem: mem,
		Progress: func(Progress) { calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got []int64
	var files []string
	err = s.Fold(func(f File) (Folder, error) { return &qtyFolder{file: f}, nil }, func(fo Folder) error {
		got = append(got, fo.(*qtyFolder).qty...)
		files = append(files, fo.(*qtyFolder).file.Key)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Fold gave %d rows, Next %d, or in another order", len(got), len(want))
	}
	if len(files) != len(s.Files()) || !slices.IsSorted(files) || calls != len(files) {
		t.Fatalf("%d folders (%d progress calls) for %d files", len(files), calls, len(s.Files()))
	}
	if st := s.Stats(); st.Rows != int64(len(want)) {
		t.Fatalf("stats: %d rows", st.Rows)
	}
	if err := s.Fold(nil, nil); err == nil {
		t.Fatal("a second Fold: no error")
	}
}

// An error of a Folder, of newFolder or of done ends the scan with that
// error, after the readers stop; nothing leaks.
func TestFoldErrors(t *testing.T) {
	store := newStore(t)
	writeLake(t, store, 3000, 100, 0)
	for _, c := range []struct {
		name      string
		newFolder func(File) (Folder, error)
		done      func(Folder) error
		want      string
	}{
		{"fold", func(File) (Folder, error) { return &qtyFolder{fail: 1234}, nil }, func(Folder) error { return nil }, "qty is unlucky"},
		{"new", func(f File) (Folder, error) {
			if strings.Contains(f.Key, "hr=11") {
				return nil, errors.New("no folder")
			}
			return &qtyFolder{}, nil
		}, func(Folder) error { return nil }, "no folder"},
		{"done", func(File) (Folder, error) { return &qtyFolder{}, nil }, func(fo Folder) error {
			if len(fo.(*qtyFolder).qty) > 0 {
				return errors.New("done with it")
			}
			return nil
		}, "done with it"},
	} {
		t.Run(c.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			s, err := Open(context.Background(), Options{Store: store, Stream: "s", Schema: qtySchema, Parallelism: 2, BatchRows: 50, Mem: mem})
			if err != nil {
				t.Fatal(err)
			}
			err = s.Fold(c.newFolder, c.done)
			s.Close()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
	// A cancelled context ends a Fold with the context's error.
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Open(ctx, Options{Store: store, Stream: "s", Schema: qtySchema})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Fold(func(File) (Folder, error) { return &qtyFolder{}, nil }, func(Folder) error { cancel(); return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want %v", err, context.Canceled)
	}
}
