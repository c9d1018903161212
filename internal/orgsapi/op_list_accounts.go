package orgsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/organizations"
)

type listAccountsResponse struct {
	Accounts  []accountWire `json:"Accounts"`
	NextToken *string       `json:"NextToken,omitempty"`
}

func (s *Server) listAccounts(w http.ResponseWriter, r *request) error {
	var req pageRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	var v violations
	token, max := req.check(&v)
	if err := v.err(); err != nil {
		return err
	}
	as, next, err := s.svc.ListAccounts(r.Context(), r.caller, organizations.ListAccountsInput{NextToken: token, MaxResults: max})
	if err != nil {
		return err
	}
	return writeJSON(w, listAccountsResponse{Accounts: newAccounts(as), NextToken: str(next)})
}
