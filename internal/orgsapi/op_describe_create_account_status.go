package orgsapi

import "net/http"

type describeCreateAccountStatusRequest struct {
	CreateAccountRequestID *string `json:"CreateAccountRequestId"`
}

func (s *Server) describeCreateAccountStatus(w http.ResponseWriter, r *request) error {
	var req describeCreateAccountStatusRequest
	if err := r.decode(&req); err != nil {
		return err
	}
	var v violations
	id := v.str("createAccountRequestId", req.CreateAccountRequestID, true, 0, 36, createAccountIDPattern)
	if err := v.err(); err != nil {
		return err
	}
	out, err := s.svc.DescribeCreateAccountStatus(r.Context(), r.caller, id)
	if err != nil {
		return err
	}
	return writeJSON(w, createAccountStatusResponse{CreateAccountStatus: newCreateAccountStatus(out)})
}
