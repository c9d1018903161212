package orgsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/organizations"
)

type enabledServicePrincipal struct {
	ServicePrincipal string     `json:"ServicePrincipal"`
	DateEnabled      *epochTime `json:"DateEnabled,omitempty"`
}

type listAWSServiceAccessForOrganizationResponse struct {
	EnabledServicePrincipals []enabledServicePrincipal `json:"EnabledServicePrincipals"`
	NextToken                *string                   `json:"NextToken,omitempty"`
}

func (s *Server) listAWSServiceAccessForOrganization(w http.ResponseWriter, r *request) error {
	var req pageRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	var v violations
	token, max := req.check(&v)
	if err := v.err(); err != nil {
		return err
	}
	as, next, err := s.svc.ListAWSServiceAccessForOrganization(r.Context(), r.caller,
		organizations.ListAWSServiceAccessInput{NextToken: token, MaxResults: max})
	if err != nil {
		return err
	}
	out := listAWSServiceAccessForOrganizationResponse{EnabledServicePrincipals: []enabledServicePrincipal{}, NextToken: str(next)}
	for _, a := range as {
		out.EnabledServicePrincipals = append(out.EnabledServicePrincipals,
			enabledServicePrincipal{ServicePrincipal: a.ServicePrincipal, DateEnabled: timestamp(a.EnabledTime)})
	}
	return writeJSON(w, out)
}
