package orgsapi

import "net/http"

type listParentsRequest struct {
	ChildID *string `json:"ChildId"`
	pageRequest
}

type parentWire struct {
	ID   string `json:"Id"`
	Type string `json:"Type"`
}

type listParentsResponse struct {
	Parents   []parentWire `json:"Parents"`
	NextToken *string      `json:"NextToken,omitempty"`
}

func (s *Server) listParents(w http.ResponseWriter, r *request) error {
	var req listParentsRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	var v violations
	child := v.str("childId", req.ChildID, true, 0, 100, childIDPattern)
	token, _ := req.check(&v)
	if err := v.err(); err != nil {
		return err
	}
	ps, err := s.svc.ListParents(r.Context(), r.caller, child, token)
	if err != nil {
		return err
	}
	out := listParentsResponse{Parents: []parentWire{}}
	for _, p := range ps {
		out.Parents = append(out.Parents, parentWire{ID: p.ID, Type: p.Type})
	}
	return writeJSON(w, out)
}
