package orgsapi

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/auth"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/organizations"
)

// TargetPrefix is the X-Amz-Target prefix of every operation.
const TargetPrefix = "AWSOrganizationsV20161128."

// DefaultMaxBodyBytes bounds request bodies: the largest request
// (CreateAccount with 50 tags, or an invitation with 1,024 characters of
// notes) is a few kilobytes.
const DefaultMaxBodyBytes = 64 << 10

const requestIDHeader = "X-Amzn-Requestid"

// Config configures a Server.
type Config struct {
	Service      *organizations.Service
	Auth         *auth.Authenticator
	Logger       *slog.Logger
	MaxBodyBytes int64 // 0 means DefaultMaxBodyBytes
}

// Server is the Organizations API as an http.Handler.
type Server struct {
	svc     *organizations.Service
	auth    *auth.Authenticator
	log     *slog.Logger
	maxBody int64
	routes  map[string]route
}

// NewServer returns a Server that answers every operation in routes.
func NewServer(cfg Config) *Server {
	s := &Server{svc: cfg.Service, auth: cfg.Auth, log: cfg.Logger, maxBody: cfg.MaxBodyBytes, routes: map[string]route{}}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
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

// decode decodes the JSON body into v. An empty body is {}; unknown
// members are ignored and null is absent, as the SDKs expect.
func (r *request) decode(v any) error {
	body := bytes.TrimSpace(r.body)
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return &protocolError{http.StatusBadRequest, "SerializationException",
				fmt.Sprintf("Value at '%s' must be of type %s, not JSON %s", typeErr.Field, typeErr.Type, typeErr.Value)}
		}
		return &protocolError{http.StatusBadRequest, "SerializationException", "The request body is not valid JSON"}
	}
	return nil
}

// ServeHTTP is the only middleware stack: request ID, body limit, SigV4 →
// Caller, routing by X-Amz-Target, panic recovery, logging and error
// writing.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := newRequestID()
	w.Header()[requestIDHeader] = []string{id}
	sw := &statusWriter{ResponseWriter: w}
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix)
	defer func() {
		if p := recover(); p != nil {
			s.log.ErrorContext(r.Context(), "panic", slog.String("op", op), slog.String("request_id", id), slog.Any("panic", p))
			if sw.status == 0 {
				s.writeError(sw, r, op, fmt.Errorf("panic: %v", p))
			}
		}
		s.log.DebugContext(r.Context(), "request", slog.String("service", "organizations"), slog.String("op", op),
			slog.Int("status", sw.status), slog.String("request_id", id), slog.Duration("elapsed", time.Since(start)))
	}()
	if err := s.serve(sw, r, op); err != nil {
		s.writeError(sw, r, op, err)
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, op string) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &protocolError{http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException",
				fmt.Sprintf("Request body must be at most %d bytes", s.maxBody)}
		}
		return &protocolError{http.StatusBadRequest, "SerializationException", "Could not read the request body"}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	c, err := s.auth.Caller(r, body)
	if err != nil {
		return err
	}
	rt, ok := s.routes[op]
	if r.Method != http.MethodPost || !ok || !strings.HasPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix) {
		// AWS: the JSON protocols' answer to a target they do not have.
		return &protocolError{http.StatusBadRequest, "UnknownOperationException",
			fmt.Sprintf("No Organizations operation is served for %s %q", r.Method, r.Header.Get("X-Amz-Target"))}
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

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// statusWriter remembers the status written, for logs and panic recovery.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}
