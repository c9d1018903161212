package awsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

type getMembersResponse struct {
	MemberDetails       []memberDetail       `json:"MemberDetails"`
	UnprocessedAccounts []unprocessedAccount `json:"UnprocessedAccounts"`
}

func (s *Server) getMembers(w http.ResponseWriter, r *http.Request) error {
	req, err := decodeGraphAccounts(r)
	if err != nil {
		return err
	}
	in, err := req.check()
	if err != nil {
		return err
	}
	out, err := s.svc.GetMembers(r.Context(), callerFrom(r), detective.GetMembersInput(in))
	if err != nil {
		return err
	}
	return s.writeAppended(w, http.StatusOK, len(out.Members)*memberDetailSize, func(b []byte) []byte {
		return appendMembersAndUnprocessed(b, "MemberDetails", out.Members, out.Unprocessed)
	})
}
