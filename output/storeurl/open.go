package storeurl

import (
	"context"
	"fmt"

	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/filestore"
	"github.com/freshet/freshet/output/s3store"
)

// Open parses rawURL and returns the store it names, rooted at the URL's
// bucket and prefix (or directory): the keys given to the store are
// relative to that root. cfg configures S3 and is ignored for file URLs.
func Open(ctx context.Context, rawURL string, cfg output.S3Config) (output.ObjectStore, error) {
	loc, err := output.ParseLocation(rawURL)
	if err != nil {
		return nil, err
	}
	switch loc.Scheme {
	case "file":
		return filestore.Open(loc.Path)
	case "s3":
		return s3store.Open(ctx, loc.Bucket, loc.Prefix, cfg)
	}
	return nil, fmt.Errorf("open store %q: unsupported scheme %q", rawURL, loc.Scheme)
}
