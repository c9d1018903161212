package awsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/arn"
)

type tagResourceRequest struct {
	Tags map[string]string `json:"Tags"`
}

// resourceARN returns the {ResourceArn} path label, which SDKs send
// percent-encoded and the mux has already decoded.
func resourceARN(v *violations, r *http.Request) arn.ARN {
	s := r.PathValue("ResourceArn")
	return v.graphARN("ResourceArn", &s)
}

func (s *Server) tagResource(w http.ResponseWriter, r *http.Request) error {
	var req tagResourceRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	var v violations
	res := resourceARN(&v, r)
	if v.required("Tags", req.Tags != nil) {
		v.tags("Tags", req.Tags)
	}
	if err := v.err(); err != nil {
		return err
	}
	if err := s.svc.TagResource(r.Context(), callerFrom(r), res, req.Tags); err != nil {
		return err
	}
	return writeEmpty(w, http.StatusNoContent)
}
