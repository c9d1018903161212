package awsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

type startInvestigationRequest struct {
	GraphArn       *string   `json:"GraphArn"`
	EntityArn      *string   `json:"EntityArn"`
	ScopeStartTime *wireTime `json:"ScopeStartTime"`
	ScopeEndTime   *wireTime `json:"ScopeEndTime"`
}

type startInvestigationResponse struct {
	InvestigationId string `json:"InvestigationId"`
}

func (req startInvestigationRequest) input() (detective.StartInvestigationInput, error) {
	var v violations
	in := detective.StartInvestigationInput{Graph: v.graphARN("GraphArn", req.GraphArn)}
	if v.required("EntityArn", req.EntityArn != nil) {
		in.EntityARN = *req.EntityArn
		v.pattern("EntityArn", in.EntityARN, entityARNPattern)
	}
	if v.required("ScopeStartTime", req.ScopeStartTime != nil) {
		in.ScopeStart = req.ScopeStartTime.Time
	}
	if v.required("ScopeEndTime", req.ScopeEndTime != nil) {
		in.ScopeEnd = req.ScopeEndTime.Time
	}
	return in, v.err()
}

func (s *Server) startInvestigation(w http.ResponseWriter, r *http.Request) error {
	var req startInvestigationRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	id, err := s.svc.StartInvestigation(r.Context(), callerFrom(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, startInvestigationResponse{InvestigationId: id})
}
