package orgsapi

import "net/http"

func (s *Server) leaveOrganization(w http.ResponseWriter, r *request) error {
	if err := s.svc.LeaveOrganization(r.Context(), r.caller); err != nil {
		return err
	}
	return writeEmpty(w)
}
