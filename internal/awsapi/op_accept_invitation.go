package awsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/arn"
)

// graphRequest is the input of the member-side operations AcceptInvitation,
// RejectInvitation and DisassociateMembership: {GraphArn}.
type graphRequest struct {
	GraphArn *string `json:"GraphArn"`
}

func decodeGraphRequest(r *http.Request) (arn.ARN, error) {
	var req graphRequest
	if err := decodeBody(r, &req); err != nil {
		return arn.ARN{}, err
	}
	var v violations
	g := v.graphARN("GraphArn", req.GraphArn)
	return g, v.err()
}

func (s *Server) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	g, err := decodeGraphRequest(r)
	if err != nil {
		return err
	}
	if err := s.svc.AcceptInvitation(r.Context(), callerFrom(r), g); err != nil {
		return err
	}
	return writeEmpty(w, http.StatusOK)
}
