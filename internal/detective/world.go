package detective

import "time"

// The multi-account world: AWS Organizations and STS sessions. Detective
// does not own these facts but consults them (who manages which
// organization, which accounts belong to it, who is the delegated
// administrator for Detective). The rules that change them live in
// internal/organizations and internal/sts; this file holds only the
// entities those packages and the stores share.

// FeatureSet is an organization's feature set (the model's
// OrganizationFeatureSet).
type FeatureSet string

// The feature sets.
const (
	FeatureSetAll                 FeatureSet = "ALL"
	FeatureSetConsolidatedBilling FeatureSet = "CONSOLIDATED_BILLING"
)

// Organization is an AWS organization: one management account, one root,
// and the member accounts held as OrgAccount records.
type Organization struct {
	ID          string // "o-" and 10 to 32 lowercase letters or digits
	Management  AccountID
	FeatureSet  FeatureSet
	RootID      string // "r-" and 4 to 32 lowercase letters or digits
	CreatedTime time.Time
	// LastEventSeq is the Seq of the organization's latest OrgEvent. The
	// service increments it under the organization's row lock, which
	// orders the organization's events without a database sequence.
	LastEventSeq int64
}

// JoinedMethod is how an account joined its organization.
type JoinedMethod string

// The ways of joining (the model's AccountJoinedMethod).
const (
	JoinedInvited JoinedMethod = "INVITED"
	JoinedCreated JoinedMethod = "CREATED"
)

// OrgAccountStatus is the status of an account in an organization (the
// model's AccountStatus).
type OrgAccountStatus string

// The account statuses.
const (
	OrgAccountActive         OrgAccountStatus = "ACTIVE"
	OrgAccountSuspended      OrgAccountStatus = "SUSPENDED"
	OrgAccountPendingClosure OrgAccountStatus = "PENDING_CLOSURE"
)

// OrgAccount is an account's membership of an organization. An account
// belongs to at most one organization; the management account has a record
// too.
type OrgAccount struct {
	Org     string // organization ID
	Account AccountID
	// Name is the account's name as Organizations shows it; "" when
	// unknown (accounts invited by ID).
	Name       string
	Method     JoinedMethod
	JoinedTime time.Time
	Status     OrgAccountStatus
}

// HandshakeState is the state of a handshake (the model's HandshakeState).
type HandshakeState string

// The handshake states this server uses. REQUESTED is skipped: a new
// handshake is OPEN at once. EXPIRED is never stored; the service computes
// it from ExpirationTime.
const (
	HandshakeOpen     HandshakeState = "OPEN"
	HandshakeAccepted HandshakeState = "ACCEPTED"
	HandshakeDeclined HandshakeState = "DECLINED"
	HandshakeCanceled HandshakeState = "CANCELED"
	HandshakeExpired  HandshakeState = "EXPIRED"
)

// HandshakePartyType is how a handshake names its target (the model's
// HandshakePartyType).
type HandshakePartyType string

// The party types an invitation may target.
const (
	PartyAccount HandshakePartyType = "ACCOUNT"
	PartyEmail   HandshakePartyType = "EMAIL"
)

// Handshake is an invitation of an account to join an organization (the
// only handshake action served: INVITE).
type Handshake struct {
	ID         string // "h-" and 8 to 32 lowercase letters or digits
	Org        string
	Management AccountID // of Org when the handshake was made
	FeatureSet FeatureSet
	TargetType HandshakePartyType
	// Target is the invited account ID (PartyAccount) or root e-mail
	// address (PartyEmail).
	Target         string
	Notes          string
	State          HandshakeState
	RequestedTime  time.Time
	ExpirationTime time.Time
	// Account is the account that accepted or declined; "" while open.
	Account AccountID
}

// CreateAccountState is the state of a CreateAccount request.
type CreateAccountState string

// The CreateAccount states.
const (
	CreateAccountInProgress CreateAccountState = "IN_PROGRESS"
	CreateAccountSucceeded  CreateAccountState = "SUCCEEDED"
	CreateAccountFailed     CreateAccountState = "FAILED"
)

// CreateAccountStatus is a CreateAccount request and its outcome.
type CreateAccountStatus struct {
	ID            string // "car-" and 8 to 32 lowercase letters or digits
	Org           string
	AccountName   string
	Email         string
	State         CreateAccountState
	FailureReason string    // the model's CreateAccountFailureReason, when FAILED
	Account       AccountID // the new account, when SUCCEEDED
	RequestedTime time.Time
	CompletedTime time.Time // zero while IN_PROGRESS
}

// ServiceAccess is an AWS service principal trusted by an organization
// (EnableAWSServiceAccess).
type ServiceAccess struct {
	Org              string
	ServicePrincipal string
	EnabledTime      time.Time
}

// DelegatedAdmin is a member account registered as the delegated
// administrator of an organization for one service principal.
type DelegatedAdmin struct {
	Org              string
	Account          AccountID
	ServicePrincipal string
	RegisteredTime   time.Time
}

// OrgTag is a tag on an organization resource (an account or the root).
type OrgTag struct {
	Key, Value string
}

// Session is a set of temporary credentials issued by STS AssumeRole.
// Requests signed with AccessKeyID act as Account until Expiration.
type Session struct {
	AccessKeyID     string // "ASIA" and 16 upper-case letters or digits
	SecretAccessKey string
	Token           string
	Account         AccountID // the role's account
	RoleARN         string
	SessionName     string
	// Source is the access key that assumed the role; a session whose
	// Source is itself a session was made by role chaining.
	Source      string
	CreatedTime time.Time
	Expiration  time.Time
}

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
