package orgsapi

import (
	"fmt"
	"net/http"
)

type untagResourceRequest struct {
	ResourceID *string  `json:"ResourceId"`
	TagKeys    []string `json:"TagKeys"`
}

func (s *Server) untagResource(w http.ResponseWriter, r *request) error {
	var req untagResourceRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	var v violations
	id := v.str("resourceId", req.ResourceID, true, 0, 130, taggableIDPattern)
	if req.TagKeys == nil {
		v.add("INPUT_REQUIRED", nil, "tagKeys", "not be null")
	}
	for i := range req.TagKeys {
		v.str(fmt.Sprintf("tagKeys.%d.member", i+1), &req.TagKeys[i], true, 1, 128, tagPattern)
	}
	if err := v.err(); err != nil {
		return err
	}
	if err := s.svc.UntagResource(r.Context(), r.caller, id, req.TagKeys); err != nil {
		return err
	}
	return writeEmpty(w)
}
