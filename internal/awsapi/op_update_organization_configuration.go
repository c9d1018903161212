package awsapi

import "net/http"

// updateOrganizationConfigurationRequest: an absent AutoEnable is false,
// since aws-sdk-go-v2 omits a false bool.
type updateOrganizationConfigurationRequest struct {
	GraphArn   *string `json:"GraphArn"`
	AutoEnable bool    `json:"AutoEnable"`
}

func (s *Server) updateOrganizationConfiguration(w http.ResponseWriter, r *http.Request) error {
	var req updateOrganizationConfigurationRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	var v violations
	g := v.graphARN("GraphArn", req.GraphArn)
	if err := v.err(); err != nil {
		return err
	}
	if err := s.svc.UpdateOrganizationConfiguration(r.Context(), callerFrom(r), g, req.AutoEnable); err != nil {
		return err
	}
	return writeEmpty(w, http.StatusOK)
}
