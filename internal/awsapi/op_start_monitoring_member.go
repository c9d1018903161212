package awsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

type startMonitoringMemberRequest struct {
	GraphArn  *string `json:"GraphArn"`
	AccountId *string `json:"AccountId"`
}

func (s *Server) startMonitoringMember(w http.ResponseWriter, r *http.Request) error {
	var req startMonitoringMemberRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	var v violations
	g := v.graphARN("GraphArn", req.GraphArn)
	var id detective.AccountID
	if v.required("AccountId", req.AccountId != nil) {
		id = v.accountID("AccountId", *req.AccountId)
	}
	if err := v.err(); err != nil {
		return err
	}
	if err := s.svc.StartMonitoringMember(r.Context(), callerFrom(r), g, id); err != nil {
		return err
	}
	return writeEmpty(w, http.StatusOK)
}
