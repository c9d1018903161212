package orgsapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/detective-local/detective-local/internal/auth"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/frame"
	"github.com/detective-local/detective-local/internal/organizations"
)

// TargetPrefix is the X-Amz-Target prefix of every operation.
const TargetPrefix = "AWSOrganizationsV20161128."

// DefaultMaxBodyBytes bounds request bodies: the largest request
// (CreateAccount with 50 tags, or an invitation with 1,024 characters of
// notes) is a few kilobytes.
const DefaultMaxBodyBytes = 64 << 10

// Config configures a Server.
type Config struct {
	Service      *organizations.Service
	Auth         *auth.Authenticator
	Logger       *slog.Logger
	MaxBodyBytes int64 // 0 means DefaultMaxBodyBytes
	// Observe is told of every answered call (metrics); nil: nobody.
	Observe func(frame.Observation)
}

// Server is the Organizations API as an http.Handler.
type Server struct {
	svc    *organizations.Service
	auth   *auth.Authenticator
	log    *slog.Logger
	frame  *frame.Frame
	routes map[string]route
}

// NewServer returns a Server that answers every operation in routes.
func NewServer(cfg Config) *Server {
	s := &Server{svc: cfg.Service, auth: cfg.Auth, log: cfg.Logger, routes: map[string]route{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	maxBody := cfg.MaxBodyBytes
	if maxBody <= 0 {
		maxBody = DefaultMaxBodyBytes
	}
	s.frame = &frame.Frame{Service: "organizations", Log: s.log, MaxBody: maxBody, JSONBody: true, WriteError: s.writeError, Observe: cfg.Observe}
	for _, rt := range routes {
		s.routes[rt.name] = rt
	}
	return s
}

// request is an authenticated request: its body and its caller.
type request struct {
	*http.Request
	body   []byte
	caller detective.Caller
}

// decode decodes the JSON body into v (frame.DecodeJSON: exact member
// names, unknown members ignored, null absent).
func (r *request) decode(v any) error {
	err := frame.DecodeJSON(r.body, v)
	var te *frame.TypeError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, frame.ErrNUL):
		// AWS: the model's patterns for Organizations' strings exclude
		// control characters; see frame.ErrNUL.
		return organizations.InvalidInput("INVALID_PATTERN", "Strings must not contain the NUL character (U+0000).")
	case errors.As(err, &te):
		return &frame.Error{Status: http.StatusBadRequest, Type: "SerializationException",
			Message: fmt.Sprintf("Value at '%s' must be of type %s, not JSON %s", te.Member, te.Want, te.Got)}
	}
	return &frame.Error{Status: http.StatusBadRequest, Type: "SerializationException",
		Message: "The request body is not valid JSON"}
}

// ServeHTTP serves one request in the request frame (request ID, body
// limit, panic recovery, logging, error writing): SigV4 → Caller, then the
// operation named by X-Amz-Target.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix)
	s.frame.Serve(w, r, op, s.serve)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, call *frame.Call) error {
	op, body := call.Op, call.Body
	c, err := s.auth.Caller(r, body)
	if err != nil {
		return err
	}
	call.SetCaller(string(c.Account), c.Region)
	rt, ok := s.routes[op]
	if r.Method != http.MethodPost || !ok || !strings.HasPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix) {
		// AWS: the JSON protocols' answer to a target they do not have.
		return &frame.Error{Status: http.StatusBadRequest, Type: "UnknownOperationException",
			Message: fmt.Sprintf("No Organizations operation is served for %s %q", r.Method, r.Header.Get("X-Amz-Target"))}
	}
	return rt.handle(s, w, &request{Request: r, body: body, caller: c})
}

// writeJSON writes v as the answer.
func writeJSON(w http.ResponseWriter, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("orgsapi: encode response: %w", err)
	}
	h := w.Header()
	h["Content-Type"] = []string{"application/x-amz-json-1.1"}
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b) // the client went away; nothing to do
	return nil
}

// writeEmpty answers an operation without output: {} as AWS sends.
func writeEmpty(w http.ResponseWriter) error { return writeJSON(w, struct{}{}) }
