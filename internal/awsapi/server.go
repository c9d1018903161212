package awsapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"strings"

	"github.com/detective-local/detective-local/internal/auth"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/frame"
)

// DefaultMaxBodyBytes bounds request bodies. The largest valid Detective
// request (50 accounts with e-mails and a 1,000-character message, or 50
// tags) is a few tens of kilobytes.
const DefaultMaxBodyBytes = 256 << 10

// Config configures a Server.
type Config struct {
	Service      *detective.Service
	Auth         *auth.Authenticator
	Logger       *slog.Logger
	MaxBodyBytes int64 // 0 means DefaultMaxBodyBytes
	// Observe is told of every answered call (metrics); nil: nobody.
	Observe func(frame.Observation)
}

// Server is the Detective API as an http.Handler.
type Server struct {
	svc   *detective.Service
	auth  *auth.Authenticator
	log   *slog.Logger
	frame *frame.Frame
	mux   *http.ServeMux
	// unknown answers what no route has, in the protocol's shape.
	unknown http.Handler
	bodies  bodyBuffers
	// jsonType is the Content-Type value of every response, one slice
	// shared by all (net/http only reads it) rather than one per
	// response.
	jsonType []string
}

// NewServer returns a Server that routes every Detective operation.
func NewServer(cfg Config) *Server {
	s := &Server{svc: cfg.Service, auth: cfg.Auth, log: cfg.Logger, mux: http.NewServeMux(), jsonType: []string{"application/json"}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	maxBody := cfg.MaxBodyBytes
	if maxBody <= 0 {
		maxBody = DefaultMaxBodyBytes
	}
	s.frame = &frame.Frame{Service: "detective", Log: s.log, MaxBody: maxBody, JSONBody: true, WriteError: s.writeError, Observe: cfg.Observe}
	for _, rt := range routes {
		s.mux.Handle(rt.pattern, s.operation(rt.name, rt.handle))
	}
	s.unknown = s.operation("", (*Server).unknownRoute)
	s.mux.Handle("/", s.unknown)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !canonicalPath(r.URL.Path) {
		// http.ServeMux would answer a redirect to the cleaned path
		// (307, no body); AWS has no route there, so it is unknown.
		s.unknown.ServeHTTP(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// canonicalPath reports whether p is already clean ("//graph",
// "/tags/../graph" are not): the only paths the mux answers itself.
func canonicalPath(p string) bool {
	c := path.Clean(p)
	return c == p || (strings.HasSuffix(p, "/") && c+"/" == p)
}

// operation wraps an operation's handler in the request frame (request
// ID, body limit, panic recovery, logging, error writing) and
// authenticates its caller.
func (s *Server) operation(name string, h func(*Server, http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.frame.Serve(w, r, name, func(w http.ResponseWriter, r *http.Request, call *frame.Call) error {
			c, err := s.auth.Caller(r, call.Body)
			if err != nil {
				return err
			}
			call.SetCaller(string(c.Account), c.Region)
			return h(s, w, r.WithContext(&opContext{Context: r.Context(), caller: c, body: call.Body}))
		})
	})
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
		return &frame.Error{Status: http.StatusMethodNotAllowed, Type: "MethodNotAllowedException",
			Message: fmt.Sprintf("Method %s is not allowed on %s", r.Method, r.URL.Path)}
	}
	return &frame.Error{Status: http.StatusNotFound, Type: "UnknownOperationException",
		Message: fmt.Sprintf("No Detective operation is served at %s %s", r.Method, r.URL.Path)}
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

type opKey struct{}

// opContext is an operation's context: the authenticated caller and the
// request body the frame read, in one allocation rather than one
// context.WithValue (and a boxed Caller) each.
type opContext struct {
	context.Context
	caller detective.Caller
	body   []byte
}

func (c *opContext) Value(key any) any {
	if key == (opKey{}) {
		return c
	}
	return c.Context.Value(key)
}

func opFrom(r *http.Request) *opContext {
	oc, _ := r.Context().Value(opKey{}).(*opContext)
	return oc
}

// callerFrom returns the Caller the middleware authenticated.
func callerFrom(r *http.Request) detective.Caller {
	if oc := opFrom(r); oc != nil {
		return oc.caller
	}
	return detective.Caller{}
}
