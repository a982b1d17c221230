package filestore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/freshet/freshet/output"
)

const tmpPrefix = ".tmp-"

// Store is an object store in a local directory.
type Store struct {
	root string
}

var _ output.ObjectStore = (*Store)(nil)

// Open returns a store rooted at dir, creating the directory if needed.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open file store: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open file store: %w", err)
	}
	return &Store{root: abs}, nil
}

// Root is the store's directory.
func (s *Store) Root() string { return s.root }

func (s *Store) path(key string) (string, error) {
	if err := output.ValidateKey(key); err != nil {
		return "", err
	}
	return filepath.Join(s.root, filepath.FromSlash(key)), nil
}

func notFound(op, key string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s %s: %w", op, key, output.ErrNotFound)
	}
	return fmt.Errorf("%s %s: %w", op, key, err)
}

// Put writes the object to a temporary file, syncs it and renames it into
// place.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, opts output.PutOptions) error {
	p, err := s.path(key)
	if err != nil {
		return fmt.Errorf("put: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("put %s: %w", key, err)
	}
	if _, err := io.Copy(f, r); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("put %s: %w", key, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("put %s: %w", key, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("put %s: %w", key, err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Get opens the object's file.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, fmt.Errorf("get: %w", err)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, notFound("get", key, err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("get %s: %w", key, output.ErrNotFound)
	}
	return f, nil
}

type sectionCloser struct {
	io.Reader
	f *os.File
}

func (r sectionCloser) Close() error { return r.f.Close() }

// GetRange opens a section of the object's file.
func (s *Store) GetRange(ctx context.Context, key string, off, length int64) (io.ReadCloser, error) {
	if off < 0 {
		return nil, fmt.Errorf("get range %s: negative offset %d", key, off)
	}
	rc, err := s.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	f := rc.(*os.File)
	if length < 0 {
		length = 1<<63 - 1 - off
	}
	return sectionCloser{Reader: io.NewSectionReader(f, off, length), f: f}, nil
}

// Stat describes the object's file.
func (s *Store) Stat(ctx context.Context, key string) (output.ObjectInfo, error) {
	p, err := s.path(key)
	if err != nil {
		return output.ObjectInfo{}, fmt.Errorf("stat: %w", err)
	}
	st, err := os.Stat(p)
	if err != nil {
		return output.ObjectInfo{}, notFound("stat", key, err)
	}
	if st.IsDir() {
		return output.ObjectInfo{}, fmt.Errorf("stat %s: %w", key, output.ErrNotFound)
	}
	return output.ObjectInfo{Key: key, Size: st.Size(), Modified: st.ModTime()}, nil
}

// List walks the directories that can hold keys under prefix.
func (s *Store) List(ctx context.Context, prefix, startAfter string, limit int) (output.ListPage, error) {
	if limit <= 0 {
		limit = output.DefaultListLimit
	}
	// Walk from the deepest directory the prefix names.
	base := ""
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		base = prefix[:i]
	}
	start := s.root
	if base != "" {
		if err := output.ValidateKey(base); err != nil {
			return output.ListPage{}, fmt.Errorf("list %s: %w", prefix, err)
		}
		start = filepath.Join(s.root, filepath.FromSlash(base))
	}
	var all []output.ObjectInfo
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), tmpPrefix) {
			return nil
		}
		rel, err := filepath.Rel(s.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) || key <= startAfter {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // deleted while walking
			}
			return err
		}
		all = append(all, output.ObjectInfo{Key: key, Size: info.Size(), Modified: info.ModTime()})
		return nil
	})
	if err != nil {
		return output.ListPage{}, fmt.Errorf("list %s: %w", prefix, err)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Key < all[j].Key })
	page := output.ListPage{Objects: all}
	if len(all) > limit {
		page.Objects, page.More = all[:limit], true
	}
	return page, nil
}

// Delete removes the object's file and the directories left empty.
func (s *Store) Delete(ctx context.Context, key string) error {
	p, err := s.path(key)
	if err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	for dir := filepath.Dir(p); dir != s.root && strings.HasPrefix(dir, s.root); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break // not empty (or gone): stop
		}
	}
	return nil
}
