package detective

import (
	"errors"
	"fmt"
)

// Kind classifies an error. Each kind maps to exactly one modeled Detective
// exception; the wire layer owns that mapping.
type Kind uint8

// The kinds of error. The zero value is internal, so anything unclassified
// is reported as an internal error and never leaks its text.
const (
	KindInternal      Kind = iota // InternalServerException
	KindValidation                // ValidationException
	KindNotFound                  // ResourceNotFoundException
	KindConflict                  // ConflictException
	KindAccessDenied              // AccessDeniedException
	KindQuotaExceeded             // ServiceQuotaExceededException
	KindThrottled                 // TooManyRequestsException
	kindCount                     // number of kinds; keep last
)

// Kinds returns every kind, for completeness tests.
func Kinds() []Kind {
	ks := make([]Kind, 0, kindCount)
	for k := Kind(0); k < kindCount; k++ {
		ks = append(ks, k)
	}
	return ks
}

func (k Kind) String() string {
	switch k {
	case KindValidation:
		return "validation"
	case KindNotFound:
		return "not found"
	case KindConflict:
		return "conflict"
	case KindAccessDenied:
		return "access denied"
	case KindQuotaExceeded:
		return "quota exceeded"
	case KindThrottled:
		return "throttled"
	}
	return "internal"
}

// ErrorCode is the model's ErrorCode enum, carried by ValidationException
// and AccessDeniedException.
type ErrorCode string

// ErrorCode values.
const (
	CodeInvalidGraphARN    ErrorCode = "INVALID_GRAPH_ARN"
	CodeInvalidRequestBody ErrorCode = "INVALID_REQUEST_BODY"
	CodeInternalError      ErrorCode = "INTERNAL_ERROR"
)

// Error is an error whose Message is safe to send to the caller.
type Error struct {
	Kind      Kind
	Code      ErrorCode // ErrorCode member, when the exception has one
	Reason    string    // ErrorCodeReason member
	Message   string    // wire text; never built from Err.Error()
	Resources []string  // ServiceQuotaExceededException.Resources
	Err       error     // internal cause: logged, never sent
}

func (e *Error) Error() string {
	s := e.Kind.String() + ": " + e.Message
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of err: that of the first *Error in its chain,
// or KindInternal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// AsError returns the first *Error in err's chain, or an internal Error
// wrapping err.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: KindInternal, Message: "Internal server error", Err: err}
}

// Invalid returns a ValidationException with ErrorCode INVALID_REQUEST_BODY
// whose message and ErrorCodeReason are the reason: clients match on the
// message (Terraform looks for "account is not a member of an
// organization").
func Invalid(reason string, args ...any) *Error {
	r := fmt.Sprintf(reason, args...)
	return &Error{Kind: KindValidation, Code: CodeInvalidRequestBody, Message: r, Reason: r}
}

// InvalidGraphARN returns a ValidationException with ErrorCode INVALID_GRAPH_ARN.
func InvalidGraphARN(reason string, args ...any) *Error {
	r := fmt.Sprintf(reason, args...)
	return &Error{Kind: KindValidation, Code: CodeInvalidGraphARN, Message: r, Reason: r}
}

// NotFound returns a ResourceNotFoundException.
func NotFound(format string, args ...any) *Error {
	return &Error{Kind: KindNotFound, Message: fmt.Sprintf(format, args...)}
}

// Conflict returns a ConflictException.
func Conflict(format string, args ...any) *Error {
	return &Error{Kind: KindConflict, Message: fmt.Sprintf(format, args...)}
}

// AccessDenied returns an AccessDeniedException.
func AccessDenied(format string, args ...any) *Error {
	return &Error{Kind: KindAccessDenied, Message: fmt.Sprintf(format, args...)}
}

// QuotaExceeded returns a ServiceQuotaExceededException naming the
// resources whose quota the request would exceed.
func QuotaExceeded(resources []string, format string, args ...any) *Error {
	return &Error{Kind: KindQuotaExceeded, Resources: resources, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps a cause as an internal error; its text is never sent.
func Internal(err error) *Error {
	return &Error{Kind: KindInternal, Message: "Internal server error", Err: err}
}
