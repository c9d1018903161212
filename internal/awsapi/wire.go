package awsapi

import (
	"time"

	"github.com/detective-local/detective-local/internal/detective"
)

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

	// Volume fields, for ENABLED and ACCEPTED_BUT_DISABLED members only.
	VolumeUsageInBytes                   *int64                                `json:"VolumeUsageInBytes,omitempty"`
	VolumeUsageUpdatedTime               *string                               `json:"VolumeUsageUpdatedTime,omitempty"`
	PercentOfGraphUtilization            *float64                              `json:"PercentOfGraphUtilization,omitempty"`
	PercentOfGraphUtilizationUpdatedTime *string                               `json:"PercentOfGraphUtilizationUpdatedTime,omitempty"`
	VolumeUsageByDatasourcePackage       map[string]datasourcePackageUsageInfo `json:"VolumeUsageByDatasourcePackage,omitempty"`
	DatasourcePackageIngestStates        map[string]string                     `json:"DatasourcePackageIngestStates,omitempty"`
}

// datasourcePackageUsageInfo is the model's DatasourcePackageUsageInfo.
type datasourcePackageUsageInfo struct {
	VolumeUsageInBytes    int64   `json:"VolumeUsageInBytes"`
	VolumeUsageUpdateTime *string `json:"VolumeUsageUpdateTime,omitempty"`
}

func newMemberDetail(m detective.Member) memberDetail {
	d := memberDetail{
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
	if len(m.Packages) == 0 {
		return d
	}
	total, util := m.VolumeBytes(), m.Utilization
	var measured time.Time
	d.VolumeUsageByDatasourcePackage = make(map[string]datasourcePackageUsageInfo, len(m.Packages))
	d.DatasourcePackageIngestStates = make(map[string]string, len(m.Packages))
	for _, p := range m.Packages {
		d.VolumeUsageByDatasourcePackage[string(p.Package)] = datasourcePackageUsageInfo{VolumeUsageInBytes: p.VolumeBytes, VolumeUsageUpdateTime: isoTime(p.VolumeTime)}
		d.DatasourcePackageIngestStates[string(p.Package)] = string(p.State)
		if p.VolumeTime.After(measured) {
			measured = p.VolumeTime
		}
	}
	d.VolumeUsageInBytes, d.VolumeUsageUpdatedTime = &total, isoTime(measured)
	d.PercentOfGraphUtilization, d.PercentOfGraphUtilizationUpdatedTime = &util, isoTime(measured)
	return d
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
