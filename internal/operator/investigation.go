package operator

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

// FindingGroups lists a behavior graph's finding groups, each with its
// findings and the entities they name, in any JSON-encodable shape.
type FindingGroups func(ctx context.Context, graph arn.ARN) (any, error)

// HandleInvestigations adds the endpoints that explain investigations:
//
//	GET /_detective/graphs/{arn}/finding-groups
//	GET /_detective/graphs/{arn}/investigations/{id}/explanation
//
// The first lists groups as groups computes them; the second shows which
// aggregates and findings produced each indicator of a completed
// investigation, as the investigation job stored it.
func (h *Handler) HandleInvestigations(groups FindingGroups) {
	h.mux.HandleFunc("GET "+Prefix+"graphs/{arn}/finding-groups", func(w http.ResponseWriter, r *http.Request) {
		graph, ok := h.graphARN(w, r)
		if !ok {
			return
		}
		gs, err := groups(r.Context(), graph)
		if err != nil {
			h.internal(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"GraphArn": graph.String(), "FindingGroups": gs})
	})
	h.mux.HandleFunc("GET "+Prefix+"graphs/{arn}/investigations/{id}/explanation", h.explanation)
}

// explanationJSON is an investigation's explanation: the engine's own
// (SUCCESSFUL), the reason it failed (FAILED), or neither yet (RUNNING).
type explanationJSON struct {
	GraphArn        string          `json:"GraphArn"`
	InvestigationId string          `json:"InvestigationId"`
	EntityArn       string          `json:"EntityArn"`
	Status          string          `json:"Status"`
	Severity        string          `json:"Severity,omitempty"`
	CompletedTime   *time.Time      `json:"CompletedTime,omitempty"`
	Explanation     json.RawMessage `json:"Explanation,omitempty"`
	FailureReason   string          `json:"FailureReason,omitempty"`
}

func (h *Handler) explanation(w http.ResponseWriter, r *http.Request) {
	graph, ok := h.graphARN(w, r)
	if !ok {
		return
	}
	inv, expl, err := h.svc.InvestigationExplanation(r.Context(), graph, r.PathValue("id"))
	if detective.KindOf(err) == detective.KindNotFound {
		writeError(w, http.StatusNotFound, "NotFound", "No investigation "+r.PathValue("id")+" in "+graph.String())
		return
	}
	if err != nil {
		h.internal(w, r, err)
		return
	}
	out := explanationJSON{GraphArn: graph.String(), InvestigationId: inv.ID, EntityArn: inv.EntityARN,
		Status: string(inv.Status), Severity: string(inv.Severity)}
	if inv.Status != detective.InvestigationRunning {
		out.CompletedTime = &inv.CompletedTime
	}
	switch {
	case inv.Status == detective.InvestigationFailed:
		out.FailureReason = string(expl)
	case json.Valid(expl):
		out.Explanation = expl
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *Handler) graphARN(w http.ResponseWriter, r *http.Request) (arn.ARN, bool) {
	g, err := arn.Parse(r.PathValue("arn"))
	if err != nil || g.Service != "detective" {
		writeError(w, http.StatusBadRequest, "InvalidParameter", "Not a behavior graph ARN: "+r.PathValue("arn"))
		return arn.ARN{}, false
	}
	return g, true
}

func (h *Handler) internal(w http.ResponseWriter, r *http.Request, err error) {
	h.log.ErrorContext(r.Context(), "operator request failed", slog.String("path", r.URL.Path), slog.Any("err", err))
	writeJSON(w, http.StatusInternalServerError, map[string]string{"status": "error"})
}
