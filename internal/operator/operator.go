// Package operator serves the operator endpoints under /_detective/:
// health, reset, and running periodic jobs on demand, and the
// multi-account world (account facts, organizations, the organization
// event log: world.go). They never collide with AWS routes. It imports
// detective, organizations, net/http and encoding/json.
package operator

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
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
}

// New returns the operator endpoints over svc and the world of orgs. Reset
// restores world, the seed file's.
func New(svc *detective.Service, orgs *organizations.Service, world organizations.Seed, log *slog.Logger) *Handler {
	h := &Handler{svc: svc, orgs: orgs, world: world, log: log, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET "+Prefix+"health", h.health)
	h.mux.HandleFunc("POST "+Prefix+"reset", h.reset)
	h.mux.HandleFunc("POST "+Prefix+"jobs/enable-waiting-members", h.job("enable waiting members", svc.EnableWaitingMembers))
	h.mux.HandleFunc("POST "+Prefix+"jobs/process-org-events", h.job("process organization events", svc.ProcessOrgEvents))
	h.handleWorld()
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// health answers 200 when the store answers within a bounded time, 503
// otherwise, so a load balancer takes a replica whose database is gone out
// of rotation.
func (h *Handler) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := h.svc.Ping(ctx); err != nil {
		h.log.WarnContext(ctx, "health check failed", slog.Any("err", err))
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "store": "unreachable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "store": "ok"})
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
