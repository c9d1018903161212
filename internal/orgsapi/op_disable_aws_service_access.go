package orgsapi

import "net/http"

func (s *Server) disableAWSServiceAccess(w http.ResponseWriter, r *request) error {
	p, err := r.servicePrincipal()
	if err != nil {
		return err
	}
	if err := s.svc.DisableAWSServiceAccess(r.Context(), r.caller, p); err != nil {
		return err
	}
	return writeEmpty(w)
}
