package ingestapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
)

// entity answers an entity's profile over [from, to): to defaults to now,
// from to DefaultProfileWindow before to. The entity is as the behavior
// graph keys it (a principal ARN, arn:aws:iam::ACCOUNT:root for an account,
// an EC2 instance ID, a Kubernetes subject), or a bare account ID, which
// stands for its root; an ARN's slashes may be sent as they are or escaped.
func (h *Handler) entity(w http.ResponseWriter, r *http.Request, graphARN, entity string) {
	graph, err := arn.ParseGraph(graphARN)
	if err != nil {
		writeError(w, http.StatusBadRequest, "BadRequest", "graph "+graphARN+" is not a graph ARN")
		return
	}
	if entity == "" {
		writeError(w, http.StatusBadRequest, "BadRequest", "no entity: want a principal ARN or an account ID")
		return
	}
	if detective.AccountID(entity).Valid() {
		entity = behavior.AccountEntity(detective.AccountID(entity))
	}
	from, to, msg := window(r, h.cfg.Now())
	if msg != "" {
		writeError(w, http.StatusBadRequest, "BadRequest", msg)
		return
	}
	p, err := h.cfg.Profiler.Profile(r.Context(), graph, entity, from, to)
	var de *detective.Error
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, p)
	case errors.As(err, &de) && de.Kind == detective.KindNotFound:
		writeError(w, http.StatusNotFound, "NotFound", de.Message)
	case errors.As(err, &de) && de.Kind == detective.KindValidation:
		writeError(w, http.StatusBadRequest, "BadRequest", de.Message)
	default:
		h.internalError(w, r, "entity profile", err)
	}
}

// window reads from and to (RFC 3339), or says what is wrong with them.
func window(r *http.Request, now time.Time) (from, to time.Time, msg string) {
	q := r.URL.Query()
	to = now.UTC()
	if s := q.Get("to"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return from, to, "to " + s + " is not an RFC 3339 time"
		}
		to = t.UTC()
	}
	from = to.Add(-DefaultProfileWindow)
	if s := q.Get("from"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return from, to, "from " + s + " is not an RFC 3339 time"
		}
		from = t.UTC()
	}
	if !from.Before(to) {
		return from, to, "from must be before to"
	}
	return from, to, ""
}
