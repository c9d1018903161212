package orgsapi

import "net/http"

func (s *Server) describeOrganization(w http.ResponseWriter, r *request) error {
	out, err := s.svc.DescribeOrganization(r.Context(), r.caller)
	if err != nil {
		return err
	}
	return writeJSON(w, organizationResponse{Organization: newOrganization(out)})
}
