// Package ingestapi serves the data plane's operator endpoints:
//
//	POST /_detective/ingest?format=&region=&account=&source=   a log file as the body → counts
//	GET  /_detective/graphs/{graphArn}/entities/{entity}?from=&to=   an entity's profile
//
// The body of an ingest is streamed into the pipeline as it arrives, never
// held whole, under its own size limit (not the API's request-body limit).
// Answers are JSON in the operator endpoints' shape: {"status": "error",
// "code": …, "message": …} for errors, with the request ID in
// x-amzn-RequestId.
//
// Handler is a plain http.Handler so that the server's wiring can put the
// same authentication in front of it as in front of every operator
// endpoint. It imports detective (errors, account IDs), arn, behavior and
// ingest (the pipeline's request and result) and net/http; never a store.
package ingestapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/frame"
	"github.com/detective-local/detective-local/internal/ingest"
)

// IngestPath is the ingest endpoint's path.
const IngestPath = "/_detective/ingest"

// graphsPrefix starts the path of an entity view.
const graphsPrefix = "/_detective/graphs/"

// Serves reports whether path is one of Handler's, for the wiring to route
// to it: the ingest path and a graph's entity views. Other paths under a
// graph (its finding groups, its investigations' explanations) are the
// operator endpoints'.
func Serves(path string) bool {
	if path == IngestPath {
		return true
	}
	graph, _, ok := strings.Cut(strings.TrimPrefix(path, graphsPrefix), "/entities/")
	return strings.HasPrefix(path, graphsPrefix) && ok && !strings.Contains(graph, "/")
}

// DefaultMaxBytes is the default limit of one ingest body: 5 GiB, a large
// CloudTrail or flow-log file. Decompression has its own limits, in the
// decoders.
const DefaultMaxBytes int64 = 5 << 30

// DefaultProfileWindow is how far back an entity view looks when the
// request names no start.
const DefaultProfileWindow = 30 * 24 * time.Hour

// Ingester is the pipeline as the ingest endpoint uses it.
type Ingester interface {
	// Ingest reads r into the behavior graphs. An unknown or undetectable
	// format is an error satisfying errors.As(err, **ingest.FormatError).
	Ingest(ctx context.Context, r io.Reader, req ingest.Request) (ingest.Result, error)
}

// Profiler reads an entity's profile.
type Profiler interface {
	// Profile returns what graph knows of entity in [from, to). A graph
	// that does not exist is a *detective.Error of KindNotFound.
	Profile(ctx context.Context, graph arn.ARN, entity string, from, to time.Time) (behavior.Profile, error)
}

// Config is what Handler serves with.
type Config struct {
	Ingester Ingester
	Profiler Profiler
	MaxBytes int64 // largest ingest body; DefaultMaxBytes when 0
	Now      func() time.Time
	Log      *slog.Logger
}

// Handler serves the ingest and entity-view endpoints. It routes by hand
// rather than with a ServeMux, whose redirects of unclean paths are HTML:
// every operator answer is JSON.
type Handler struct {
	cfg Config
}

// New returns the endpoints over cfg.
func New(cfg Config) *Handler {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	return &Handler{cfg: cfg}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if w.Header().Get(frame.RequestIDHeader) == "" {
		w.Header().Set(frame.RequestIDHeader, frame.NewRequestID())
	}
	if r.URL.Path == IngestPath {
		only(w, r, http.MethodPost, h.ingest)
		return
	}
	graph, entity, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, graphsPrefix), "/entities/")
	if !strings.HasPrefix(r.URL.Path, graphsPrefix) || !ok || strings.Contains(graph, "/") {
		writeError(w, http.StatusNotFound, "NotFound", "no such endpoint: want "+graphsPrefix+"{graphArn}/entities/{entity}")
		return
	}
	only(w, r, http.MethodGet, func(w http.ResponseWriter, r *http.Request) { h.entity(w, r, graph, entity) })
}

// only runs h for method and answers 405 to any other: methods are
// checked here so that a wrong one gets a JSON answer like every other
// operator error.
func only(w http.ResponseWriter, r *http.Request, method string, h http.HandlerFunc) {
	if r.Method != method {
		w.Header().Set("Allow", method)
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "method "+r.Method+" is not allowed; use "+method)
		return
	}
	h(w, r)
}

// errorBody is the operator endpoints' error answer.
type errorBody struct {
	Status  string `json:"status"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, errorBody{Status: "error", Code: code, Message: message})
}

// internalError logs err and answers a fixed message: internal error text
// is never sent.
func (h *Handler) internalError(w http.ResponseWriter, r *http.Request, what string, err error) {
	id := w.Header().Get(frame.RequestIDHeader)
	h.cfg.Log.ErrorContext(r.Context(), what+" failed", slog.String("path", r.URL.Path), slog.String("request_id", id), slog.Any("err", err))
	writeError(w, http.StatusInternalServerError, "InternalError", "internal error; see the server log for request "+id)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client went away; nothing to do
}
