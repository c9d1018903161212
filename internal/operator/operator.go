// Package operator serves the operator endpoints under /_detective/:
// health, reset, and running periodic jobs on demand, the multi-account
// world (account facts, organizations, the organization event log:
// world.go), and why investigations came out as they did (finding groups,
// explanations: investigation.go). They never collide with AWS routes. It
// imports detective, organizations, arn, net/http and encoding/json.
package operator

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/frame"
	"github.com/detective-local/detective-local/internal/organizations"
)

// Prefix is the path prefix of every operator endpoint.
const Prefix = "/_detective/"

// Handler serves the operator endpoints.
type Handler struct {
	svc   *detective.Service
	orgs  *organizations.Service
	world organizations.Seed // what reset restores
	log   *slog.Logger
	mux   *http.ServeMux
	probe struct {
		sync.Mutex
		ok time.Time // when a write probe last succeeded
	}
}

// New returns the operator endpoints over svc and the world of orgs. Reset
// restores world, the seed file's.
func New(svc *detective.Service, orgs *organizations.Service, world organizations.Seed, log *slog.Logger) *Handler {
	h := &Handler{svc: svc, orgs: orgs, world: world, log: log, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET "+Prefix+"health", h.health)
	h.mux.HandleFunc("POST "+Prefix+"reset", h.reset)
	h.mux.HandleFunc("POST "+Prefix+"jobs/enable-waiting-members", h.job("enable waiting members", svc.EnableWaitingMembers))
	h.mux.HandleFunc("POST "+Prefix+"jobs/process-org-events", h.job("process organization events", svc.ProcessOrgEvents))
	h.mux.HandleFunc("POST "+Prefix+"jobs/run-investigations", h.job("run investigations", svc.RunInvestigations))
	h.handleWorld()
	h.mux.HandleFunc(Prefix, h.notFound)
	return h
}

// ServeHTTP answers every path under Prefix in the operator's JSON shape,
// with a request ID: also a path the endpoints do not have, a method they
// do not take, an unclean path and an oversized header block (which
// http.ServeMux and net/http would answer in plain text or with a
// redirect).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if w.Header().Get(frame.RequestIDHeader) == "" {
		w.Header().Set(frame.RequestIDHeader, frame.NewRequestID())
	}
	switch {
	case frame.HeadersTooLarge(r):
		writeError(w, http.StatusRequestHeaderFieldsTooLarge, "RequestHeaderFieldsTooLarge", "the request's headers are too large")
	case path.Clean(r.URL.Path) != r.URL.Path || !strings.HasPrefix(r.URL.Path, Prefix):
		h.notFound(w, r)
	default:
		h.mux.ServeHTTP(w, r)
	}
}

// notFound answers a path or method no endpoint has: 405 when the path
// takes another method, else 404.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete} {
		probe := &http.Request{Method: m, URL: r.URL, Host: r.Host}
		if _, pattern := h.mux.Handler(probe); pattern != "" && pattern != Prefix {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 && path.Clean(r.URL.Path) == r.URL.Path {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", r.Method+" is not allowed on "+r.URL.Path)
		return
	}
	writeError(w, http.StatusNotFound, "NotFound", "no operator endpoint at "+r.Method+" "+r.URL.Path)
}

// writeError answers in the operator's error shape.
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]string{"status": "error", "code": code, "message": message})
}

// health answers 200 when the store answers reads within a bounded time
// and can commit a write, 503 otherwise, so that a load balancer takes a
// replica whose database is gone (or whose disk is full) out of rotation.
// The write probe runs at most once per probeInterval; between runs its
// last result stands.
func (h *Handler) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := h.svc.Ping(ctx); err != nil {
		h.log.WarnContext(ctx, "health check failed", slog.Any("err", err))
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "store": "unreachable"})
		return
	}
	if err := h.probeWrite(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "store": "cannot write"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "store": "ok"})
}

// probeInterval is how long a successful write probe stands: a load
// balancer polling health notices a full disk within a second, yet polls
// add at most one write a second. A failed probe is repeated at the next
// health check, so recovery shows at once.
const probeInterval = time.Second

// probeWrite returns the last successful write probe's result while it is
// recent, else probes again.
func (h *Handler) probeWrite(ctx context.Context) error {
	h.probe.Lock()
	defer h.probe.Unlock()
	if !h.probe.ok.IsZero() && time.Since(h.probe.ok) < probeInterval {
		return nil
	}
	if err := h.svc.ProbeWrite(ctx); err != nil {
		h.probe.ok = time.Time{}
		h.log.WarnContext(ctx, "store cannot write", slog.Any("err", err))
		return err
	}
	h.probe.ok = time.Now()
	return nil
}

// reset empties all state and reapplies the seed file.
func (h *Handler) reset(w http.ResponseWriter, r *http.Request) {
	if err := h.orgs.Reset(r.Context(), h.world); err != nil {
		h.log.ErrorContext(r.Context(), "reset failed", slog.Any("err", err))
		writeJSON(w, http.StatusInternalServerError, map[string]string{"status": "error"})
		return
	}
	h.log.InfoContext(r.Context(), "state reset")
	writeJSON(w, http.StatusOK, map[string]string{"status": "reset"})
}

// job runs a periodic job now, so tests and CI need not wait for its
// interval.
func (h *Handler) job(name string, run func(context.Context) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := run(r.Context()); err != nil {
			h.log.ErrorContext(r.Context(), "job failed", slog.String("job", name), slog.Any("err", err))
			writeJSON(w, http.StatusInternalServerError, map[string]string{"status": "error"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "done"})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client went away; nothing to do
}
