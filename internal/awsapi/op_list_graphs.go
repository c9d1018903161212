package awsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

type listGraphsRequest struct {
	NextToken  *string `json:"NextToken"`
	MaxResults *int    `json:"MaxResults"`
}

type graphItem struct {
	Arn         string  `json:"Arn"`
	CreatedTime *string `json:"CreatedTime,omitempty"`
}

type listGraphsResponse struct {
	GraphList []graphItem `json:"GraphList"`
	NextToken string      `json:"NextToken,omitempty"`
}

func (req listGraphsRequest) input() (detective.ListGraphsInput, error) {
	var v violations
	in := detective.ListGraphsInput{NextToken: v.nextToken(req.NextToken, 1024), MaxResults: v.maxResults(req.MaxResults, 200)}
	return in, v.err()
}

func (s *Server) listGraphs(w http.ResponseWriter, r *http.Request) error {
	var req listGraphsRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	out, err := s.svc.ListGraphs(r.Context(), callerFrom(r), in)
	if err != nil {
		return err
	}
	return s.writeAppended(w, http.StatusOK, 0, func(b []byte) []byte { return appendGraphList(b, out) })
}
