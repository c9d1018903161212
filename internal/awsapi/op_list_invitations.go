package awsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

type listInvitationsRequest struct {
	NextToken  *string `json:"NextToken"`
	MaxResults *int    `json:"MaxResults"`
}

type listInvitationsResponse struct {
	Invitations []memberDetail `json:"Invitations"`
	NextToken   string         `json:"NextToken,omitempty"`
}

func (req listInvitationsRequest) input() (detective.ListInvitationsInput, error) {
	var v violations
	in := detective.ListInvitationsInput{NextToken: v.nextToken(req.NextToken, 1024), MaxResults: v.maxResults(req.MaxResults, 200)}
	return in, v.err()
}

func (s *Server) listInvitations(w http.ResponseWriter, r *http.Request) error {
	var req listInvitationsRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	out, err := s.svc.ListInvitations(r.Context(), callerFrom(r), in)
	if err != nil {
		return err
	}
	return s.writeAppended(w, http.StatusOK, len(out.Invitations)*memberDetailSize, func(b []byte) []byte {
		return appendMemberPage(b, "Invitations", out.Invitations, out.NextToken)
	})
}
