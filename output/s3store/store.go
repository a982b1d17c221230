package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/freshet/freshet/output"
)

// Store is an object store in an S3 bucket, under a key prefix.
type Store struct {
	client   *s3.Client
	uploader *manager.Uploader
	bucket   string
	prefix   string // "" or ends with '/'
}

var _ output.ObjectStore = (*Store)(nil)

// Default tuning, used where output.S3Config leaves a field zero.
const (
	DefaultPartSize    = 16 << 20
	DefaultConcurrency = 4
	DefaultMaxAttempts = 5
)

// Open returns a store for bucket and prefix, configured from the AWS
// environment and cfg. It does not contact S3.
func Open(ctx context.Context, bucket, prefix string, cfg output.S3Config) (*Store, error) {
	if bucket == "" {
		return nil, errors.New("open s3 store: no bucket")
	}
	attempts := cfg.MaxAttempts
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = attempts
				o.MaxBackoff = 5 * time.Second
			})
		}),
	}
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	if cfg.AccessKeyID != "" && cfg.SecretAccessKey != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, "")))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("open s3 store: load AWS config: %w", err)
	}
	if awsCfg.Region == "" {
		awsCfg.Region = "us-east-1"
	}
	endpoint := cfg.Endpoint
	if endpoint == "" && awsCfg.BaseEndpoint != nil {
		endpoint = *awsCfg.BaseEndpoint
	}
	if endpoint == "" {
		// LoadDefaultConfig resolves the generic AWS_ENDPOINT_URL into
		// BaseEndpoint; the S3-specific one is resolved per service, so
		// read it here to decide on path-style addressing.
		endpoint = os.Getenv("AWS_ENDPOINT_URL_S3")
	}
	client := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.UsePathStyle = true
		}
		// Checksums only when the operation requires them: MinIO and
		// other S3-compatible servers vary in their support of the
		// newer defaults.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	partSize := cfg.PartSize
	if partSize <= 0 {
		partSize = DefaultPartSize
	}
	conc := cfg.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	up := manager.NewUploader(client, func(u *manager.Uploader) {
		u.PartSize = partSize
		u.Concurrency = conc
	})
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &Store{client: client, uploader: up, bucket: bucket, prefix: prefix}, nil
}

// Client is the underlying S3 client (tests use it to create buckets).
func (s *Store) Client() *s3.Client { return s.client }

func (s *Store) full(key string) (string, error) {
	if err := output.ValidateKey(key); err != nil {
		return "", err
	}
	return s.prefix + key, nil
}

// wrap names the operation and maps S3's not-found errors to
// output.ErrNotFound.
func wrap(op, key string, err error) error {
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	var api smithy.APIError
	if errors.As(err, &nsk) || errors.As(err, &nf) ||
		(errors.As(err, &api) && (api.ErrorCode() == "NoSuchKey" || api.ErrorCode() == "NotFound")) {
		return fmt.Errorf("s3 %s %s: %w (%w)", op, key, output.ErrNotFound, err)
	}
	return fmt.Errorf("s3 %s %s: %w", op, key, err)
}

// Put uploads the object, in parts when it is larger than one part.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, opts output.PutOptions) error {
	full, err := s.full(key)
	if err != nil {
		return fmt.Errorf("s3 put: %w", err)
	}
	in := &s3.PutObjectInput{Bucket: &s.bucket, Key: &full, Body: r}
	if size >= 0 && size < s.uploader.PartSize {
		in.ContentLength = aws.Int64(size)
	}
	if opts.ContentType != "" {
		in.ContentType = aws.String(opts.ContentType)
	}
	switch opts.SSE {
	case "":
	case "AES256":
		in.ServerSideEncryption = types.ServerSideEncryptionAes256
	case "aws:kms":
		in.ServerSideEncryption = types.ServerSideEncryptionAwsKms
		if opts.SSEKMSKeyID != "" {
			in.SSEKMSKeyId = aws.String(opts.SSEKMSKeyID)
		}
	default:
		return fmt.Errorf("s3 put %s: unknown server-side encryption %q (AES256 or aws:kms)", key, opts.SSE)
	}
	if _, err := s.uploader.Upload(ctx, in); err != nil {
		return wrap("put", key, err)
	}
	return nil
}

