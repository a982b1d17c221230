package lakescan

import "fmt"

// Folder takes the batches of one file, in order, in the goroutine that
// reads the file: a partial aggregation, say, whose results are combined
// in file order afterwards.
type Folder interface {
	// Fold processes b. It does not keep b.Rec, which the scan releases
	// when Fold returns.
	Fold(b Batch) error
}

// folded is a file's Folder once the file is read, or why it was not.
type folded struct {
	f   Folder
	err error
}

// Fold reads the files as Next would — in parallel, Parallelism at a
// time — but hands each file's batches to a Folder in the goroutine that
// reads the file, so that the work done on the rows is shared too.
// newFolder makes the Folder of each file, from the reading goroutines
// (so it must be safe for concurrent use); done is called with each
// file's Folder, from the calling goroutine, in file-key order, once the
// file is read. Files read ahead of the one done waits for are bounded
// (2 × Parallelism), and so are the Folders waiting.
//
// Fold returns the first error of reading, of a Folder or of done, once
// every reader has stopped; Folders not handed to done are dropped. Fold
// is the alternative to Next: a Scanner does one or the other, once.
func (s *Scanner) Fold(newFolder func(File) (Folder, error), done func(Folder) error) error {
	if s.started {
		return fmt.Errorf("lake scan %s: Fold after Next or Fold", s.opts.Stream)
	}
	s.started = true
	results := make([]chan folded, len(s.files))
	for i := range results {
		results[i] = make(chan folded, 1)
	}
	reading := make(chan struct{}, s.opts.Parallelism)
	ahead := make(chan struct{}, 2*s.opts.Parallelism) // started, not yet done
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for i, f := range s.files {
			select {
			case ahead <- struct{}{}:
			case <-s.ctx.Done():
				return
			}
			select {
			case reading <- struct{}{}:
			case <-s.ctx.Done():
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				fo, err := s.foldFile(f, newFolder)
				<-reading
				if err == nil {
					s.fileDone(f)
				}
				results[i] <- folded{f: fo, err: err} // buffered: never blocks
			}()
		}
	}()
	err := s.collect(results, ahead, done)
	s.stop()
	s.wg.Wait()
	return err
}

// collect hands the files' Folders to done in order.
func (s *Scanner) collect(results []chan folded, ahead chan struct{}, done func(Folder) error) error {
	for _, ch := range results {
		var r folded
		select {
		case r = <-ch:
		case <-s.ctx.Done():
			return s.ctx.Err()
		}
		if r.err != nil {
			return r.err
		}
		if err := done(r.f); err != nil {
			return err
		}
		<-ahead
	}
	return nil
}

// foldFile reads file f into a new Folder.
func (s *Scanner) foldFile(f File, newFolder func(File) (Folder, error)) (Folder, error) {
	fo, err := newFolder(f)
	if err != nil {
		return nil, fmt.Errorf("lake scan %s: %s: %w", s.opts.Stream, f.Key, err)
	}
	var foldErr error
	err = s.readFile(f, func(b Batch) bool {
		defer b.Rec.Release()
		if s.ctx.Err() != nil {
			return false
		}
		foldErr = fo.Fold(b)
		return foldErr == nil
	})
	if foldErr != nil {
		return nil, fmt.Errorf("lake scan %s: %s: %w", s.opts.Stream, f.Key, foldErr)
	}
	if err != nil {
		return nil, err
	}
	if err := s.ctx.Err(); err != nil {
		return nil, err
	}
	return fo, nil
}
