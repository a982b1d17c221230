// Package sql will hold statement parsing on github.com/xwb1989/sqlparser with
// Freshet's extensions (CREATE STREAM … WITH, EMIT CHANGES, SHOW QUERIES,
// STOP QUERY), the catalog, types, expressions and the logical plan. Only this
// package imports the parser. Nothing is built here yet (issue 3).
package sql
