package organizations

import (
	"errors"
	"fmt"

	"github.com/detective-local/detective-local/internal/detective"
)

// Code is an AWS Organizations exception name, spelled as the service
// model spells the error shape.
type Code string

// The exceptions the service returns.
const (
	CodeAccessDenied                  Code = "AccessDeniedException"
	CodeNotInUse                      Code = "AWSOrganizationsNotInUseException"
	CodeAccountNotFound               Code = "AccountNotFoundException"
	CodeAccountAlreadyRegistered      Code = "AccountAlreadyRegisteredException"
	CodeAccountNotRegistered          Code = "AccountNotRegisteredException"
	CodeAlreadyInOrganization         Code = "AlreadyInOrganizationException"
	CodeChildNotFound                 Code = "ChildNotFoundException"
	CodeConcurrentModification        Code = "ConcurrentModificationException"
	CodeConstraintViolation           Code = "ConstraintViolationException"
	CodeCreateAccountStatusNotFound   Code = "CreateAccountStatusNotFoundException"
	CodeDuplicateHandshake            Code = "DuplicateHandshakeException"
	CodeHandshakeAlreadyInState       Code = "HandshakeAlreadyInStateException"
	CodeHandshakeConstraintViolation  Code = "HandshakeConstraintViolationException"
	CodeHandshakeNotFound             Code = "HandshakeNotFoundException"
	CodeInvalidHandshakeTransition    Code = "InvalidHandshakeTransitionException"
	CodeInvalidInput                  Code = "InvalidInputException"
	CodeMasterCannotLeaveOrganization Code = "MasterCannotLeaveOrganizationException"
	CodeOrganizationNotEmpty          Code = "OrganizationNotEmptyException"
	CodeParentNotFound                Code = "ParentNotFoundException"
	CodeTargetNotFound                Code = "TargetNotFoundException"
	CodeTooManyRequests               Code = "TooManyRequestsException"
	// CodeService is the model's only fault: anything internal.
	CodeService Code = "ServiceException"
)

// Codes returns every code, for completeness tests.
func Codes() []Code {
	return []Code{CodeAccessDenied, CodeNotInUse, CodeAccountNotFound, CodeAccountAlreadyRegistered,
		CodeAccountNotRegistered, CodeAlreadyInOrganization, CodeChildNotFound, CodeConcurrentModification,
		CodeConstraintViolation, CodeCreateAccountStatusNotFound, CodeDuplicateHandshake, CodeHandshakeAlreadyInState,
		CodeHandshakeConstraintViolation, CodeHandshakeNotFound, CodeInvalidHandshakeTransition, CodeInvalidInput,
		CodeMasterCannotLeaveOrganization, CodeOrganizationNotEmpty, CodeParentNotFound, CodeTargetNotFound,
		CodeTooManyRequests, CodeService}
}

// Error is an AWS Organizations exception. Message is safe to send; Err,
// the internal cause, never is.
type Error struct {
	Code    Code
	Reason  string // the Reason member of the exceptions that have one
	Message string
	Err     error
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Message
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// AsError returns err as an *Error: the first in its chain; a store
// conflict (a race lost to a concurrent request) as
// ConcurrentModificationException; anything else as ServiceException
// wrapping err.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if detective.KindOf(err) == detective.KindConflict {
		return &Error{Code: CodeConcurrentModification, Err: err,
			Message: "The target of the operation is currently being modified by a different request. Try again later."}
	}
	return &Error{Code: CodeService, Err: err,
		Message: "AWS Organizations can't complete your request because of an internal service error. Try again later."}
}

func newError(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// InvalidInput returns an InvalidInputException with the model's reason
// (INVALID_PATTERN, INPUT_REQUIRED, ...).
func InvalidInput(reason, format string, args ...any) *Error {
	return &Error{Code: CodeInvalidInput, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

func constraint(reason, format string, args ...any) *Error {
	return &Error{Code: CodeConstraintViolation, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// The texts of AWS's exceptions, from the API reference and observed
// responses.
func errAccessDenied() *Error {
	return newError(CodeAccessDenied, "You don't have permissions to access this resource.")
}

func errNotInUse() *Error {
	return newError(CodeNotInUse, "Your account is not a member of an organization.")
}

func errAccountNotFound() *Error {
	return newError(CodeAccountNotFound, "You specified an account that doesn't exist.")
}

func errHandshakeNotFound() *Error {
	return newError(CodeHandshakeNotFound, "We can't find a handshake with the HandshakeId that you specified.")
}

func errNotAllFeatures() *Error {
	return constraint("ORGANIZATION_NOT_IN_ALL_FEATURES_MODE",
		"The request failed because the organization does not have all features enabled. Please enable all features in your organization and then retry.")
}
