// Package sigv4 reads and verifies AWS Signature Version 4 on incoming
// requests, so that the API layer can tell who is calling (access key ID,
// credential-scope region) and, when verification is on, refuse requests
// that real AWS would refuse, with AWS's own error codes.
//
// Parse extracts a signature from the Authorization header or from a
// presigned query string without checking it; that is the default mode of
// the server, where any well-formed signature names the caller. A Verifier
// additionally requires a known access key, a signing time within the
// allowed clock skew (or, for presigned requests, before X-Amz-Expires) and
// a signature that matches.
//
// Verification never re-implements SigV4. It rebuilds the request the client
// signed (the same method, path as sent on the wire, query, signed headers,
// time, scope and payload hash) and lets aws-sdk-go-v2's aws/signer/v4 sign
// it again, then compares the signed-header lists and, in constant time, the
// signatures. The rebuilding follows the Go signer's own rules: it always
// signs Host, signs Content-Length only from Request.ContentLength and only
// when positive, and sets X-Amz-Date itself. Requests signed by
// aws-sdk-go-v2, botocore (boto3, the AWS CLI) and clients that also sign
// User-Agent or X-Amzn-Trace-Id verify; the few that cannot are listed on
// Verifier.Verify and pinned by tests.
//
// Errors that AWS would send are *Error values carrying the wire code,
// message and HTTP status; the awsapi package writes them unchanged.
//
// The package imports the standard library, aws-sdk-go-v2's aws and
// aws/signer/v4 packages, and smithy-go's logging package (the signer's
// logger type, used to read back the canonical request for error
// messages). It never imports the domain or the API layer.
package sigv4
