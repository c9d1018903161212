package awsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

type createGraphRequest struct {
	Tags map[string]string `json:"Tags"`
}

type createGraphResponse struct {
	GraphArn string `json:"GraphArn"`
}

func (req createGraphRequest) input() (detective.CreateGraphInput, error) {
	var v violations
	if req.Tags != nil {
		v.tags("Tags", req.Tags)
	}
	return detective.CreateGraphInput{Tags: req.Tags}, v.err()
}

func (s *Server) createGraph(w http.ResponseWriter, r *http.Request) error {
	var req createGraphRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	out, err := s.svc.CreateGraph(r.Context(), callerFrom(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, createGraphResponse{GraphArn: out.GraphARN.String()})
}
