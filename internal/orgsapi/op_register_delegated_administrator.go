package orgsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

// delegatedAdministrator decodes and checks the AccountId and
// ServicePrincipal members of (de)registration.
func (r *request) delegatedAdministrator() (detective.AccountID, string, error) {
	var req struct {
		AccountID        *string `json:"AccountId"`
		ServicePrincipal *string `json:"ServicePrincipal"`
	}
	if err := r.decode(&req); err != nil {
		return "", "", err
	}
	var v violations
	id := v.accountID("accountId", req.AccountID)
	p := v.servicePrincipal(req.ServicePrincipal, true)
	return detective.AccountID(id), p, v.err()
}

func (s *Server) registerDelegatedAdministrator(w http.ResponseWriter, r *request) error {
	id, p, err := r.delegatedAdministrator()
	if err != nil {
		return err
	}
	if err := s.svc.RegisterDelegatedAdministrator(r.Context(), r.caller, id, p); err != nil {
		return err
	}
	return writeEmpty(w)
}
