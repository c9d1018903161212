package awsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

type listMembersRequest struct {
	GraphArn   *string `json:"GraphArn"`
	NextToken  *string `json:"NextToken"`
	MaxResults *int    `json:"MaxResults"`
}

type listMembersResponse struct {
	MemberDetails []memberDetail `json:"MemberDetails"`
	NextToken     string         `json:"NextToken,omitempty"`
}

func (req listMembersRequest) input() (detective.ListMembersInput, error) {
	var v violations
	in := detective.ListMembersInput{
		Graph:      v.graphARN("GraphArn", req.GraphArn),
		NextToken:  v.nextToken(req.NextToken, 1024),
		MaxResults: v.maxResults(req.MaxResults, 200),
	}
	return in, v.err()
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) error {
	var req listMembersRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	out, err := s.svc.ListMembers(r.Context(), callerFrom(r), in)
	if err != nil {
		return err
	}
	return s.writeAppended(w, http.StatusOK, len(out.Members)*memberDetailSize, func(b []byte) []byte {
		return appendMemberPage(b, "MemberDetails", out.Members, out.NextToken)
	})
}
