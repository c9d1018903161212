package awsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

type enableOrganizationAdminAccountRequest struct {
	AccountId *string `json:"AccountId"`
}

func (s *Server) enableOrganizationAdminAccount(w http.ResponseWriter, r *http.Request) error {
	var req enableOrganizationAdminAccountRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	var v violations
	var id detective.AccountID
	if v.required("AccountId", req.AccountId != nil) {
		id = v.accountID("AccountId", *req.AccountId)
	}
	if err := v.err(); err != nil {
		return err
	}
	if err := s.svc.EnableOrganizationAdminAccount(r.Context(), callerFrom(r), id); err != nil {
		return err
	}
	return writeEmpty(w, http.StatusOK)
}
