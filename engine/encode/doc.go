// Package encode writes rows out: as the JSON or CSV records a stream
// stores (INSERT … VALUES, the stream sink of a persistent query), and as
// the JSON a client reads (the query API, `freshet sql`).
//
// A row is read from an Arrow record batch column by column (ValueAt) into
// sql.Values, so every writer shares one notion of each type: BOOLEAN as
// true/false, BIGINT as an integer, DOUBLE as a number (NaN and infinities,
// which JSON cannot hold, as null), VARCHAR as text, TIMESTAMP as RFC 3339
// UTC with milliseconds, NULL as null (JSON) or an empty field (CSV).
package encode
