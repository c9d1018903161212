package stsapi

import (
	"context"
	"encoding/xml"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"github.com/detective-local/detective-local/internal/auth"
	"github.com/detective-local/detective-local/internal/frame"
	"github.com/detective-local/detective-local/internal/sts"
)

// Version is the STS API version this package speaks.
const Version = "2011-06-15"

// DefaultMaxBodyBytes bounds request bodies: an AssumeRole request with a
// full session policy (2,048 characters) and 50 session tags is a few
// kilobytes.
const DefaultMaxBodyBytes = 64 << 10

// Config configures a Server.
type Config struct {
	Service      *sts.Service
	Auth         *auth.Authenticator
	Logger       *slog.Logger
	MaxBodyBytes int64 // 0 means DefaultMaxBodyBytes
	// Observe is told of every answered call (metrics); nil: nobody.
	Observe func(frame.Observation)
}

// Server is the STS query API as an http.Handler.
type Server struct {
	svc     *sts.Service
	auth    *auth.Authenticator
	log     *slog.Logger
	frame   *frame.Frame
	actions map[string]action
}

// NewServer returns a Server that answers every action in actions.
func NewServer(cfg Config) *Server {
	s := &Server{svc: cfg.Service, auth: cfg.Auth, log: cfg.Logger, actions: map[string]action{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	maxBody := cfg.MaxBodyBytes
	if maxBody <= 0 {
		maxBody = DefaultMaxBodyBytes
	}
	s.frame = &frame.Frame{Service: "sts", Log: s.log, MaxBody: maxBody, WriteError: s.writeError, Observe: cfg.Observe}
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

// ServeHTTP serves one request in the request frame (request ID, body
// limit, panic recovery, logging, error writing): parameters, SigV4 →
// identity, then the action.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.frame.Serve(w, r, "", s.serve)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, call *frame.Call) error {
	params, err := parameters(r, call.Body)
	if err != nil {
		return err
	}
	id, err := s.auth.Authenticate(r, call.Body)
	if err != nil {
		return err
	}
	call.SetCaller(string(id.Caller.Account), id.Caller.Region)
	name := params.Get("Action")
	call.Op = name
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
