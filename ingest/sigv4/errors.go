package sigv4

// AWS error codes Verify reports, as JSON services such as Kinesis return
// them in "__type".
const (
	// CodeMissingToken: the request carries no Authorization header.
	CodeMissingToken = "MissingAuthenticationTokenException"
	// CodeIncompleteSignature: the Authorization header lacks a part or is malformed.
	CodeIncompleteSignature = "IncompleteSignatureException"
	// CodeUnrecognizedClient: the access key is not one the Verifier knows.
	CodeUnrecognizedClient = "UnrecognizedClientException"
	// CodeInvalidSignature: the signature, its scope or its time is wrong.
	CodeInvalidSignature = "InvalidSignatureException"
)

// Error is a failed verification: an AWS error code (one of the Code*
// constants) and a message shaped like AWS's, safe to return to the client.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return "verify signature: " + e.Code + ": " + e.Message }

func fail(code, msg string) *Error { return &Error{Code: code, Message: msg} }
