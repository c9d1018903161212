package orgsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

type listDelegatedServicesForAccountRequest struct {
	AccountID *string `json:"AccountId"`
	pageRequest
}

type delegatedServiceWire struct {
	ServicePrincipal      string     `json:"ServicePrincipal"`
	DelegationEnabledDate *epochTime `json:"DelegationEnabledDate,omitempty"`
}

type listDelegatedServicesForAccountResponse struct {
	DelegatedServices []delegatedServiceWire `json:"DelegatedServices"`
	NextToken         *string                `json:"NextToken,omitempty"`
}

func (s *Server) listDelegatedServicesForAccount(w http.ResponseWriter, r *request) error {
	var req listDelegatedServicesForAccountRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	var v violations
	id := v.accountID("accountId", req.AccountID)
	token, _ := req.check(&v)
	if err := v.err(); err != nil {
		return err
	}
	ds, err := s.svc.ListDelegatedServicesForAccount(r.Context(), r.caller, detective.AccountID(id), token)
	if err != nil {
		return err
	}
	out := listDelegatedServicesForAccountResponse{DelegatedServices: []delegatedServiceWire{}}
	for _, d := range ds {
		out.DelegatedServices = append(out.DelegatedServices,
			delegatedServiceWire{ServicePrincipal: d.ServicePrincipal, DelegationEnabledDate: timestamp(d.DelegationEnabledTime)})
	}
	return writeJSON(w, out)
}
