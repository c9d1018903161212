package awsapi

import "github.com/detective-local/detective-local/internal/detective"

// memberDetail is the model's MemberDetail. Both AdministratorId and the
// deprecated MasterId are sent, with the same value, as AWS does.
type memberDetail struct {
	AccountId       string  `json:"AccountId"`
	EmailAddress    string  `json:"EmailAddress,omitempty"`
	GraphArn        string  `json:"GraphArn"`
	MasterId        string  `json:"MasterId"`
	AdministratorId string  `json:"AdministratorId"`
	Status          string  `json:"Status"`
	DisabledReason  string  `json:"DisabledReason,omitempty"`
	InvitedTime     *string `json:"InvitedTime,omitempty"`
	UpdatedTime     *string `json:"UpdatedTime,omitempty"`
	InvitationType  string  `json:"InvitationType"`
}

func newMemberDetail(m detective.Member) memberDetail {
	return memberDetail{
		AccountId:       string(m.Account),
		EmailAddress:    m.Email,
		GraphArn:        m.Graph.String(),
		MasterId:        string(m.Admin),
		AdministratorId: string(m.Admin),
		Status:          string(m.Status),
		DisabledReason:  string(m.DisabledReason),
		InvitedTime:     isoTime(m.InvitedTime),
		UpdatedTime:     isoTime(m.UpdatedTime),
		InvitationType:  string(m.Type),
	}
}

func newMemberDetails(ms []detective.Member) []memberDetail {
	out := make([]memberDetail, len(ms))
	for i, m := range ms {
		out[i] = newMemberDetail(m)
	}
	return out
}

// unprocessedAccount is the model's UnprocessedAccount.
type unprocessedAccount struct {
	AccountId string `json:"AccountId"`
	Reason    string `json:"Reason"`
}

func newUnprocessedAccounts(us []detective.UnprocessedAccount) []unprocessedAccount {
	out := make([]unprocessedAccount, len(us))
	for i, u := range us {
		out[i] = unprocessedAccount{AccountId: string(u.Account), Reason: u.Reason}
	}
	return out
}
