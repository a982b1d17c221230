// Command freshet is Freshet's single binary: wiring only.
//
//	freshet         the REPL (freshet repl; package repl), on ./freshet-data
//	freshet demo    the REPL with a sample stream being written
//	freshet serve   the Kinesis-compatible API over a durable stream store
//	freshet sql     one statement, embedded or on a server
//	freshet rules   check, test and backtest alert-rule files (engine/rules);
//	                serve --rules runs them (servealerts.go)
//	freshet help    usage
//
// main calls run(ctx, args, stdin, stdout, stderr), which picks the
// subcommand; each subcommand has its own flag set, reads its flags and the
// environment (FRESHET_* and the usual AWS_* variables) and builds the store
// and servers from the packages below ingest/. Everything is testable
// in-process through run.
package main
