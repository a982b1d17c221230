// Package sql turns Freshet's SQL into statements and logical plans: the
// parser front end, our own syntax tree, types, the function registry, the
// catalog contract and the planner. The engine builds running operators
// from the plans; nothing here evaluates data.
//
// # Pipeline
//
//	text ──Parse──▶ []Statement ──Plan / PlanInsertSelect──▶ *Query (Root: chain of Nodes)
//	                            └─PlanInsert──────────────▶ *InsertValues (typed rows)
//
// Parse splits a script at top-level semicolons (not those in strings,
// quoted identifiers or comments) with a small lexer that follows MySQL's
// lexical rules, then looks at each statement's first word:
//
//   - Our extensions are parsed here, on tokens: CREATE STREAM … WITH (…),
//     DROP STREAM, SHOW STREAMS, SHOW QUERIES, SHOW ALERTS, STOP QUERY,
//     DESCRIBE/DESC and EXPLAIN.
//   - SELECT and INSERT go to github.com/xwb1989/sqlparser after a light,
//     position-keeping rewrite (rewrite.go): EMIT CHANGES (before or after
//     LIMIT) is blanked out and recorded; CAST(x AS type), EXTRACT(unit FROM
//     x) and SUBSTRING(x FROM a FOR b), which the parser does not read, are
//     respelled as calls. The parser runs in strict-DDL mode, so it never
//     logs or returns half-parsed DDL, and a panic in it becomes an error.
//   - Anything else (CREATE TABLE, UPDATE, …) is an "unsupported statement".
//
// Only this package imports the parser, and only translate*.go and
// sqlstmt.go touch its types: the translator converts its tree at once into
// ours (Select, Insert, InsertSelect with Expr trees), and no parser type
// appears in the API.
//
// # Positions
//
// Every error is an *Error (or an ErrorList) with the line and column of
// the offending token in the text given to Parse. The parser's own syntax
// errors carry a byte offset of the rewritten text, which is mapped back.
// The parser's tree has no positions; the locator (locate.go) recovers
// them: the translator walks each parser node in source order and searches
// the statement's tokens forward from a cursor for the token that node came
// from (the column name, the literal, the function name followed by "(",
// the operator). Cursors are confined to the clause or list item being
// translated, so repeated names get their own occurrence. Every expression
// node keeps its position, which the planner uses for binding errors.
//
// # Binding and types
//
// Types are BOOLEAN, BIGINT, DOUBLE, VARCHAR and TIMESTAMP (milliseconds,
// UTC), plus Null for the untyped NULL literal and Interval for INTERVAL
// literals. Identifiers are case-insensitive and kept in lower case. The
// binder (bind.go) resolves columns, checks every operator and function
// and makes conversions explicit: both operands of an arithmetic or
// comparison operator end up with the same type (BIGINT meeting DOUBLE is
// cast; a literal is converted in place), a string literal compared with a
// TIMESTAMP is parsed then and there, and TIMESTAMP ± INTERVAL is a
// TIMESTAMP (TIMESTAMP - TIMESTAMP is BIGINT milliseconds).
//
// # Functions
//
// Functions live in an explicit registry built by NewFunctions (no global
// state); a Func describes the name, kind (scalar, aggregate, window,
// window bound), arity and a type check. The engine evaluates functions by
// their canonical Name.
//
// # Catalog and metadata columns
//
// The planner sees streams through the Catalog interface. A scan's schema
// is the stream's columns followed by MetadataColumns: _partition_key,
// _shard and _sequence (VARCHAR), _arrival and _event_time (TIMESTAMP;
// _event_time is the event-time column's value, else the arrival time).
// SELECT * expands to the stream's own columns only.
//
// # Plans
//
// A Query is a kind (snapshot, push, persistent) and a chain of immutable
// nodes, read from the root down:
//
//	Scan → [Filter (WHERE)] → [Aggregate → [Filter (HAVING)]] → [Sort] → Project → [Limit]
//
// Each node's expressions are bound to the schema of its input. Aggregate
// output is the group keys, window_start and window_end when windowed, then
// one column per distinct aggregate call; the select list, HAVING and ORDER
// BY refer to those columns (select aliases work in HAVING and ORDER BY, as
// in MySQL). Sort comes before Project so ORDER BY can use columns that are
// not selected. A persistent query adds a final Project onto the target
// stream's columns. After building, Plan applies the rewrites listed by
// Rewrites (drop WHERE TRUE, merge filters, merge projections, drop
// identity projections, mark the columns the scan must read).
// Query.Explain prints the plan; testdata/*.golden hold examples.
//
// What the planner refuses, with a position: unknown streams, columns and
// functions, type mismatches, bad literals, aggregates in WHERE or GROUP
// BY, nested aggregates, selected columns that are neither grouped nor
// aggregated, window functions outside GROUP BY, two windows, windows not
// on the stream's event time, *_START/*_END that do not repeat the GROUP BY
// window, ORDER BY on a push or persistent query without a window, joins,
// subqueries, UNION and LIMIT offsets.
package sql
