package engine_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/engine/encode"
	"github.com/freshet/freshet/sql"
)

// TestArchiveNowRelativePruning: a WHERE bound relative to NOW(), as alert
// rules write them, prunes an archive scan as a literal bound does (NOW()
// is ExecOptions.Now), and the rows are the live stream's.
func TestArchiveNowRelativePruning(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	eng, opened := archivedEngine(t, mem)
	at := time.Date(2026, 11, 22, 11, 45, 0, 0, time.UTC)
	for _, q := range []string{
		`SELECT user_id, COUNT(*) AS n, SUM(qty) AS total FROM %s WHERE ts > NOW() - INTERVAL 30 MINUTE AND ts <= NOW() GROUP BY user_id`,
		`SELECT COUNT(*) AS n FROM %s WHERE ts BETWEEN NOW() - INTERVAL 1 HOUR AND NOW() - INTERVAL 30 MINUTE`,
		`SELECT COUNT(*) AS n FROM %s WHERE NOW() - INTERVAL 10 MINUTE < ts AND ts < CAST('2026-11-22T11:50:00Z' AS TIMESTAMP)`,
	} {
		live, err := queryRows(eng, strings.ReplaceAll(q, "%s", "clicks"), engine.ExecOptions{Now: at})
		if err != nil {
			t.Fatal(err)
		}
		clear(opened)
		archived, err := queryRows(eng, strings.ReplaceAll(q, "%s", "archive.clicks"), engine.ExecOptions{Now: at})
		if err != nil {
			t.Fatal(err)
		}
		if len(live) < 2 || !slices.Equal(live, archived) {
			t.Errorf("%s:\nlive:    %v\narchive: %v", q, live, archived)
		}
		if len(opened) == 0 {
			t.Errorf("%s: no file read", q)
		}
		for k := range opened {
			if !strings.Contains(k, "/hr=10/") && !strings.Contains(k, "/hr=11/") || strings.Contains(k, "/hr=10/") && !strings.Contains(q, "1 HOUR") {
				t.Errorf("%s: read %s, outside the range", q, k)
			}
		}
	}
	eng.Close()
	mem.AssertSize(t, 0)
}

// queryRows runs a snapshot with options o and renders its rows (header
// first, the rest sorted).
func queryRows(eng *engine.Engine, text string, o engine.ExecOptions) ([]string, error) {
	stmt, err := sql.ParseOne(text)
	if err != nil {
		return nil, err
	}
	res, err := eng.ExecuteStatement(context.Background(), stmt, o)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	var rows []string
	for {
		rec, err := res.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		for i := range int(rec.NumRows()) {
			row, err := encode.Row(rec, i)
			if err != nil {
				rec.Release()
				return nil, err
			}
			rows = append(rows, string(encode.AppendCSV(nil, row)))
		}
		rec.Release()
	}
	slices.Sort(rows)
	return append([]string{strings.Join(res.Columns.Names(), ",")}, rows...), nil
}
