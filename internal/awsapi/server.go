package awsapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/auth"
	"github.com/detective-local/detective-local/internal/detective"
)

// DefaultMaxBodyBytes bounds request bodies. The largest valid Detective
// request (50 accounts with e-mails and a 1,000-character message, or 50
// tags) is a few tens of kilobytes.
const DefaultMaxBodyBytes = 256 << 10

const requestIDHeader = "X-Amzn-Requestid"

// Config configures a Server.
type Config struct {
	Service      *detective.Service
	Auth         *auth.Authenticator
	Logger       *slog.Logger
	MaxBodyBytes int64 // 0 means DefaultMaxBodyBytes
}

// Server is the Detective API as an http.Handler.
type Server struct {
	svc     *detective.Service
	auth    *auth.Authenticator
	log     *slog.Logger
	maxBody int64
	mux     *http.ServeMux
}

// NewServer returns a Server that routes every Detective operation.
func NewServer(cfg Config) *Server {
	s := &Server{svc: cfg.Service, auth: cfg.Auth, log: cfg.Logger, maxBody: cfg.MaxBodyBytes, mux: http.NewServeMux()}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for _, rt := range routes {
		s.mux.Handle(rt.pattern, s.operation(rt.name, rt.handle))
	}
	s.mux.Handle("/", s.operation("", (*Server).unknownRoute))
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// operation is the only middleware stack: request ID, body limit, SigV4 →
// Caller, panic recovery, logging, and error writing.
func (s *Server) operation(name string, h func(*Server, http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		w.Header()[requestIDHeader] = []string{id}
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				s.log.ErrorContext(r.Context(), "panic", slog.String("op", name), slog.String("request_id", id), slog.Any("panic", p))
				if sw.status == 0 {
					s.writeError(sw, r, name, detective.Internal(fmt.Errorf("panic: %v", p)))
				}
			}
			s.log.DebugContext(r.Context(), "request", slog.String("op", name), slog.String("method", r.Method),
				slog.String("path", r.URL.Path), slog.Int("status", sw.status), slog.String("request_id", id),
				slog.Duration("elapsed", time.Since(start)))
		}()
		if err := s.serve(sw, r, h); err != nil {
			s.writeError(sw, r, name, err)
		}
	})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, h func(*Server, http.ResponseWriter, *http.Request) error) error {
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
	return h(s, w, r.WithContext(withCaller(r.Context(), c)))
}

// unknownRoute answers a path no operation has, or a known path with the
// wrong method.
func (s *Server) unknownRoute(w http.ResponseWriter, r *http.Request) error {
	var allow []string
	for _, rt := range routes {
		method, path, _ := strings.Cut(rt.pattern, " ")
		if pathMatches(path, r.URL.EscapedPath()) {
			allow = append(allow, method)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return &protocolError{http.StatusMethodNotAllowed, "MethodNotAllowedException",
			fmt.Sprintf("Method %s is not allowed on %s", r.Method, r.URL.Path)}
	}
	return &protocolError{http.StatusNotFound, "UnknownOperationException",
		fmt.Sprintf("No Detective operation is served at %s %s", r.Method, r.URL.Path)}
}

// pathMatches reports whether a route path (with at most one {label}
// segment) matches an escaped request path.
func pathMatches(pattern, path string) bool {
	ps, rs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(rs) {
		return false
	}
	for i := range ps {
		if ps[i] != rs[i] && !(strings.HasPrefix(ps[i], "{") && rs[i] != "") {
			return false
		}
	}
	return true
}

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

type callerKey struct{}

func withCaller(ctx context.Context, c detective.Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// callerFrom returns the Caller the middleware authenticated.
func callerFrom(r *http.Request) detective.Caller {
	c, _ := r.Context().Value(callerKey{}).(detective.Caller)
	return c
}
