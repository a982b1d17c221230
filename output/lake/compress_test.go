package lake

import "github.com/apache/arrow/go/v17/parquet/compress"

func compressSnappy() compress.Compression { return compress.Codecs.Snappy }
