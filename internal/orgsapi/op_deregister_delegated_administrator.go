package orgsapi

import "net/http"

func (s *Server) deregisterDelegatedAdministrator(w http.ResponseWriter, r *request) error {
	id, p, err := r.delegatedAdministrator()
	if err != nil {
		return err
	}
	if err := s.svc.DeregisterDelegatedAdministrator(r.Context(), r.caller, id, p); err != nil {
		return err
	}
	return writeEmpty(w)
}
