package orgsapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/detective-local/detective-local/internal/frame"
	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/sigv4"
)

// status is the HTTP status of an Organizations exception: the model
// gives none, so every client error is the JSON protocols' 400 and the one
// fault, ServiceException, 500.
func status(c organizations.Code) int {
	if c == organizations.CodeService {
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// errorBody is every member any Organizations exception has.
type errorBody struct {
	Type    string `json:"__type"`
	Message string `json:"Message"`
	Reason  string `json:"Reason,omitempty"`
}

// protocolError is an error of the protocol itself (routing, body) that
// never reaches the domain.
type protocolError struct {
	status  int
	typ     string
	message string
}

func (e *protocolError) Error() string { return e.typ + ": " + e.message }

// writeError writes err as a JSON 1.1 error. Internal errors are logged
// with their cause and sent with a fixed message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, call *frame.Call, err error) {
	var body errorBody
	var code int
	var pe *protocolError
	var se *sigv4.Error
	var be *frame.BodyError
	switch {
	case errors.As(err, &be) && be.TooLarge:
		code, body.Type, body.Message = http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException",
			fmt.Sprintf("Request body must be at most %d bytes", be.Limit)
	case errors.As(err, &be):
		code, body.Type, body.Message = http.StatusBadRequest, "SerializationException", "Could not read the request body"
	case errors.As(err, &pe):
		code, body.Type, body.Message = pe.status, pe.typ, pe.message
	case errors.As(err, &se):
		// AWS: JSON-protocol services answer authentication errors with
		// 400 (see sigv4.Error).
		code, body.Type, body.Message = http.StatusBadRequest, se.Code, se.Message
	default:
		e := organizations.AsError(err)
		code, body.Type, body.Message, body.Reason = status(e.Code), string(e.Code), e.Message, e.Reason
		if e.Code == organizations.CodeService {
			s.log.ErrorContext(r.Context(), "internal error", slog.String("op", call.Op),
				slog.String("request_id", call.ID), slog.Any("err", err))
		}
	}
	w.Header().Set("X-Amzn-ErrorType", body.Type)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	b, _ := json.Marshal(body) // a fixed struct of strings always encodes
	w.WriteHeader(code)
	_, _ = w.Write(b)
}
