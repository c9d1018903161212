package orgsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/world"
)

type createOrganizationRequest struct {
	FeatureSet *string `json:"FeatureSet"`
}

type organizationResponse struct {
	Organization organizationWire `json:"Organization"`
}

func (s *Server) createOrganization(w http.ResponseWriter, r *request) error {
	var req createOrganizationRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	var v violations
	fs := v.enum("featureSet", req.FeatureSet, string(world.FeatureSetAll), string(world.FeatureSetConsolidatedBilling))
	if err := v.err(); err != nil {
		return err
	}
	out, err := s.svc.CreateOrganization(r.Context(), r.caller, organizations.CreateOrganizationInput{FeatureSet: world.FeatureSet(fs)})
	if err != nil {
		return err
	}
	return writeJSON(w, organizationResponse{Organization: newOrganization(out)})
}
