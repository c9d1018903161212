package orgsapi

import "net/http"

func (s *Server) deleteOrganization(w http.ResponseWriter, r *request) error {
	if err := s.svc.DeleteOrganization(r.Context(), r.caller); err != nil {
		return err
	}
	return writeEmpty(w)
}
