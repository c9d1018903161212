package world

import "time"

// OrgEventType is the kind of an organization change recorded in the
// event log.
type OrgEventType string

// The organization events. Each is appended, in the transaction that makes
// the change, to the durable log that Detective's organization behaviour
// (AutoEnable, removing members that left) consumes.
//
//   - ORGANIZATION_CREATED: Account (the management account) created Org.
//     No ACCOUNT_JOINED is recorded for the management account.
//   - ORGANIZATION_DELETED: the management account Account deleted Org;
//     it was the organization's last account.
//   - ACCOUNT_JOINED: Account joined Org, by Method (CREATED by
//     CreateAccount or the seed file, INVITED by an accepted handshake).
//   - ACCOUNT_LEFT: Account left Org (RemoveAccountFromOrganization or
//     LeaveOrganization).
//   - DELEGATED_ADMIN_REGISTERED / DELEGATED_ADMIN_DEREGISTERED: Account
//     became, or stopped being, the delegated administrator of Org for
//     ServicePrincipal (e.g. detective.amazonaws.com).
//   - SERVICE_ACCESS_ENABLED / SERVICE_ACCESS_DISABLED: Org started or
//     stopped trusting ServicePrincipal.
const (
	OrgEventOrganizationCreated        OrgEventType = "ORGANIZATION_CREATED"
	OrgEventOrganizationDeleted        OrgEventType = "ORGANIZATION_DELETED"
	OrgEventAccountJoined              OrgEventType = "ACCOUNT_JOINED"
	OrgEventAccountLeft                OrgEventType = "ACCOUNT_LEFT"
	OrgEventDelegatedAdminRegistered   OrgEventType = "DELEGATED_ADMIN_REGISTERED"
	OrgEventDelegatedAdminDeregistered OrgEventType = "DELEGATED_ADMIN_DEREGISTERED"
	OrgEventServiceAccessEnabled       OrgEventType = "SERVICE_ACCESS_ENABLED"
	OrgEventServiceAccessDisabled      OrgEventType = "SERVICE_ACCESS_DISABLED"
)

// OrgEvent is one entry of the organization event log. (Org, Seq) is its
// key: Seq counts 1, 2, 3, … within the organization, so the events of
// one organization are totally ordered, whichever replica wrote them.
type OrgEvent struct {
	Org              string
	Seq              int64
	ID               string // globally unique, for consumers' idempotency keys
	Type             OrgEventType
	Management       AccountID // the organization's management account
	Account          AccountID
	Method           JoinedMethod // ACCOUNT_JOINED only
	ServicePrincipal string       // delegated-administrator and service-access events only
	Time             time.Time
	// ProcessedTime is when a consumer marked the event processed; zero
	// while it is not.
	ProcessedTime time.Time
}
