package awsapi

import "net/http"

func (s *Server) rejectInvitation(w http.ResponseWriter, r *http.Request) error {
	g, err := decodeGraphRequest(r)
	if err != nil {
		return err
	}
	if err := s.svc.RejectInvitation(r.Context(), callerFrom(r), g); err != nil {
		return err
	}
	return writeEmpty(w, http.StatusOK)
}
