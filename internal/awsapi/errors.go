package awsapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/frame"
	"github.com/detective-local/detective-local/internal/sigv4"
)

// exception maps a domain error kind to its modeled Detective exception and
// that exception's HTTP status (the model's @httpError traits).
func exception(k detective.Kind) (status int, typ string) {
	switch k {
	case detective.KindValidation:
		return http.StatusBadRequest, "ValidationException"
	case detective.KindAccessDenied:
		return http.StatusForbidden, "AccessDeniedException"
	case detective.KindQuotaExceeded:
		return http.StatusPaymentRequired, "ServiceQuotaExceededException"
	case detective.KindNotFound:
		return http.StatusNotFound, "ResourceNotFoundException"
	case detective.KindConflict:
		return http.StatusConflict, "ConflictException"
	case detective.KindThrottled:
		return http.StatusTooManyRequests, "TooManyRequestsException"
	}
	return http.StatusInternalServerError, "InternalServerException"
}

// errorBody is every member any Detective exception has. Message is sent
// under both spellings: botocore's modeled parse reads "Message", its
// generic one and most other SDKs read "message".
type errorBody struct {
	Type            string   `json:"__type"`
	Message         string   `json:"Message"`
	LowerMessage    string   `json:"message"`
	ErrorCode       string   `json:"ErrorCode,omitempty"`
	ErrorCodeReason string   `json:"ErrorCodeReason,omitempty"`
	Resources       []string `json:"Resources,omitempty"`
}

// writeError writes err as an AWS rest-json error response. Internal errors
// are logged with their cause and sent with a fixed message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, call *frame.Call, err error) {
	var body errorBody
	var status int
	var pe *frame.Error
	var se *sigv4.Error
	var be *frame.BodyError
	switch {
	case errors.As(err, &be) && be.Malformed:
		// Detective answers a body that is not JSON as it answers one
		// of the wrong shape.
		e := detective.Invalid("The request body is not valid JSON")
		status, body.Type = exception(e.Kind)
		body.Message, body.ErrorCode, body.ErrorCodeReason = e.Message, string(e.Code), e.Reason
	case errors.As(err, &be):
		pe = be.JSON()
		status, body.Type, body.Message = pe.Status, pe.Type, pe.Message
	case errors.As(err, &pe):
		status, body.Type, body.Message = pe.Status, pe.Type, pe.Message
	case errors.As(err, &se):
		status, body.Type, body.Message = se.Status, se.Code, se.Message
	default:
		e := detective.AsError(err)
		status, body.Type = exception(e.Kind)
		body.Message, body.ErrorCode, body.ErrorCodeReason, body.Resources = e.Message, string(e.Code), e.Reason, e.Resources
		if e.Kind == detective.KindInternal {
			s.log.ErrorContext(r.Context(), "internal error", slog.String("op", call.Op),
				slog.String("request_id", call.ID), slog.Any("err", err))
			body.Message = "Internal server error"
		}
	}
	body.LowerMessage = body.Message
	w.Header().Set("X-Amzn-ErrorType", body.Type)
	_ = writeJSON(w, status, body) // encoding a fixed struct cannot fail
}
