package lakescan

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/lake"
)

// File is one data file a scan reads.
type File struct {
	Key  string
	Size int64
	// Hour is the start of the file's hour partition (zero in datasets).
	Hour time.Time
	// Parts are the partition values of the file's key=value directories
	// (key in lower case, value unescaped); dt and hr are left out of a
	// stream's files.
	Parts [][2]string
}

// maxDayPrefixes bounds how many per-day List calls a bounded range makes
// before one listing of the whole stream is cheaper.
const maxDayPrefixes = 62

// listFiles lists the data files of stream that may hold rows with event
// time in [from, to) (zero times are open bounds), in key order, with the
// containment rule applied.
func listFiles(ctx context.Context, store output.ObjectStore, stream string, from, to time.Time, parts map[string]map[string]bool) ([]File, error) {
	root := lake.EscapeValue(stream) + "/"
	var prefixes []string
	if !from.IsZero() && !to.IsZero() {
		first := from.UTC().Truncate(24 * time.Hour)
		last := to.UTC().Add(-time.Millisecond).Truncate(24 * time.Hour)
		if !last.Before(first) && last.Sub(first) <= maxDayPrefixes*24*time.Hour {
			for d := first; !d.After(last); d = d.Add(24 * time.Hour) {
				prefixes = append(prefixes, root+"dt="+d.Format("2006-01-02")+"/")
			}
		} else if last.Before(first) {
			return nil, nil // an empty range
		}
	}
	if prefixes == nil {
		prefixes = []string{root}
	}
	var files []File
	for _, p := range prefixes {
		objs, err := output.ListAll(ctx, store, p)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", p, err)
		}
		for _, o := range objs {
			if _, _, _, ok := lake.ParseFileName(o.Key); !ok {
				continue // _SUCCESS markers, temporary files
			}
			dir := path.Dir(o.Key)
			hour, err := lake.HourOf(strings.TrimPrefix(dir, root))
			if err != nil {
				continue // not a partition of this stream
			}
			f := File{Key: o.Key, Size: o.Size, Hour: hour}
			for _, seg := range strings.Split(dir, "/") {
				if k, v, ok := strings.Cut(seg, "="); ok && k != "dt" && k != "hr" {
					f.Parts = append(f.Parts, [2]string{strings.ToLower(k), lake.UnescapeValue(v)})
				}
			}
			if !hourInRange(hour, from, to) || !partsAllowed(f.Parts, parts) {
				continue
			}
			files = append(files, f)
		}
	}
	files = dropContained(files)
	sort.Slice(files, func(i, j int) bool { return files[i].Key < files[j].Key })
	return files, nil
}

// hourInRange reports whether the hour starting at h meets [from, to).
func hourInRange(h, from, to time.Time) bool {
	if !to.IsZero() && !h.Before(to) {
		return false
	}
	if !from.IsZero() && !h.Add(time.Hour).After(from) {
		return false
	}
	return true
}

// dropContained applies the lake's containment rule: within one partition
// directory, a file is skipped when another file of the same shard has a
// range that contains its own and is larger (a compaction wrote the larger
// one and had not yet deleted the smaller ones).
func dropContained(files []File) []File {
	type span struct {
		dir, shard, first, last string
	}
	spans := make([]span, len(files))
	byGroup := map[[2]string][]int{}
	for i, f := range files {
		shard, first, last, _ := lake.ParseFileName(f.Key)
		spans[i] = span{path.Dir(f.Key), shard, first, last}
		g := [2]string{spans[i].dir, shard}
		byGroup[g] = append(byGroup[g], i)
	}
	kept := files[:0:0]
	for i, f := range files {
		s := spans[i]
		contained := false
		for _, j := range byGroup[[2]string{s.dir, s.shard}] {
			o := spans[j]
			if j != i && o.first <= s.first && s.last <= o.last && (o.first != s.first || o.last != s.last) {
				contained = true
				break
			}
		}
		if !contained {
			kept = append(kept, f)
		}
	}
	return kept
}
