package orgsapi

import "net/http"

// servicePrincipal decodes and checks the ServicePrincipal member that the
// service-access operations share.
func (r *request) servicePrincipal() (string, error) {
	var req struct {
		ServicePrincipal *string `json:"ServicePrincipal"`
	}
	if err := r.decode(&req); err != nil {
		return "", err
	}
	var v violations
	p := v.servicePrincipal(req.ServicePrincipal, true)
	return p, v.err()
}

func (s *Server) enableAWSServiceAccess(w http.ResponseWriter, r *request) error {
	p, err := r.servicePrincipal()
	if err != nil {
		return err
	}
	if err := s.svc.EnableAWSServiceAccess(r.Context(), r.caller, p); err != nil {
		return err
	}
	return writeEmpty(w)
}
