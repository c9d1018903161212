package orgsapi

import "net/http"

type listTagsForResourceRequest struct {
	ResourceID *string `json:"ResourceId"`
	NextToken  *string `json:"NextToken"`
}

type listTagsForResourceResponse struct {
	Tags      []tagWire `json:"Tags"`
	NextToken *string   `json:"NextToken,omitempty"`
}

func (s *Server) listTagsForResource(w http.ResponseWriter, r *request) error {
	var req listTagsForResourceRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	var v violations
	id := v.str("resourceId", req.ResourceID, true, 0, 130, taggableIDPattern)
	token := v.str("nextToken", req.NextToken, false, 0, 100000, nil)
	if err := v.err(); err != nil {
		return err
	}
	tags, err := s.svc.ListTagsForResource(r.Context(), r.caller, id, token)
	if err != nil {
		return err
	}
	return writeJSON(w, listTagsForResourceResponse{Tags: newTags(tags)})
}
