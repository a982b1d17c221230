// duckdb-scan.mjs runs the queries of Freshet's BenchmarkArchiveScan
// (engine/lakesource_bench_test.go) with DuckDB over the same Parquet
// files, and prints rows/s per run.
//
// The bench writes its lake to $FRESHET_BENCH_DIR/lake and keeps it:
//
//	FRESHET_BENCH_DIR=/tmp/bench100m FRESHET_BENCH_ROWS=100000000 \
//	  go test -run '^$' -bench ArchiveScan -benchtime 1x -count 3 -timeout 60m ./engine
//
// DuckDB's Node.js client ships the native library (PyPI is not needed):
//
//	mkdir -p /tmp/duck && cd /tmp/duck && npm install @duckdb/node-api
//	node /path/to/freshet/testdata/bench/duckdb-scan.mjs /tmp/bench100m 2 3
//
// Arguments: the bench directory, DuckDB threads (default 2), runs per
// query (default 3). Run it from the directory where the client is
// installed: the module is resolved from the working directory.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(path.join(process.cwd(), 'duckdb-scan.cjs'));
const { DuckDBInstance } = require('@duckdb/node-api');

const [dir, threads = '2', runs = '3'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node duckdb-scan.mjs BENCH_DIR [THREADS] [RUNS]');
  process.exit(2);
}
const rows = Number(readFileSync(path.join(dir, 'lake-rows'), 'utf8').split(' ')[0]);
const files = `read_parquet('${path.join(dir, 'lake', 'clicks')}/**/*.parquet', hive_partitioning = true)`;
const perHour = Math.min(rows, 4 * 360000); // 4 shards, one row per 10 ms each
const hour = `ts >= TIMESTAMPTZ '2026-11-22 10:00:00+00' AND ts < TIMESTAMPTZ '2026-11-22 11:00:00+00'`;
const queries = [
  ['count-sum-by-user', `SELECT user_id, COUNT(*) AS n, SUM(qty) AS total FROM ${files} GROUP BY user_id`, rows],
  ['sum-double-by-user', `SELECT user_id, SUM(price) AS total FROM ${files} GROUP BY user_id`, rows],
  ['one-hour', `SELECT user_id, COUNT(*) AS n FROM ${files} WHERE ${hour} GROUP BY user_id`, perHour],
  // What a DuckDB user would write to prune by the Hive partitions too.
  ['one-hour-partition', `SELECT user_id, COUNT(*) AS n FROM ${files} WHERE ${hour} AND dt = '2026-11-22' AND hr = 10 GROUP BY user_id`, perHour],
];

const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await instance.connect();
const version = (await con.runAndReadAll('SELECT version()')).getRows()[0][0];
console.log(`DuckDB ${version}, threads=${threads}, ${rows} rows in ${dir}/lake`);
for (const [name, sql, n] of queries) {
  for (let i = 0; i < Number(runs); i++) {
    const start = process.hrtime.bigint();
    const reader = await con.runAndReadAll(sql);
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    const out = reader.getRows();
    const sum = out.reduce((s, r) => s + Number(r[1]), 0);
    console.log(`${name}\t${out.length} groups\tcolumn 2 sums to ${sum}\t${(secs * 1000).toFixed(0)} ms\t${(n / secs / 1e6).toFixed(1)}M rows/s`);
  }
}
