package world

import "time"

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