// Get downloads the object.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	return s.get(ctx, "get", key, nil)
}

func (s *Store) get(ctx context.Context, op, key string, rng *string) (io.ReadCloser, error) {
	full, err := s.full(key)
	if err != nil {
		return nil, fmt.Errorf("s3 %s: %w", op, err)
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &full, Range: rng})
	if err != nil {
		return nil, wrap(op, key, err)
	}
	return out.Body, nil
}

// GetRange downloads a byte range of the object with a ranged GET.
func (s *Store) GetRange(ctx context.Context, key string, off, length int64) (io.ReadCloser, error) {
	if off < 0 {
		return nil, fmt.Errorf("s3 get range %s: negative offset %d", key, off)
	}
	if length == 0 {
		if _, err := s.Stat(ctx, key); err != nil {
			return nil, err
		}
		return io.NopCloser(strings.NewReader("")), nil
	}
	rng := fmt.Sprintf("bytes=%d-", off)
	if length > 0 {
		rng = fmt.Sprintf("bytes=%d-%d", off, off+length-1)
	}
	rc, err := s.get(ctx, "get range", key, &rng)
	if err != nil {
		var re interface{ HTTPStatusCode() int }
		if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusRequestedRangeNotSatisfiable {
			return io.NopCloser(strings.NewReader("")), nil // offset at or past the end
		}
		return nil, err
	}
	return rc, nil
}

// Stat asks for the object's metadata (HEAD).
func (s *Store) Stat(ctx context.Context, key string) (output.ObjectInfo, error) {
	full, err := s.full(key)
	if err != nil {
		return output.ObjectInfo{}, fmt.Errorf("s3 stat: %w", err)
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: &full})
	if err != nil {
		return output.ObjectInfo{}, wrap("stat", key, err)
	}
	info := output.ObjectInfo{Key: key, Size: aws.ToInt64(out.ContentLength)}
	if out.LastModified != nil {
		info.Modified = *out.LastModified
	}
	return info, nil
}

// List lists one page with ListObjectsV2.
func (s *Store) List(ctx context.Context, prefix, startAfter string, limit int) (output.ListPage, error) {
	if limit <= 0 || limit > output.DefaultListLimit {
		limit = output.DefaultListLimit
	}
	in := &s3.ListObjectsV2Input{
		Bucket:  &s.bucket,
		Prefix:  aws.String(s.prefix + prefix),
		MaxKeys: aws.Int32(int32(limit)),
	}
	if startAfter != "" {
		in.StartAfter = aws.String(s.prefix + startAfter)
	}
	out, err := s.client.ListObjectsV2(ctx, in)
	if err != nil {
		return output.ListPage{}, fmt.Errorf("s3 list %s: %w", prefix, err)
	}
	page := output.ListPage{More: aws.ToBool(out.IsTruncated)}
	for _, o := range out.Contents {
		info := output.ObjectInfo{Key: strings.TrimPrefix(aws.ToString(o.Key), s.prefix), Size: aws.ToInt64(o.Size)}
		if o.LastModified != nil {
			info.Modified = *o.LastModified
		}
		page.Objects = append(page.Objects, info)
	}
	return page, nil
}

// Delete removes the object.
func (s *Store) Delete(ctx context.Context, key string) error {
	full, err := s.full(key)
	if err != nil {
		return fmt.Errorf("s3 delete: %w", err)
	}
	if _, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: &full}); err != nil {
		return wrap("delete", key, err)
	}
	return nil
}

// CreateBucket creates the store's bucket if it does not exist yet.
func (s *Store) CreateBucket(ctx context.Context) error {
	_, err := s.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &s.bucket})
	if err != nil {
		var owned *types.BucketAlreadyOwnedByYou
		var exists *types.BucketAlreadyExists
		if errors.As(err, &owned) || errors.As(err, &exists) {
			return nil
		}
		return fmt.Errorf("s3 create bucket %s: %w", s.bucket, err)
	}
	return nil
}
