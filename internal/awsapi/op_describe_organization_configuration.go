package awsapi

import "net/http"

type describeOrganizationConfigurationResponse struct {
	AutoEnable bool `json:"AutoEnable"` // always sent, false included
}

func (s *Server) describeOrganizationConfiguration(w http.ResponseWriter, r *http.Request) error {
	g, err := decodeGraphRequest(r)
	if err != nil {
		return err
	}
	auto, err := s.svc.DescribeOrganizationConfiguration(r.Context(), callerFrom(r), g)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, describeOrganizationConfigurationResponse{AutoEnable: auto})
}
