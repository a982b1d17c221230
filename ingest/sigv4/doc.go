// Package sigv4 verifies AWS Signature Version 4 on incoming HTTP requests,
// so that Freshet's Kinesis-compatible API can require the same credentials
// an AWS client already sends.
//
// A Verifier holds a set of access key / secret key pairs (LoadCredentials
// reads them from a file, NewVerifier takes them from a map). Verify parses
// the request's Authorization header, looks the access key up, checks the
// request time against the allowed clock skew (15 minutes, as AWS does) and
// recomputes the signature.
//
// The signature is recomputed with the AWS SDK's own signer
// (github.com/aws/aws-sdk-go-v2/aws/signer/v4) rather than a second,
// hand-written canonicalisation: Verify rebuilds a request that carries only
// the headers the client listed in SignedHeaders, signs it with the secret
// key at the client's X-Amz-Date for the region and service of the client's
// credential scope, and compares the signatures in constant time. The SDK
// signer always signs Host, signs Content-Length only when the body is not
// empty, sets X-Amz-Date itself and never signs User-Agent, Expect,
// Transfer-Encoding, X-Amzn-Trace-Id or Authorization; a request whose
// SignedHeaders cannot be reproduced under those rules (for example one
// signed with a Date header instead of X-Amz-Date, or one that signed
// User-Agent) is rejected with an InvalidSignatureException that says why.
// Every AWS SDK and the AWS CLI sign requests in the reproducible way.
//
// Failures are *Error values whose Code is the AWS error code a JSON service
// answers with (MissingAuthenticationTokenException,
// IncompleteSignatureException, UnrecognizedClientException,
// InvalidSignatureException) and whose Message is shaped like AWS's.
// Query-string (presigned) authentication is not supported.
//
// The credentials file holds one pair per line, "ACCESS_KEY_ID
// SECRET_ACCESS_KEY", with blank lines and lines starting with '#' ignored;
// or it is an AWS shared-credentials style INI file whose sections carry
// aws_access_key_id and aws_secret_access_key (';' and '#' comments). The two
// forms may be mixed, bare pairs first. See ParseCredentials.
package sigv4
