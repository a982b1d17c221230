// Package eval evaluates bound SQL expressions (sql.Expr, as the planner
// leaves them in Filter and Project nodes) over Apache Arrow record
// batches, a column at a time.
//
// # Design
//
// Compile turns an expression into a tree of nodes once per query; each
// batch then goes through Evaluator.Eval, which asks the root node for an
// array and each node asks its children. A node's kernel loops over the raw
// buffers of its input arrays (values as []int64 or []float64, string
// offsets and bytes, value and validity bitmaps a byte at a time) and
// writes into buffers it allocates from Env.Mem; no kernel makes a call per
// row through an interface or an Arrow accessor. Types map as ArrowType
// says: BOOLEAN is Boolean, BIGINT Int64, DOUBLE Float64, VARCHAR String,
// TIMESTAMP Timestamp(ms, UTC); a TIMESTAMP and an INTERVAL are handled as
// int64 milliseconds.
//
// What can be decided once is decided in Compile:
//
//   - Constant sub-expressions (no column, no NOW()) are evaluated on one
//     row and replaced by their value.
//   - A comparison or arithmetic with a constant operand gets a kernel that
//     reads the constant directly (column > 10 is one loop over the
//     column's values), with the constant moved to the right if needed.
//   - IN over constants becomes a set (a slice while small, else a map).
//   - LIKE with a constant pattern is compiled to exact, prefix, suffix,
//     contains or match-all tests where it can be, else to a wildcard
//     matcher; REGEXP and JSON_EXTRACT paths and DATE_FORMAT formats are
//     compiled once. Non-constant patterns, paths and formats are compiled
//     per row, reusing the previous row's when equal.
//   - NULL constants make strict operators NULL; TRUE/FALSE simplify AND,
//     OR and CASE.
//
// Conditionals are lazy per batch: AND does not evaluate its right side
// when its left side is FALSE on every row (OR: TRUE), a CASE arm's result
// is evaluated only if some row takes that arm, and COALESCE stops once no
// row is NULL. No kernel fails on a value (division by zero, a bad cast or
// a bad regular expression gives NULL), so evaluating a branch over rows
// that do not take it is harmless. Constants that must be arrays are
// broadcast from a cached array in Go-managed memory, sliced to the batch.
//
// # NULLs and semantics
//
// Logic is three-valued: NULL AND FALSE is FALSE, NULL OR TRUE is TRUE, NOT
// NULL is NULL; comparisons, arithmetic and functions with a NULL operand
// are NULL except IS [NOT] NULL, COALESCE, IFNULL, IF and CASE, and
// IN/BETWEEN follow from their definitions (x IN (1, NULL) is TRUE or
// NULL, never FALSE). Semantics follow MySQL where the dialect leaves room:
//
//   - BIGINT + - * wrap around on overflow as Go's integers do (MySQL
//     raises an error); / is DOUBLE; x / 0 and x % 0 are NULL; % has the
//     sign of the dividend.
//   - Strings compare by bytes (a binary collation): 'a' < 'b' < 'é', and
//     LIKE is case-sensitive; LIKE's _ is one UTF-8 character and \ escapes
//     the next character. REGEXP is a Go regular expression matched
//     anywhere in the string.
//   - CAST from VARCHAR that does not parse is NULL (cast.go lists the
//     conversions); DOUBLE to BIGINT rounds half away from zero.
//   - LENGTH counts characters (the sql registry makes LENGTH an alias of
//     CHAR_LENGTH); SUBSTRING counts characters from 1, negative from the
//     end; TRIM removes spaces; CONCAT is NULL if an argument is.
//   - ROUND rounds half away from zero; SQRT of a negative number and a
//     POWER that is not a finite number are NULL.
//   - NOW() is Env.Now(), read once per batch. EXTRACT(WEEK) is the ISO
//     week; DATE_FORMAT has MySQL's specifiers (dateformat.go).
//   - JSON_EXTRACT (and -> and ->>) returns text as ->> does; a missing
//     value, a JSON null or a document that is not JSON is NULL (json.go).
//
// # Ownership
//
// Eval borrows the record: it does not retain it, nor any of its columns
// beyond the call, except in the array it returns. The caller owns the
// returned array and must Release it. A column reference returns the input
// column itself, retained (no copy), and other results may share buffers
// with the input (a validity bitmap, or the values of a cast between BIGINT
// and TIMESTAMP). Filter and Project follow the same rule for records.
// Evaluators hold no Arrow memory of Env.Mem between calls, so they need no
// Release, and they are safe for concurrent use.
package eval
