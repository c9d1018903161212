package awsapi

import (
	"fmt"
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

type batchGetGraphMemberDatasourcesRequest struct {
	GraphArn   *string  `json:"GraphArn"`
	AccountIds []string `json:"AccountIds"`
}

type batchGetGraphMemberDatasourcesResponse struct {
	MemberDatasources   []membershipDatasources `json:"MemberDatasources"`
	UnprocessedAccounts []unprocessedAccount    `json:"UnprocessedAccounts"`
}

func (s *Server) batchGetGraphMemberDatasources(w http.ResponseWriter, r *http.Request) error {
	var req batchGetGraphMemberDatasourcesRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	var v violations
	g := v.graphARN("GraphArn", req.GraphArn)
	if v.required("AccountIds", req.AccountIds != nil) {
		v.count("AccountIds", len(req.AccountIds), 1, 200)
	}
	ids := make([]detective.AccountID, len(req.AccountIds))
	for i, id := range req.AccountIds {
		ids[i] = v.accountID(fmt.Sprintf("AccountIds.%d.member", i+1), id)
	}
	if err := v.err(); err != nil {
		return err
	}
	out, err := s.svc.BatchGetGraphMemberDatasources(r.Context(), callerFrom(r), g, ids)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, batchGetGraphMemberDatasourcesResponse{
		MemberDatasources:   newMembershipDatasources(out.Members),
		UnprocessedAccounts: newUnprocessedAccounts(out.Unprocessed),
	})
}
