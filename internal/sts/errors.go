package sts

import (
	"errors"
	"fmt"
)

// Code is an STS error code as the query protocol's <Code> spells it.
type Code string

// The error codes the service returns.
const (
	CodeValidation           Code = "ValidationError"
	CodeAccessDenied         Code = "AccessDenied"
	CodeMalformedPolicy      Code = "MalformedPolicyDocument"
	CodePackedPolicyTooLarge Code = "PackedPolicyTooLarge"
	CodeRegionDisabled       Code = "RegionDisabledException"
	// CodeInternal is anything internal.
	CodeInternal Code = "InternalFailure"
)

// Error is an STS error. Message is safe to send; Err never is.
type Error struct {
	Code    Code
	Message string
	Err     error
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Message
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// AsError returns the first *Error in err's chain, or an InternalFailure
// wrapping err.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: CodeInternal, Message: "An internal error occurred.", Err: err}
}

// Validation returns a ValidationError.
func Validation(format string, args ...any) *Error {
	return &Error{Code: CodeValidation, Message: fmt.Sprintf(format, args...)}
}
