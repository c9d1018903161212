package awsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

type deleteGraphRequest struct {
	GraphArn *string `json:"GraphArn"`
}

func (req deleteGraphRequest) input() (detective.DeleteGraphInput, error) {
	var v violations
	g := v.graphARN("GraphArn", req.GraphArn)
	return detective.DeleteGraphInput{Graph: g}, v.err()
}

func (s *Server) deleteGraph(w http.ResponseWriter, r *http.Request) error {
	var req deleteGraphRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	if err := s.svc.DeleteGraph(r.Context(), callerFrom(r), in); err != nil {
		return err
	}
	return writeEmpty(w, http.StatusOK)
}
