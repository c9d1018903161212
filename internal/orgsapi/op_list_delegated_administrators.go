package orgsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/organizations"
)

type listDelegatedAdministratorsRequest struct {
	ServicePrincipal *string `json:"ServicePrincipal"`
	pageRequest
}

type delegatedAdministratorWire struct {
	ID                    string     `json:"Id"`
	Arn                   string     `json:"Arn"`
	Email                 *string    `json:"Email,omitempty"`
	Name                  *string    `json:"Name,omitempty"`
	Status                string     `json:"Status"`
	State                 string     `json:"State"`
	JoinedMethod          string     `json:"JoinedMethod"`
	JoinedTimestamp       *epochTime `json:"JoinedTimestamp,omitempty"`
	DelegationEnabledDate *epochTime `json:"DelegationEnabledDate,omitempty"`
}

type listDelegatedAdministratorsResponse struct {
	DelegatedAdministrators []delegatedAdministratorWire `json:"DelegatedAdministrators"`
	NextToken               *string                      `json:"NextToken,omitempty"`
}

func (s *Server) listDelegatedAdministrators(w http.ResponseWriter, r *request) error {
	var req listDelegatedAdministratorsRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	var v violations
	in := organizations.ListDelegatedAdministratorsInput{ServicePrincipal: v.servicePrincipal(req.ServicePrincipal, false)}
	in.NextToken, in.MaxResults = req.check(&v)
	if err := v.err(); err != nil {
		return err
	}
	das, next, err := s.svc.ListDelegatedAdministrators(r.Context(), r.caller, in)
	if err != nil {
		return err
	}
	out := listDelegatedAdministratorsResponse{DelegatedAdministrators: []delegatedAdministratorWire{}, NextToken: str(next)}
	for _, d := range das {
		a := newAccount(d.Account)
		out.DelegatedAdministrators = append(out.DelegatedAdministrators, delegatedAdministratorWire{
			ID: a.ID, Arn: a.Arn, Email: a.Email, Name: a.Name, Status: a.Status, State: a.State,
			JoinedMethod: a.JoinedMethod, JoinedTimestamp: a.JoinedTimestamp, DelegationEnabledDate: timestamp(d.DelegationEnabledTime),
		})
	}
	return writeJSON(w, out)
}
