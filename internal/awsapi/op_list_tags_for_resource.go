package awsapi

import "net/http"

type listTagsForResourceResponse struct {
	Tags map[string]string `json:"Tags"`
}

func (s *Server) listTagsForResource(w http.ResponseWriter, r *http.Request) error {
	var v violations
	res := resourceARN(&v, r)
	if err := v.err(); err != nil {
		return err
	}
	tags, err := s.svc.ListTagsForResource(r.Context(), callerFrom(r), res)
	if err != nil {
		return err
	}
	return s.writeAppended(w, http.StatusOK, 0, func(b []byte) []byte { return appendTags(b, tags) })
}
