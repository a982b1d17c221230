// Package catalog keeps the stream definitions of CREATE STREAM — columns
// and WITH options — across restarts, and serves them to the planner as a
// sql.Catalog.
//
// The definitions live in one JSON file (catalog.json in the data
// directory), replaced atomically on every change; an empty path keeps them
// in memory. The stream store holds the records; the catalog only what SQL
// needs to read them.
package catalog
