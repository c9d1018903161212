package orgsapi

import "net/http"

func (s *Server) acceptHandshake(w http.ResponseWriter, r *request) error {
	id, err := r.handshakeID()
	if err != nil {
		return err
	}
	out, err := s.svc.AcceptHandshake(r.Context(), r.caller, id)
	if err != nil {
		return err
	}
	return writeJSON(w, handshakeResponse{Handshake: newHandshake(out)})
}

// handshakeID decodes and checks the HandshakeId member that the handshake
// operations share.
func (r *request) handshakeID() (string, error) {
	var req struct {
		HandshakeID *string `json:"HandshakeId"`
	}
	if err := r.decode(&req); err != nil {
		return "", err
	}
	var v violations
	id := v.str("handshakeId", req.HandshakeID, true, 0, 34, handshakeIDPattern)
	return id, v.err()
}
