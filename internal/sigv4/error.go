package sigv4

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// ErrNoSignature is returned by Parse when the request carries no SigV4
// signature at all: no Authorization header and no presigning query
// parameters. It is not an *Error because, with verification off, callers
// fall back to a default account instead of failing; with verification on,
// Verify turns it into MissingAuthenticationTokenException.
var ErrNoSignature = errors.New("sigv4: request is not signed")

// The error codes Parse and Verify return, spelled as AWS sends them in
// X-Amzn-ErrorType.
const (
	CodeMissingAuthenticationToken = "MissingAuthenticationTokenException"
	CodeIncompleteSignature        = "IncompleteSignatureException"
	CodeUnrecognizedClient         = "UnrecognizedClientException"
	CodeInvalidSignature           = "InvalidSignatureException"
)

// Error is a protocol-level AWS authentication error. The HTTP layer writes
// it as is: Status, X-Amzn-ErrorType: Code, and Message in the JSON body.
// Message is AWS's wire text, never derived from a Go error.
//
// AWS: every status here is 403. JSON- and query-protocol services (DynamoDB,
// Cognito, SES, SQS) answer these codes with 400, but the rest-json services
// fronted like Detective answer 403: Lambda's "Signature expired" and
// UnrecognizedClientException (aws/aws-sdk-js#254 comments, serverless#27,
// iamlive#58), API Gateway's IncompleteSignatureException (aws/chalice#828)
// and InvalidSignatureException (x-amzn-ErrorType on a 403,
// amzn/selling-partner-api-models#113). Verified from those reports
// 2026-11-21, not against Detective itself.
type Error struct {
	Code    string
	Message string
	Status  int
}

func (e *Error) Error() string {
	return "sigv4: " + e.Code + ": " + e.Message
}

func newError(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Status: http.StatusForbidden}
}

// AWS: API Gateway's text for a request without any signature
// (x-amzn-ErrorType: MissingAuthenticationTokenException on a 403, see
// brain-power/Brain-Power-Amazon-Fidgetology#29 and the IAM user guide's
// SigV4 troubleshooting page).
func errMissingToken() *Error {
	return newError(CodeMissingAuthenticationToken, "Missing Authentication Token")
}

// AWS: the text every service sends for an access key it does not know
// (iamlive#58 shows it on a 403 from a rest-json service).
func errUnrecognizedClient() *Error {
	return newError(CodeUnrecognizedClient, "The security token included in the request is invalid.")
}

// signatureMismatch is AWS's text for a wrong signature. API Gateway-fronted
// services append the canonical request and string to sign they computed, so
// that a client can find which part differs; so do we when the signer let us
// see them.
//
// AWS: the wording and the appended sections are as reported in
// amzn/selling-partner-api-models#1101 and #113 (x-amzn-ErrorType:
// InvalidSignatureException, 403) and carsales/aws-request-signer#10.
func errSignatureMismatch(canonical, stringToSign string) *Error {
	msg := "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	if canonical != "" {
		msg += "\n\nThe Canonical String for this request should have been\n'" + canonical + "'" +
			"\n\nThe String-to-Sign should have been\n'" + stringToSign + "'\n"
	}
	return &Error{Code: CodeInvalidSignature, Message: msg, Status: http.StatusForbidden}
}

// amzTime formats t as SigV4's ISO-8601 basic format, the form AWS's
// skew messages quote.
func amzTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// skewText formats d the way AWS's skew messages do ("5 min", "15 min");
// durations that are not whole minutes are given in seconds.
func skewText(d time.Duration) string {
	if d%time.Minute == 0 {
		return strconv.FormatInt(int64(d/time.Minute), 10) + " min"
	}
	return strconv.FormatInt(int64(d/time.Second), 10) + " sec"
}

// AWS: "Signature expired: 20160610T180547Z is now earlier than
// 20160610T180612Z (20160610T181112Z - 5 min.)" (hassy/artillery-dino#2,
// serverless#27 with statusCode 403 from Lambda). The window quoted is the
// allowed skew for header signatures and X-Amz-Expires for presigned ones;
// the latter is our extrapolation, not an observed message.
func errExpired(signed, now time.Time, window time.Duration) *Error {
	return newError(CodeInvalidSignature, "Signature expired: %s is now earlier than %s (%s - %s.)",
		amzTime(signed), amzTime(now.Add(-window)), amzTime(now), skewText(window))
}

// AWS: "Signature not yet current: 20181120T211543Z is still later than
// 20181120T211529Z (20181120T211029Z + 5 min.)" (serverless/enterprise#11).
func errNotYetCurrent(signed, now time.Time, skew time.Duration) *Error {
	return newError(CodeInvalidSignature, "Signature not yet current: %s is still later than %s (%s + %s.)",
		amzTime(signed), amzTime(now.Add(skew)), amzTime(now), skewText(skew))
}
