package awsapi

import (
	"fmt"
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

type updateDatasourcePackagesRequest struct {
	GraphArn           *string  `json:"GraphArn"`
	DatasourcePackages []string `json:"DatasourcePackages"`
}

func (s *Server) updateDatasourcePackages(w http.ResponseWriter, r *http.Request) error {
	var req updateDatasourcePackagesRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	var v violations
	g := v.graphARN("GraphArn", req.GraphArn)
	if v.required("DatasourcePackages", req.DatasourcePackages != nil) {
		v.count("DatasourcePackages", len(req.DatasourcePackages), 1, 25)
	}
	packages := make([]detective.DatasourcePackage, len(req.DatasourcePackages))
	for i, p := range req.DatasourcePackages {
		v.enum(fmt.Sprintf("DatasourcePackages.%d.member", i+1), p, packageNames...)
		packages[i] = detective.DatasourcePackage(p)
	}
	if err := v.err(); err != nil {
		return err
	}
	if err := s.svc.UpdateDatasourcePackages(r.Context(), callerFrom(r), g, packages); err != nil {
		return err
	}
	return writeEmpty(w, http.StatusOK)
}
