package awsapi

import "net/http"

type getInvestigationResponse struct {
	GraphArn        string  `json:"GraphArn"`
	InvestigationId string  `json:"InvestigationId"`
	EntityArn       string  `json:"EntityArn"`
	EntityType      string  `json:"EntityType"`
	CreatedTime     *string `json:"CreatedTime,omitempty"`
	ScopeStartTime  *string `json:"ScopeStartTime,omitempty"`
	ScopeEndTime    *string `json:"ScopeEndTime,omitempty"`
	Status          string  `json:"Status"`
	Severity        string  `json:"Severity,omitempty"`
	State           string  `json:"State"`
}

func (s *Server) getInvestigation(w http.ResponseWriter, r *http.Request) error {
	var req investigationRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	var v violations
	g := v.graphARN("GraphArn", req.GraphArn)
	id := v.investigationID(req.InvestigationId)
	if err := v.err(); err != nil {
		return err
	}
	inv, err := s.svc.GetInvestigation(r.Context(), callerFrom(r), g, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, getInvestigationResponse{
		GraphArn: inv.Graph.String(), InvestigationId: inv.ID, EntityArn: inv.EntityARN, EntityType: string(inv.EntityType),
		CreatedTime: isoTime(inv.CreatedTime), ScopeStartTime: isoTime(inv.ScopeStart), ScopeEndTime: isoTime(inv.ScopeEnd),
		Status: string(inv.Status), Severity: string(inv.Severity), State: string(inv.State),
	})
}
