package awsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

type listDatasourcePackagesRequest struct {
	GraphArn   *string `json:"GraphArn"`
	NextToken  *string `json:"NextToken"`
	MaxResults *int    `json:"MaxResults"`
}

type datasourcePackageIngestDetail struct {
	DatasourcePackageIngestState string                            `json:"DatasourcePackageIngestState"`
	LastIngestStateChange        map[string]timestampForCollection `json:"LastIngestStateChange"`
}

type listDatasourcePackagesResponse struct {
	DatasourcePackages map[string]datasourcePackageIngestDetail `json:"DatasourcePackages"`
	NextToken          string                                   `json:"NextToken,omitempty"`
}

func (req listDatasourcePackagesRequest) input() (detective.ListDatasourcePackagesInput, error) {
	var v violations
	in := detective.ListDatasourcePackagesInput{
		Graph:      v.graphARN("GraphArn", req.GraphArn),
		NextToken:  v.nextToken(req.NextToken, 1024),
		MaxResults: v.maxResults(req.MaxResults, 200),
	}
	return in, v.err()
}

func (s *Server) listDatasourcePackages(w http.ResponseWriter, r *http.Request) error {
	var req listDatasourcePackagesRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	out, err := s.svc.ListDatasourcePackages(r.Context(), callerFrom(r), in)
	if err != nil {
		return err
	}
	resp := listDatasourcePackagesResponse{DatasourcePackages: map[string]datasourcePackageIngestDetail{}, NextToken: out.NextToken}
	for _, p := range out.Packages {
		resp.DatasourcePackages[string(p.Package)] = datasourcePackageIngestDetail{
			DatasourcePackageIngestState: string(p.State), LastIngestStateChange: lastIngestStateChange(p),
		}
	}
	return writeJSON(w, http.StatusOK, resp)
}
