package awsapi

import (
	"fmt"
	"net/http"

	"github.com/detective-local/detective-local/internal/arn"
)

type batchGetMembershipDatasourcesRequest struct {
	GraphArns []string `json:"GraphArns"`
}

type unprocessedGraph struct {
	GraphArn string `json:"GraphArn"`
	Reason   string `json:"Reason"`
}

type batchGetMembershipDatasourcesResponse struct {
	MembershipDatasources []membershipDatasources `json:"MembershipDatasources"`
	UnprocessedGraphs     []unprocessedGraph      `json:"UnprocessedGraphs"`
}

func (s *Server) batchGetMembershipDatasources(w http.ResponseWriter, r *http.Request) error {
	var req batchGetMembershipDatasourcesRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	var v violations
	if v.required("GraphArns", req.GraphArns != nil) {
		v.count("GraphArns", len(req.GraphArns), 1, 50)
	}
	graphs := make([]arn.ARN, len(req.GraphArns))
	for i := range req.GraphArns {
		graphs[i] = v.graphARN(fmt.Sprintf("GraphArns.%d.member", i+1), &req.GraphArns[i])
	}
	if err := v.err(); err != nil {
		return err
	}
	out, err := s.svc.BatchGetMembershipDatasources(r.Context(), callerFrom(r), graphs)
	if err != nil {
		return err
	}
	resp := batchGetMembershipDatasourcesResponse{
		MembershipDatasources: newMembershipDatasources(out.Memberships),
		UnprocessedGraphs:     make([]unprocessedGraph, len(out.Unprocessed)),
	}
	for i, u := range out.Unprocessed {
		resp.UnprocessedGraphs[i] = unprocessedGraph{GraphArn: u.Graph.String(), Reason: u.Reason}
	}
	return writeJSON(w, http.StatusOK, resp)
}
