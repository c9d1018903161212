package orgsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

func (s *Server) removeAccountFromOrganization(w http.ResponseWriter, r *request) error {
	var req accountRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	var v violations
	id := v.accountID("accountId", req.AccountID)
	if err := v.err(); err != nil {
		return err
	}
	if err := s.svc.RemoveAccountFromOrganization(r.Context(), r.caller, detective.AccountID(id)); err != nil {
		return err
	}
	return writeEmpty(w)
}
