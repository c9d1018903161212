package orgsapi

import (
	"strconv"
	"time"

	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/world"
)

// epochTime is a timestamp as the JSON protocols send one by default:
// seconds since the epoch, with the milliseconds the service keeps.
type epochTime time.Time

func (t epochTime) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', -1, 64), nil
}

// timestamp is t for an optional member: nil for the zero time.
func timestamp(t time.Time) *epochTime {
	if t.IsZero() {
		return nil
	}
	e := epochTime(t)
	return &e
}

// str is s for an optional member: nil for "".
func str(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

type organizationWire struct {
	ID                   string       `json:"Id"`
	Arn                  string       `json:"Arn"`
	FeatureSet           string       `json:"FeatureSet"`
	MasterAccountArn     string       `json:"MasterAccountArn"`
	MasterAccountID      string       `json:"MasterAccountId"`
	MasterAccountEmail   *string      `json:"MasterAccountEmail,omitempty"`
	AvailablePolicyTypes []policyType `json:"AvailablePolicyTypes"`
}

type policyType struct {
	Type   string `json:"Type"`
	Status string `json:"Status"`
}

func newOrganization(o organizations.Organization) organizationWire {
	// Policy types are not served: none is available or enabled.
	return organizationWire{ID: o.ID, Arn: o.ARN, FeatureSet: string(o.FeatureSet), MasterAccountArn: o.ManagementAccountARN,
		MasterAccountID: string(o.ManagementAccountID), MasterAccountEmail: str(o.ManagementAccountEmail),
		AvailablePolicyTypes: []policyType{}}
}

type accountWire struct {
	ID              string     `json:"Id"`
	Arn             string     `json:"Arn"`
	Email           *string    `json:"Email,omitempty"`
	Name            *string    `json:"Name,omitempty"`
	Status          string     `json:"Status"`
	State           string     `json:"State"`
	Paths           []string   `json:"Paths"`
	JoinedMethod    string     `json:"JoinedMethod"`
	JoinedTimestamp *epochTime `json:"JoinedTimestamp,omitempty"`
}

func newAccount(a organizations.Account) accountWire {
	// State is the newer member beside the deprecated Status; for the
	// statuses kept here they have the same value.
	return accountWire{ID: string(a.ID), Arn: a.ARN, Email: str(a.Email), Name: str(a.Name), Status: string(a.Status),
		State: string(a.Status), Paths: []string{a.Path}, JoinedMethod: string(a.JoinedMethod), JoinedTimestamp: timestamp(a.JoinedTime)}
}

func newAccounts(as []organizations.Account) []accountWire {
	out := make([]accountWire, len(as))
	for i, a := range as {
		out[i] = newAccount(a)
	}
	return out
}

type createAccountStatusWire struct {
	ID                 string     `json:"Id"`
	AccountName        string     `json:"AccountName"`
	State              string     `json:"State"`
	RequestedTimestamp *epochTime `json:"RequestedTimestamp,omitempty"`
	CompletedTimestamp *epochTime `json:"CompletedTimestamp,omitempty"`
	AccountID          *string    `json:"AccountId,omitempty"`
	FailureReason      *string    `json:"FailureReason,omitempty"`
}

func newCreateAccountStatus(s world.CreateAccountStatus) createAccountStatusWire {
	return createAccountStatusWire{ID: s.ID, AccountName: s.AccountName, State: string(s.State),
		RequestedTimestamp: timestamp(s.RequestedTime), CompletedTimestamp: timestamp(s.CompletedTime),
		AccountID: str(string(s.Account)), FailureReason: str(s.FailureReason)}
}

type handshakeWire struct {
	ID                  string              `json:"Id"`
	Arn                 string              `json:"Arn"`
	Parties             []handshakeParty    `json:"Parties"`
	State               string              `json:"State"`
	RequestedTimestamp  *epochTime          `json:"RequestedTimestamp,omitempty"`
	ExpirationTimestamp *epochTime          `json:"ExpirationTimestamp,omitempty"`
	Action              string              `json:"Action"`
	Resources           []handshakeResource `json:"Resources"`
}

type handshakeParty struct {
	ID   string `json:"Id"`
	Type string `json:"Type"`
}

type handshakeResource struct {
	Value     string              `json:"Value"`
	Type      string              `json:"Type"`
	Resources []handshakeResource `json:"Resources,omitempty"`
}

func newHandshake(h organizations.Handshake) handshakeWire {
	out := handshakeWire{ID: h.ID, Arn: h.ARN, State: string(h.State), RequestedTimestamp: timestamp(h.RequestedTime),
		ExpirationTimestamp: timestamp(h.ExpirationTime), Action: h.Action, Parties: []handshakeParty{}}
	for _, p := range h.Parties {
		out.Parties = append(out.Parties, handshakeParty{ID: p.ID, Type: p.Type})
	}
	out.Resources = newHandshakeResources(h.Resources)
	return out
}

func newHandshakeResources(rs []organizations.HandshakeResource) []handshakeResource {
	out := make([]handshakeResource, 0, len(rs))
	for _, r := range rs {
		out = append(out, handshakeResource{Value: r.Value, Type: r.Type, Resources: newHandshakeResources(r.Resources)})
	}
	return out
}

type tagWire struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

func newTags(ts []world.OrgTag) []tagWire {
	out := make([]tagWire, len(ts))
	for i, t := range ts {
		out[i] = tagWire{Key: t.Key, Value: t.Value}
	}
	return out
}
