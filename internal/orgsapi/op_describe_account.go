package orgsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

type accountRequest struct {
	AccountID *string `json:"AccountId"`
}

type describeAccountResponse struct {
	Account accountWire `json:"Account"`
}

func (s *Server) describeAccount(w http.ResponseWriter, r *request) error {
	var req accountRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	var v violations
	id := v.accountID("accountId", req.AccountID)
	if err := v.err(); err != nil {
		return err
	}
	out, err := s.svc.DescribeAccount(r.Context(), r.caller, detective.AccountID(id))
	if err != nil {
		return err
	}
	return writeJSON(w, describeAccountResponse{Account: newAccount(out)})
}
