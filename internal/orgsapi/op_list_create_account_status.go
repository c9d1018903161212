package orgsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/world"
)

type listCreateAccountStatusRequest struct {
	States []string `json:"States"`
	pageRequest
}

type listCreateAccountStatusResponse struct {
	CreateAccountStatuses []createAccountStatusWire `json:"CreateAccountStatuses"`
	NextToken             *string                   `json:"NextToken,omitempty"`
}

func (s *Server) listCreateAccountStatus(w http.ResponseWriter, r *request) error {
	var req listCreateAccountStatusRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	var v violations
	in := organizations.ListCreateAccountStatusInput{}
	for i := range req.States {
		st := v.enum("states", &req.States[i], string(world.CreateAccountInProgress),
			string(world.CreateAccountSucceeded), string(world.CreateAccountFailed))
		in.States = append(in.States, world.CreateAccountState(st))
	}
	in.NextToken, in.MaxResults = req.check(&v)
	if err := v.err(); err != nil {
		return err
	}
	sts, next, err := s.svc.ListCreateAccountStatus(r.Context(), r.caller, in)
	if err != nil {
		return err
	}
	out := listCreateAccountStatusResponse{CreateAccountStatuses: []createAccountStatusWire{}, NextToken: str(next)}
	for _, st := range sts {
		out.CreateAccountStatuses = append(out.CreateAccountStatuses, newCreateAccountStatus(st))
	}
	return writeJSON(w, out)
}
