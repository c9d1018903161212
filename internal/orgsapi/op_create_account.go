package orgsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/world"
)

type createAccountRequest struct {
	Email                  *string   `json:"Email"`
	AccountName            *string   `json:"AccountName"`
	RoleName               *string   `json:"RoleName"`
	IamUserAccessToBilling *string   `json:"IamUserAccessToBilling"`
	Tags                   []tagWire `json:"Tags"`
}

type createAccountStatusResponse struct {
	CreateAccountStatus createAccountStatusWire `json:"CreateAccountStatus"`
}

func (req createAccountRequest) input() (organizations.CreateAccountInput, error) {
	var v violations
	in := organizations.CreateAccountInput{
		Email:                  v.str("email", req.Email, true, 6, 64, emailPattern),
		AccountName:            v.str("accountName", req.AccountName, true, 1, 50, accountNamePattern),
		RoleName:               v.str("roleName", req.RoleName, false, 0, 64, roleNamePattern),
		IAMUserAccessToBilling: v.enum("iamUserAccessToBilling", req.IamUserAccessToBilling, "ALLOW", "DENY"),
	}
	for _, t := range v.tags(req.Tags) {
		in.Tags = append(in.Tags, world.OrgTag{Key: t.Key, Value: t.Value})
	}
	return in, v.err()
}

func (s *Server) createAccount(w http.ResponseWriter, r *request) error {
	var req createAccountRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	out, err := s.svc.CreateAccount(r.Context(), r.caller, in)
	if err != nil {
		return err
	}
	return writeJSON(w, createAccountStatusResponse{CreateAccountStatus: newCreateAccountStatus(out)})
}
