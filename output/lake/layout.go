package lake

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/freshet/freshet/ingest"
)

// HiveDefaultPartition names the partition of a null or empty field value,
// as Hive, Spark and Athena do.
const HiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__"

// SuccessMarker is the name of the empty object written in an hour
// partition once the watermark has passed the hour's end.
const SuccessMarker = "_SUCCESS"

// HourDir is the hour partition of event time ms (Unix milliseconds, UTC)
// under the stream: <stream>/dt=YYYY-MM-DD/hr=HH.
func HourDir(stream string, ms int64) string {
	t := time.UnixMilli(ms).UTC()
	return fmt.Sprintf("%s/dt=%04d-%02d-%02d/hr=%02d", EscapeValue(stream), t.Year(), t.Month(), t.Day(), t.Hour())
}

// HourOf parses the start of the hour an hour directory (as HourDir
// writes it, with or without a trailing field partition) names.
func HourOf(dir string) (time.Time, error) {
	var dt, hr string
	for _, seg := range strings.Split(dir, "/") {
		switch {
		case strings.HasPrefix(seg, "dt="):
			dt = seg[3:]
		case strings.HasPrefix(seg, "hr="):
			hr = seg[3:]
		}
	}
	t, err := time.Parse("2006-01-02 15", dt+" "+hr)
	if err != nil {
		return time.Time{}, fmt.Errorf("partition %q: %w", dir, err)
	}
	return t, nil
}

// FileName is the name of a data file holding shard's records with
// sequence numbers first..last: part-<shard>-<first>-<last>.parquet.
// Sequence numbers are the fixed-width decimal strings, so names sort by
// position.
func FileName(shard, first, last string) string {
	return "part-" + shard + "-" + first + "-" + last + ".parquet"
}

// ParseFileName reads a data file name back into its shard and sequence
// range.
func ParseFileName(name string) (shard, first, last string, ok bool) {
	name = path.Base(name)
	if !strings.HasPrefix(name, "part-") || !strings.HasSuffix(name, ".parquet") {
		return "", "", "", false
	}
	parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(name, "part-"), ".parquet"), "-")
	if len(parts) < 3 {
		return "", "", "", false
	}
	n := len(parts)
	shard, first, last = strings.Join(parts[:n-2], "-"), parts[n-2], parts[n-1]
	// Other writers' names look alike (Spark's part-00000-<uuid>-c000…):
	// only a shard id and two sequence numbers make a lake file's name.
	if _, err := ingest.ParseShardID(shard); err != nil || !strings.HasPrefix(shard, "shardId-") || !isSeq(first) || !isSeq(last) {
		return "", "", "", false
	}
	return shard, first, last, true
}

// isSeq reports whether s has the form of a sequence number: 38 digits.
func isSeq(s string) bool {
	if len(s) != 38 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ErrorsKey is the key of the error file for shard's records first..last
// that failed to decode, by arrival hour:
// errors/<stream>/dt=YYYY-MM-DD/hr=HH/errors-<shard>-<first>-<last>.json.
func ErrorsKey(stream string, arrivalMs int64, shard, first, last string) string {
	return "errors/" + HourDir(stream, arrivalMs) + "/errors-" + shard + "-" + first + "-" + last + ".json"
}

// EscapeValue escapes a partition value the way Hive does (FileUtils.
// escapePathName): characters that would break a path or a Hive partition
// spec become %XX (upper-case hex). An empty value is
// HiveDefaultPartition, and "." and ".." are escaped whole so that no
// segment is a relative path.
func EscapeValue(v string) string {
	if v == "" {
		return HiveDefaultPartition
	}
	if v == "." || v == ".." {
		return strings.ReplaceAll(v, ".", "%2E")
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 || c == 0x7f || strings.IndexByte("\"#%'*/:=?\\{[]^", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// UnescapeValue reverses EscapeValue (HiveDefaultPartition stays as it is).
func UnescapeValue(v string) string {
	if !strings.Contains(v, "%") {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '%' && i+2 < len(v) {
			var c byte
			if _, err := fmt.Sscanf(v[i+1:i+3], "%02X", &c); err == nil {
				b.WriteByte(c)
				i += 2
				continue
			}
		}
		b.WriteByte(v[i])
	}
	return b.String()
}
