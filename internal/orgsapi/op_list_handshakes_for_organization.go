package orgsapi

import "net/http"

func (s *Server) listHandshakesForOrganization(w http.ResponseWriter, r *request) error {
	var req listHandshakesRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	hs, next, err := s.svc.ListHandshakesForOrganization(r.Context(), r.caller, in)
	if err != nil {
		return err
	}
	return writeJSON(w, newHandshakes(hs, next))
}
