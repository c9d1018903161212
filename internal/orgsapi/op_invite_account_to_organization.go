package orgsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/world"
)

type inviteAccountToOrganizationRequest struct {
	Target *struct {
		ID   *string `json:"Id"`
		Type *string `json:"Type"`
	} `json:"Target"`
	Notes *string   `json:"Notes"`
	Tags  []tagWire `json:"Tags"`
}

type handshakeResponse struct {
	Handshake handshakeWire `json:"Handshake"`
}

func (req inviteAccountToOrganizationRequest) input() (organizations.InviteAccountToOrganizationInput, error) {
	var v violations
	var in organizations.InviteAccountToOrganizationInput
	if req.Target == nil {
		v.add("INPUT_REQUIRED", nil, "target", "not be null")
	} else {
		in.Target = v.str("target.id", req.Target.ID, true, 1, 64, nil)
		if req.Target.Type == nil {
			v.add("INPUT_REQUIRED", nil, "target.type", "not be null")
		}
		in.TargetType = world.HandshakePartyType(v.enum("target.type", req.Target.Type, "ACCOUNT", "ORGANIZATION", "EMAIL"))
	}
	in.Notes = v.str("notes", req.Notes, false, 0, 1024, nil)
	v.tags(req.Tags) // accepted, not kept: see InviteAccountToOrganizationInput
	return in, v.err()
}

func (s *Server) inviteAccountToOrganization(w http.ResponseWriter, r *request) error {
	var req inviteAccountToOrganizationRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	out, err := s.svc.InviteAccountToOrganization(r.Context(), r.caller, in)
	if err != nil {
		return err
	}
	return writeJSON(w, handshakeResponse{Handshake: newHandshake(out)})
}
