package awsapi

import (
	"fmt"
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

type createMembersRequest struct {
	GraphArn                 *string         `json:"GraphArn"`
	Message                  *string         `json:"Message"`
	DisableEmailNotification bool            `json:"DisableEmailNotification"`
	Accounts                 []accountMember `json:"Accounts"`
}

type accountMember struct {
	AccountId    *string `json:"AccountId"`
	EmailAddress *string `json:"EmailAddress"`
}

type createMembersResponse struct {
	Members             []memberDetail       `json:"Members"`
	UnprocessedAccounts []unprocessedAccount `json:"UnprocessedAccounts"`
}

func (req createMembersRequest) input() (detective.CreateMembersInput, error) {
	var v violations
	in := detective.CreateMembersInput{Graph: v.graphARN("GraphArn", req.GraphArn), DisableEmailNotification: req.DisableEmailNotification}
	if req.Message != nil {
		v.length("Message", *req.Message, 1, 1000)
		in.Message = *req.Message
	}
	if v.required("Accounts", req.Accounts != nil) {
		v.count("Accounts", len(req.Accounts), 1, 50)
	}
	for i, a := range req.Accounts {
		member := fmt.Sprintf("Accounts.%d.member", i+1)
		var acct detective.AccountInput
		if v.required(member+".AccountId", a.AccountId != nil) {
			acct.ID = v.accountID(member+".AccountId", *a.AccountId)
		}
		// The model requires EmailAddress, but organization accounts may be
		// added without one; the domain decides.
		if a.EmailAddress != nil {
			v.email(member+".EmailAddress", *a.EmailAddress)
			acct.Email = *a.EmailAddress
		}
		in.Accounts = append(in.Accounts, acct)
	}
	return in, v.err()
}

func (s *Server) createMembers(w http.ResponseWriter, r *http.Request) error {
	var req createMembersRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	out, err := s.svc.CreateMembers(r.Context(), callerFrom(r), in)
	if err != nil {
		return err
	}
	return s.writeAppended(w, http.StatusOK, len(out.Members)*memberDetailSize, func(b []byte) []byte {
		return appendMembersAndUnprocessed(b, "Members", out.Members, out.Unprocessed)
	})
}
