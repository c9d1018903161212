package orgsapi

import (
	"encoding/json"
	"errors"
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

// writeError writes err as a JSON 1.1 error. Internal errors are logged
// with their cause and sent with a fixed message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, call *frame.Call, err error) {
	var body errorBody
	var code int
	var pe *frame.Error
	var se *sigv4.Error
	var be *frame.BodyError
	switch {
	case errors.As(err, &be):
		pe = be.JSON()
		code, body.Type, body.Message = pe.Status, pe.Type, pe.Message
	case errors.As(err, &pe):
		code, body.Type, body.Message = pe.Status, pe.Type, pe.Message
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
