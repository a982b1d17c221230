// Package httpapi serves the engine's query API under /v1/ (freshet serve
// mounts it beside the Kinesis API):
//
//	POST   /v1/sql              run one statement; body {"sql": "…"} or the
//	                            statement as text/plain
//	GET    /v1/streams          the streams (SHOW STREAMS)
//	GET    /v1/queries          persistent queries with their counters
//	GET    /v1/queries/{id}     one of them
//	DELETE /v1/queries/{id}     stop it (STOP QUERY)
//	GET    /v1/alerts           alert-rule instances (engine.Alert), as
//	                            SHOW ALERTS lists them
//
// A snapshot query answers with one JSON document, {"columns": […],
// "rows": [[…], …]}, or an Arrow IPC stream when the request accepts
// application/vnd.apache.arrow.stream. A push query (EMIT CHANGES) answers
// with newline-delimited JSON, flushed row by row: a first line
// {"columns": […]}, then one JSON object per row, until its LIMIT or until
// the client disconnects, which stops the query. Statements without rows
// answer {"message": "…"}. A failed statement answers HTTP 400 with
// {"error": "…", "line": L, "column": C} when the error has a position.
package httpapi
