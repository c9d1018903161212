package orgsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/world"
)

type tagResourceRequest struct {
	ResourceID *string   `json:"ResourceId"`
	Tags       []tagWire `json:"Tags"`
}

func (s *Server) tagResource(w http.ResponseWriter, r *request) error {
	var req tagResourceRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	var v violations
	id := v.str("resourceId", req.ResourceID, true, 0, 130, taggableIDPattern)
	if req.Tags == nil {
		v.add("INPUT_REQUIRED", nil, "tags", "not be null")
	}
	var tags []world.OrgTag
	for _, t := range v.tags(req.Tags) {
		tags = append(tags, world.OrgTag{Key: t.Key, Value: t.Value})
	}
	if err := v.err(); err != nil {
		return err
	}
	if err := s.svc.TagResource(r.Context(), r.caller, id, tags); err != nil {
		return err
	}
	return writeEmpty(w)
}
