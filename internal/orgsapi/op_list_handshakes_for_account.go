package orgsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/organizations"
)

type listHandshakesRequest struct {
	Filter *struct {
		ActionType        *string `json:"ActionType"`
		ParentHandshakeID *string `json:"ParentHandshakeId"`
	} `json:"Filter"`
	pageRequest
}

type listHandshakesResponse struct {
	Handshakes []handshakeWire `json:"Handshakes"`
	NextToken  *string         `json:"NextToken,omitempty"`
}

func (req listHandshakesRequest) input() (organizations.ListHandshakesInput, error) {
	var v violations
	var in organizations.ListHandshakesInput
	if req.Filter != nil {
		in.ActionType = v.enum("filter.actionType", req.Filter.ActionType, "INVITE", "ENABLE_ALL_FEATURES",
			"APPROVE_ALL_FEATURES", "ADD_ORGANIZATIONS_SERVICE_LINKED_ROLE", "TRANSFER_RESPONSIBILITY")
		v.str("filter.parentHandshakeId", req.Filter.ParentHandshakeID, false, 0, 34, handshakeIDPattern)
	}
	in.NextToken, in.MaxResults = req.check(&v)
	return in, v.err()
}

func newHandshakes(hs []organizations.Handshake, next string) listHandshakesResponse {
	out := listHandshakesResponse{Handshakes: []handshakeWire{}, NextToken: str(next)}
	for _, h := range hs {
		out.Handshakes = append(out.Handshakes, newHandshake(h))
	}
	return out
}

func (s *Server) listHandshakesForAccount(w http.ResponseWriter, r *request) error {
	var req listHandshakesRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	hs, next, err := s.svc.ListHandshakesForAccount(r.Context(), r.caller, in)
	if err != nil {
		return err
	}
	return writeJSON(w, newHandshakes(hs, next))
}
