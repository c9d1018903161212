package awsapi

import "net/http"

// disableOrganizationAdminAccount has no input shape: any body is ignored.
func (s *Server) disableOrganizationAdminAccount(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.DisableOrganizationAdminAccount(r.Context(), callerFrom(r)); err != nil {
		return err
	}
	return writeEmpty(w, http.StatusOK)
}
