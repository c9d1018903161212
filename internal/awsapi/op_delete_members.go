package awsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

// graphAccountsRequest is the input of DeleteMembers and GetMembers, which
// share the shape {GraphArn, AccountIds}.
type graphAccountsRequest struct {
	GraphArn   *string  `json:"GraphArn"`
	AccountIds []string `json:"AccountIds"`
}

func (req graphAccountsRequest) check() (detective.DeleteMembersInput, error) {
	var v violations
	g := v.graphARN("GraphArn", req.GraphArn)
	ids := v.accountIDs("AccountIds", req.AccountIds)
	return detective.DeleteMembersInput{Graph: g, Accounts: ids}, v.err()
}

type deleteMembersResponse struct {
	AccountIds          []detective.AccountID `json:"AccountIds"`
	UnprocessedAccounts []unprocessedAccount  `json:"UnprocessedAccounts"`
}

func (s *Server) deleteMembers(w http.ResponseWriter, r *http.Request) error {
	var req graphAccountsRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	in, err := req.check()
	if err != nil {
		return err
	}
	out, err := s.svc.DeleteMembers(r.Context(), callerFrom(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, deleteMembersResponse{
		AccountIds:          out.Deleted,
		UnprocessedAccounts: newUnprocessedAccounts(out.Unprocessed),
	})
}
