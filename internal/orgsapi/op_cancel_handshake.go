package orgsapi

import "net/http"

func (s *Server) cancelHandshake(w http.ResponseWriter, r *request) error {
	id, err := r.handshakeID()
	if err != nil {
		return err
	}
	out, err := s.svc.CancelHandshake(r.Context(), r.caller, id)
	if err != nil {
		return err
	}
	return writeJSON(w, handshakeResponse{Handshake: newHandshake(out)})
}
