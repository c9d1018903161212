package awsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

type updateInvestigationStateRequest struct {
	GraphArn        *string `json:"GraphArn"`
	InvestigationId *string `json:"InvestigationId"`
	State           *string `json:"State"`
}

func (s *Server) updateInvestigationState(w http.ResponseWriter, r *http.Request) error {
	var req updateInvestigationStateRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	var v violations
	g := v.graphARN("GraphArn", req.GraphArn)
	id := v.investigationID(req.InvestigationId)
	var state string
	if v.required("State", req.State != nil) {
		state = *req.State
		v.enum("State", state, stateValues...)
	}
	if err := v.err(); err != nil {
		return err
	}
	if err := s.svc.UpdateInvestigationState(r.Context(), callerFrom(r), g, id, detective.InvestigationState(state)); err != nil {
		return err
	}
	return writeEmpty(w, http.StatusOK)
}
