package stsapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/detective-local/detective-local/internal/auth"
	"github.com/detective-local/detective-local/internal/sts"
)

// Version is the STS API version this package speaks.
const Version = "2011-06-15"

// DefaultMaxBodyBytes bounds request bodies: an AssumeRole request with a
// full session policy (2,048 characters) and 50 session tags is a few
// kilobytes.
const DefaultMaxBodyBytes = 64 << 10

const requestIDHeader = "X-Amzn-Requestid"

// Config configures a Server.
type Config struct {
	Service      *sts.Service
	Auth         *auth.Authenticator
	Logger       *slog.Logger
	MaxBodyBytes int64 // 0 means DefaultMaxBodyBytes
}

// Server is the STS query API as an http.Handler.
type Server struct {
	svc     *sts.Service
	auth    *auth.Authenticator
	log     *slog.Logger
	maxBody int64
	actions map[string]action
}

// NewServer returns a Server that answers every action in actions.
func NewServer(cfg Config) *Server {
	s := &Server{svc: cfg.Service, auth: cfg.Auth, log: cfg.Logger, maxBody: cfg.MaxBodyBytes, actions: map[string]action{}}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for _, a := range actions {
		s.actions[a.name] = a
	}
	return s
}

// request is an authenticated STS request: its parameters (query string
// and form body together) and who sent it.
type request struct {
	*http.Request
	params url.Values
	id     auth.Identity
}

// ServeHTTP is the only middleware stack: request ID, body limit,
// parameters, SigV4 → identity, panic recovery, logging and error writing.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := newRequestID()
	w.Header()[requestIDHeader] = []string{id}
	sw := &statusWriter{ResponseWriter: w}
	op := ""
	defer func() {
		if p := recover(); p != nil {
			s.log.ErrorContext(r.Context(), "panic", slog.String("op", op), slog.String("request_id", id), slog.Any("panic", p))
			if sw.status == 0 {
				s.writeError(sw, r, op, fmt.Errorf("panic: %v", p))
			}
		}
		s.log.DebugContext(r.Context(), "request", slog.String("service", "sts"), slog.String("op", op),
			slog.Int("status", sw.status), slog.String("request_id", id), slog.Duration("elapsed", time.Since(start)))
	}()
	if err := s.serve(sw, r, &op); err != nil {
		s.writeError(sw, r, op, err)
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, op *string) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &protocolError{"RequestEntityTooLarge", fmt.Sprintf("Request body must be at most %d bytes", s.maxBody)}
		}
		return &protocolError{"MalformedInput", "Could not read the request body"}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	params, err := parameters(r, body)
	if err != nil {
		return err
	}
	id, err := s.auth.Authenticate(r, body)
	if err != nil {
		return err
	}
	name := params.Get("Action")
	*op = name
	if name == "" {
		// AWS: the query protocol's answer to a request without Action.
		return &protocolError{"MissingAction", "Missing Action"}
	}
	a, ok := s.actions[name]
	if v := params.Get("Version"); !ok || (v != "" && v != Version) {
		v := params.Get("Version")
		if v == "" {
			v = Version
		}
		// AWS: "Could not find operation X for version Y" (query
		// protocol services, InvalidAction, 400).
		return &protocolError{"InvalidAction", fmt.Sprintf("Could not find operation %s for version %s", name, v)}
	}
	return a.handle(s, w, &request{Request: r, params: params, id: id})
}

// parameters merges the query string and, for a form body, the body: the
// query protocol accepts either.
func parameters(r *http.Request, body []byte) (url.Values, error) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, &protocolError{"MalformedQueryString", "The query string is not valid URL encoding"}
	}
	if len(body) == 0 {
		return params, nil
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "" && mt != "application/x-www-form-urlencoded" {
		return nil, &protocolError{"MalformedInput", "The request body must be application/x-www-form-urlencoded"}
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, &protocolError{"MalformedInput", "The request body is not valid URL encoding"}
	}
	for k, vs := range form {
		params[k] = append(params[k], vs...)
	}
	return params, nil
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

// writeXML writes v as the XML answer with the given status.
func writeXML(w http.ResponseWriter, status int, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		// v is one of this package's fixed structs; it always encodes.
		panic(fmt.Sprintf("stsapi: encode response: %v", err))
	}
	h := w.Header()
	h["Content-Type"] = []string{"text/xml"}
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(status)
	_, _ = w.Write(b) // the client went away; nothing to do
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

// Sessions is the auth.Authenticator lookup of temporary credentials: the
// sessions svc issued, from the store, so that every replica and every
// restart knows them.
func Sessions(svc *sts.Service) func(ctx context.Context, accessKeyID string) (auth.Credential, bool, error) {
	return func(ctx context.Context, accessKeyID string) (auth.Credential, bool, error) {
		s, ok, err := svc.Session(ctx, accessKeyID)
		if err != nil || !ok {
			return auth.Credential{}, false, err
		}
		return auth.Credential{AccessKeyID: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, Account: s.Account,
			SessionToken: s.Token, Expiration: s.Expiration}, true, nil
	}
}
