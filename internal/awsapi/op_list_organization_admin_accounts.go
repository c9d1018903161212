package awsapi

import "net/http"

type listOrganizationAdminAccountsRequest struct {
	NextToken  *string `json:"NextToken"`
	MaxResults *int    `json:"MaxResults"`
}

type administrator struct {
	AccountId      string  `json:"AccountId"`
	GraphArn       string  `json:"GraphArn"`
	DelegationTime *string `json:"DelegationTime,omitempty"`
}

type listOrganizationAdminAccountsResponse struct {
	Administrators []administrator `json:"Administrators"`
	NextToken      string          `json:"NextToken,omitempty"`
}

func (s *Server) listOrganizationAdminAccounts(w http.ResponseWriter, r *http.Request) error {
	var req listOrganizationAdminAccountsRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	var v violations
	token, limit := v.nextToken(req.NextToken, 1024), v.maxResults(req.MaxResults, 200)
	if err := v.err(); err != nil {
		return err
	}
	out, err := s.svc.ListOrganizationAdminAccounts(r.Context(), callerFrom(r), token, limit)
	if err != nil {
		return err
	}
	resp := listOrganizationAdminAccountsResponse{Administrators: make([]administrator, len(out.Admins)), NextToken: out.NextToken}
	for i, a := range out.Admins {
		resp.Administrators[i] = administrator{AccountId: string(a.Account), GraphArn: a.Graph.String(), DelegationTime: isoTime(a.DelegationTime)}
	}
	return writeJSON(w, http.StatusOK, resp)
}
