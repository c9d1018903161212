package orgsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/organizations"
)

// pageRequest is the paging members of every List request.
type pageRequest struct {
	NextToken  *string `json:"NextToken"`
	MaxResults *int32  `json:"MaxResults"`
}

func (p pageRequest) check(v *violations) (token string, max int) {
	return v.str("nextToken", p.NextToken, false, 0, 100000, nil), v.maxResults(p.MaxResults)
}

type rootWire struct {
	ID          string       `json:"Id"`
	Arn         string       `json:"Arn"`
	Name        string       `json:"Name"`
	PolicyTypes []policyType `json:"PolicyTypes"`
}

type listRootsResponse struct {
	Roots     []rootWire `json:"Roots"`
	NextToken *string    `json:"NextToken,omitempty"`
}

func (s *Server) listRoots(w http.ResponseWriter, r *request) error {
	var req pageRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	var v violations
	token, max := req.check(&v)
	if err := v.err(); err != nil {
		return err
	}
	roots, next, err := s.svc.ListRoots(r.Context(), r.caller, organizations.ListRootsInput{NextToken: token, MaxResults: max})
	if err != nil {
		return err
	}
	out := listRootsResponse{Roots: []rootWire{}, NextToken: str(next)}
	for _, rt := range roots {
		// Policy types are not served: none is enabled on the root.
		out.Roots = append(out.Roots, rootWire{ID: rt.ID, Arn: rt.ARN, Name: rt.Name, PolicyTypes: []policyType{}})
	}
	return writeJSON(w, out)
}
