package awsapi

import (
	"fmt"
	"net/http"
)

func (s *Server) untagResource(w http.ResponseWriter, r *http.Request) error {
	var v violations
	res := resourceARN(&v, r)
	keys, present := r.URL.Query()["tagKeys"]
	if v.required("TagKeys", present) {
		v.count("TagKeys", len(keys), 1, 50)
	}
	for i, k := range keys {
		v.tagKey(fmt.Sprintf("TagKeys.%d.member", i+1), k)
	}
	if err := v.err(); err != nil {
		return err
	}
	if err := s.svc.UntagResource(r.Context(), callerFrom(r), res, keys); err != nil {
		return err
	}
	return writeEmpty(w, http.StatusNoContent)
}
