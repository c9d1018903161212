package stsapi

import (
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/detective-local/detective-local/internal/auth"
	"github.com/detective-local/detective-local/internal/frame"
	"github.com/detective-local/detective-local/internal/sigv4"
	"github.com/detective-local/detective-local/internal/sts"
)

// status is the HTTP status of an STS error code.
//
// AWS: the model gives 400 to every modeled STS error but
// RegionDisabledException (403); AccessDenied and the authentication
// errors are 403.
func status(code string) int {
	switch code {
	case string(sts.CodeAccessDenied), string(sts.CodeRegionDisabled),
		"InvalidClientTokenId", "SignatureDoesNotMatch", "MissingAuthenticationToken", "IncompleteSignature", "ExpiredToken":
		return http.StatusForbidden
	case string(sts.CodeInternal):
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// authCode spells an authentication error as the query protocol does.
//
// AWS: STS answers an unknown key with InvalidClientTokenId and a wrong
// signature with SignatureDoesNotMatch, where JSON services say
// UnrecognizedClientException and InvalidSignatureException.
func authCode(code string) (string, string) {
	switch code {
	case sigv4.CodeUnrecognizedClient:
		return "InvalidClientTokenId", "The security token included in the request is invalid."
	case sigv4.CodeInvalidSignature:
		return "SignatureDoesNotMatch", ""
	case sigv4.CodeMissingAuthenticationToken:
		return "MissingAuthenticationToken", "Request is missing Authentication Token"
	case sigv4.CodeIncompleteSignature:
		return "IncompleteSignature", ""
	case auth.CodeExpiredToken:
		return "ExpiredToken", "The security token included in the request is expired"
	}
	return code, ""
}

// protocolError is an error of the protocol itself (body, action,
// parameters) that never reaches the domain.
type protocolError struct {
	code, message string
}

func (e *protocolError) Error() string { return e.code + ": " + e.message }

type errorResponse struct {
	XMLName   xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ ErrorResponse"`
	Error     errorDetail
	RequestID string `xml:"RequestId"`
}

type errorDetail struct {
	Type    string
	Code    string
	Message string
}

// writeError writes err as an STS XML error. Internal errors are logged
// with their cause and sent with a fixed message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, call *frame.Call, err error) {
	d := errorDetail{Type: "Sender"}
	var pe *protocolError
	var se *sigv4.Error
	var be *frame.BodyError
	var fe *frame.Error
	switch {
	case errors.As(err, &fe):
		// A protocol error of the frame's own (oversized headers).
		d.Code, d.Message = strings.TrimSuffix(fe.Type, "Exception"), fe.Message
		writeXML(w, fe.Status, errorResponse{Error: d, RequestID: call.ID})
		return
	case errors.As(err, &be) && be.TooLarge:
		d.Code, d.Message = "RequestEntityTooLarge", fmt.Sprintf("Request body must be at most %d bytes", be.Limit)
	case errors.As(err, &be):
		d.Code, d.Message = "MalformedInput", "Could not read the request body"
	case errors.As(err, &pe):
		d.Code, d.Message = pe.code, pe.message
	case errors.As(err, &se):
		var msg string
		d.Code, msg = authCode(se.Code)
		d.Message = se.Message
		if msg != "" {
			d.Message = msg
		}
	default:
		e := sts.AsError(err)
		d.Code, d.Message = string(e.Code), e.Message
		if e.Code == sts.CodeInternal {
			s.log.ErrorContext(r.Context(), "internal error", slog.String("op", call.Op),
				slog.String("request_id", call.ID), slog.Any("err", err))
			d.Type, d.Message = "Receiver", "An internal error occurred."
		}
	}
	code := status(d.Code)
	if code >= 500 {
		d.Type = "Receiver"
	}
	writeXML(w, code, errorResponse{Error: d, RequestID: call.ID})
}
