package output

import (
	"strings"
	"testing"
)

func TestParseLocation(t *testing.T) {
	valid := map[string]Location{
		"s3://lake":              {Scheme: "s3", Bucket: "lake"},
		"s3://lake/raw":          {Scheme: "s3", Bucket: "lake", Prefix: "raw"},
		"s3://lake/raw/clicks/":  {Scheme: "s3", Bucket: "lake", Prefix: "raw/clicks"},
		"S3://lake/raw":          {Scheme: "s3", Bucket: "lake", Prefix: "raw"},
		"file:///var/lake":       {Scheme: "file", Path: "/var/lake"},
		"file:///var/lake/":      {Scheme: "file", Path: "/var/lake"},
		"file://localhost/var/l": {Scheme: "file", Path: "/var/l"},
		"file:/var/lake":         {Scheme: "file", Path: "/var/lake"},
		"/var/lake":              {Scheme: "file", Path: "/var/lake"},
	}
	for in, want := range valid {
		got, err := ParseLocation(in)
		if err != nil || got != want {
			t.Errorf("ParseLocation(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	invalid := map[string]string{
		"s3:///raw":           "no bucket",
		"s3://lake/a//b":      "empty segment",
		"s3://lake/a/../b":    `".." segment`,
		"file://host/var":     "absolute path",
		"http://example.com/": "scheme must be",
		"lake/raw":            "scheme must be",
	}
	for in, want := range invalid {
		_, err := ParseLocation(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseLocation(%q): %v, want an error containing %q", in, err, want)
		}
	}
	if s := (Location{Scheme: "s3", Bucket: "b", Prefix: "p/q"}).String(); s != "s3://b/p/q" {
		t.Errorf("String: %s", s)
	}
}
