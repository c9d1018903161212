package awsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

type listIndicatorsRequest struct {
	GraphArn        *string `json:"GraphArn"`
	InvestigationId *string `json:"InvestigationId"`
	IndicatorType   *string `json:"IndicatorType"`
	NextToken       *string `json:"NextToken"`
	MaxResults      *int    `json:"MaxResults"`
}

type listIndicatorsResponse struct {
	GraphArn        string      `json:"GraphArn"`
	InvestigationId string      `json:"InvestigationId"`
	NextToken       string      `json:"NextToken,omitempty"`
	Indicators      []indicator `json:"Indicators"`
}

func (req listIndicatorsRequest) input() (detective.ListIndicatorsInput, error) {
	var v violations
	in := detective.ListIndicatorsInput{
		Graph:         v.graphARN("GraphArn", req.GraphArn),
		Investigation: v.investigationID(req.InvestigationId),
		NextToken:     v.nextToken(req.NextToken, 2048),
		MaxResults:    v.maxResults(req.MaxResults, 100),
	}
	if req.IndicatorType != nil && v.enum("IndicatorType", *req.IndicatorType, indicatorTypeValues...) {
		in.Type = detective.IndicatorType(*req.IndicatorType)
	}
	return in, v.err()
}

func (s *Server) listIndicators(w http.ResponseWriter, r *http.Request) error {
	var req listIndicatorsRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	out, err := s.svc.ListIndicators(r.Context(), callerFrom(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listIndicatorsResponse{
		GraphArn: in.Graph.String(), InvestigationId: in.Investigation, NextToken: out.NextToken, Indicators: newIndicators(out.Indicators),
	})
}
