package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/freshet/freshet/engine/catalog"
	"github.com/freshet/freshet/engine/eval"
	"github.com/freshet/freshet/output"
	"github.com/freshet/freshet/output/lakescan"
	"github.com/freshet/freshet/sql"
)

// planCatalog is the catalog queries are planned against: the engine's
// streams, and the Parquet datasets FROM s3.`…` and file.`…` name, whose
// schema it reads from their files.
type planCatalog struct {
	*catalog.Catalog
	e   *Engine
	ctx context.Context
}

var _ sql.DatasetCatalog = planCatalog{}

// planning returns the catalog for planning a statement run under ctx.
func (e *Engine) planning(ctx context.Context) planCatalog {
	return planCatalog{Catalog: e.catalog, e: e, ctx: ctx}
}

// Dataset implements sql.DatasetCatalog: it lists the dataset and reads
// the footer of its first file (lakescan.Discover).
func (c planCatalog) Dataset(url string) (*sql.StreamDef, error) {
	store, err := c.e.openDataset(c.ctx, url)
	if err != nil {
		return nil, err
	}
	d, err := lakescan.Discover(c.ctx, store)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", url, err)
	}
	cols := make(sql.Schema, 0, len(d.Columns))
	for _, f := range d.Columns {
		t, err := eval.SQLType(f.Type)
		if err != nil {
			return nil, fmt.Errorf("dataset %s: column %s: %w", url, f.Name, err)
		}
		cols = append(cols, sql.Column{Name: f.Name, Type: t})
	}
	return datasetDef(&sql.Dataset{URL: url, TimeColumn: d.TimeColumn, Partitions: d.Partitions}, cols), nil
}

// describeDataset answers DESCRIBE of a dataset: its columns with their
// types, then what Discover found.
func (e *Engine) describeDataset(ctx context.Context, url string) (*Result, error) {
	store, err := e.openDataset(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("describe: %w", err)
	}
	d, err := lakescan.Discover(ctx, store)
	if err != nil {
		return nil, fmt.Errorf("describe: dataset %s: %w", url, err)
	}
	var rows [][]sql.Value
	add := func(k, v string) { rows = append(rows, []sql.Value{str(k), str(v)}) }
	for _, f := range d.Columns {
		t, err := eval.SQLType(f.Type)
		if err != nil {
			return nil, fmt.Errorf("describe: dataset %s: column %s: %w", url, f.Name, err)
		}
		add(f.Name, t.String())
	}
	add("(event time)", orDefault(d.TimeColumn, "none (no TIMESTAMP column: no windows)"))
	add("(partitions)", orDefault(strings.Join(d.Partitions, ", "), "none"))
	add("(files)", fmt.Sprintf("%d, %d bytes", d.Files, d.Bytes))
	if len(d.Skipped) > 0 {
		add("(unreadable columns)", strings.Join(d.Skipped, ", "))
	}
	rec, err := buildRecord(e.opts.Mem, describeSchema, rows)
	if err != nil {
		return nil, err
	}
	return staticResult(describeSchema, rec), nil
}

// datasetDef is the definition a dataset is planned and run with: its
// event time is its TimeColumn, its archive is itself, and its partition
// columns prune as a stream's archive_partition_by fields do.
func datasetDef(ds *sql.Dataset, cols sql.Schema) *sql.StreamDef {
	def := &sql.StreamDef{Name: ds.URL, Columns: cols, Options: sql.DefaultStreamOptions(), Dataset: ds}
	def.Options.Archive = ds.URL
	def.Options.ArchivePartitionBy = ds.Partitions
	if ds.TimeColumn != sql.ColEventTime {
		def.Options.EventTime = ds.TimeColumn
	}
	return def
}

// openDataset opens the object store of a dataset URL. A file:// dataset
// must be an existing directory (opening a store would create it).
func (e *Engine) openDataset(ctx context.Context, url string) (output.ObjectStore, error) {
	if e.opts.OpenArchive == nil {
		return nil, fmt.Errorf("dataset %s: this engine has no object stores configured (Options.OpenArchive)", url)
	}
	loc, err := output.ParseLocation(url)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", url, err)
	}
	if loc.Scheme == "file" {
		fi, err := os.Stat(loc.Path)
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("dataset %s: no such directory", url)
		}
		if err != nil {
			return nil, fmt.Errorf("dataset %s: %w", url, err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("dataset %s: not a directory (name the directory that holds the Parquet files)", url)
		}
	}
	store, err := e.opts.OpenArchive(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", url, err)
	}
	return store, nil
}

// scanDef returns the definition a lake scan reads: the stream's, or the
// dataset's the plan carries.
func (e *Engine) scanDef(scan *sql.Scan) (*sql.StreamDef, error) {
	if scan.Dataset != nil {
		return datasetDef(scan.Dataset, scan.Output[:scan.Columns]), nil
	}
	def, ok := e.catalog.Stream(scan.Stream)
	if !ok {
		return nil, fmt.Errorf("run query: stream %s does not exist", scan.Stream)
	}
	return def, nil
}

// describeScan names what a lake scan reads, for errors.
func describeScan(def *sql.StreamDef) string {
	if def.Dataset != nil {
		return "dataset " + def.Name
	}
	return "archive." + strings.ToLower(def.Name)
}
