package orgsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/organizations"
)

type listAccountsForParentRequest struct {
	ParentID *string `json:"ParentId"`
	pageRequest
}

func (s *Server) listAccountsForParent(w http.ResponseWriter, r *request) error {
	var req listAccountsForParentRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	var v violations
	parent := v.str("parentId", req.ParentID, true, 0, 100, parentIDPattern)
	token, max := req.check(&v)
	if err := v.err(); err != nil {
		return err
	}
	as, next, err := s.svc.ListAccountsForParent(r.Context(), r.caller,
		organizations.ListAccountsForParentInput{ParentID: parent, NextToken: token, MaxResults: max})
	if err != nil {
		return err
	}
	return writeJSON(w, listAccountsResponse{Accounts: newAccounts(as), NextToken: str(next)})
}
