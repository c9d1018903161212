package world

import (
	"context"
	"time"
)

// Store persists the multi-account world. sqlite.Store and postgres.Store
// provide one (their World method) over the same database as Detective's
// state, and both must pass storetest.Run. Stores hold no rules: they live
// in internal/organizations and internal/sts.
type Store interface {
	// Read runs fn in a read-only transaction.
	Read(ctx context.Context, fn func(Tx) error) error
	// Write runs fn in a read-write transaction and commits if fn returns
	// nil. Writes to one organization serialize on LockOrganization.
	Write(ctx context.Context, fn func(Tx) error) error
}

// Tx is the queries available inside a transaction. Errors follow the
// stores' one contract: a method returns an error whose detective.KindOf
// is KindNotFound or KindConflict where it says so, and any other failure
// as KindInternal.
type Tx interface {
	AccountStore
	OrganizationStore
	OrgRequestStore
	OrgServiceStore
	SessionStore
	OrgEventStore
	// DeleteAll empties the whole database, Detective's state with the
	// world's: the operator's reset, which starts every service afresh.
	DeleteAll(ctx context.Context) error
}

// AccountStore holds facts about AWS accounts, such as the root e-mail
// address Detective verifies invitations against.
type AccountStore interface {
	// Account returns the facts about id, or KindNotFound if none are known.
	Account(ctx context.Context, id AccountID) (Account, error)
	// PutAccount inserts or replaces the facts about a.ID, every field:
	// RootEmail, GuardDutyDisabled and Volume (nil and empty are both
	// "no volume"; Account returns nil then).
	PutAccount(ctx context.Context, a Account) error
	// AccountByEmail returns the account whose RootEmail equals email
	// without regard to case, or KindNotFound. If several have it, the
	// one with the lowest ID.
	AccountByEmail(ctx context.Context, email string) (Account, error)
	// ListAccounts returns one page of the known accounts ordered by ID,
	// starting after after ("" for the first page); limit <= 0 is no limit.
	ListAccounts(ctx context.Context, after AccountID, limit int) ([]Account, error)
}

// OrganizationStore holds organizations and their member accounts.
type OrganizationStore interface {
	// Organization returns the organization with the given ID, or
	// KindNotFound.
	Organization(ctx context.Context, id string) (Organization, error)
	// LockOrganization is Organization that also locks the organization's
	// row until the end of the transaction (FOR UPDATE on PostgreSQL), so
	// that writes to one organization, and the Seq of its events,
	// serialize. KindNotFound if absent.
	LockOrganization(ctx context.Context, id string) (Organization, error)
	// CreateOrganization inserts o. KindConflict if the ID exists or
	// o.Management manages another organization.
	CreateOrganization(ctx context.Context, o Organization) error
	// UpdateOrganization replaces the stored o.ID. KindNotFound if absent.
	UpdateOrganization(ctx context.Context, o Organization) error
	// DeleteOrganization removes the organization with everything that
	// belongs to it (accounts, handshakes, create-account requests,
	// service access, delegated administrators, tags) but not its events.
	// KindNotFound if absent.
	DeleteOrganization(ctx context.Context, id string) error
	// ListOrganizations returns one page of organizations ordered by ID,
	// starting after after ("" for the first page); limit <= 0 is no limit.
	ListOrganizations(ctx context.Context, after string, limit int) ([]Organization, error)

	// OrgAccount returns the membership of account in whichever
	// organization holds it, or KindNotFound.
	OrgAccount(ctx context.Context, account AccountID) (OrgAccount, error)
	// PutOrgAccount inserts or replaces a.Account's membership of a.Org.
	// KindConflict if the account belongs to another organization.
	PutOrgAccount(ctx context.Context, a OrgAccount) error
	// DeleteOrgAccount removes account from org, with its tags and
	// delegated-administrator registrations. KindNotFound if it is not a
	// member.
	DeleteOrgAccount(ctx context.Context, org string, account AccountID) error
	// ListOrgAccounts returns one page of org's accounts ordered by
	// account ID, starting after after.
	ListOrgAccounts(ctx context.Context, org string, after AccountID, limit int) ([]OrgAccount, error)
}

// OrgRequestStore holds the requests made of an organization: handshakes
// (invitations) and CreateAccount requests.
type OrgRequestStore interface {
	// Handshake returns the handshake with the given ID, or KindNotFound.
	Handshake(ctx context.Context, id string) (Handshake, error)
	// PutHandshake inserts or replaces h.
	PutHandshake(ctx context.Context, h Handshake) error
	// ListHandshakes returns one page of the handshakes selected by p,
	// ordered by ID.
	ListHandshakes(ctx context.Context, p ListHandshakesParams) ([]Handshake, error)
	// CreateAccountStatus returns the CreateAccount request with the
	// given ID, or KindNotFound.
	CreateAccountStatus(ctx context.Context, id string) (CreateAccountStatus, error)
	// PutCreateAccountStatus inserts or replaces s.
	PutCreateAccountStatus(ctx context.Context, s CreateAccountStatus) error
	// ListCreateAccountStatuses returns one page of org's CreateAccount
	// requests ordered by ID, starting after after.
	ListCreateAccountStatuses(ctx context.Context, org string, after string, limit int) ([]CreateAccountStatus, error)
}

// ListHandshakesParams selects handshakes: those of Org when it is set,
// else those whose target is Account (PartyAccount) or Email (PartyEmail,
// compared without regard to case). Email is ignored when "".
type ListHandshakesParams struct {
	Org     string
	Account AccountID
	Email   string
	After   string // handshake ID; "" for the first page
	Limit   int
}

// OrgServiceStore holds the AWS services an organization trusts and its
// delegated administrators.
type OrgServiceStore interface {
	// PutServiceAccess inserts or replaces a.
	PutServiceAccess(ctx context.Context, a ServiceAccess) error
	// DeleteServiceAccess removes principal from org's trusted services;
	// absent is not an error.
	DeleteServiceAccess(ctx context.Context, org, principal string) error
	// ListServiceAccess returns one page of org's trusted services ordered
	// by principal, starting after after.
	ListServiceAccess(ctx context.Context, org string, after string, limit int) ([]ServiceAccess, error)

	// PutDelegatedAdmin inserts or replaces d.
	PutDelegatedAdmin(ctx context.Context, d DelegatedAdmin) error
	// DeleteDelegatedAdmin removes the registration of account for
	// principal in org. KindNotFound if there is none.
	DeleteDelegatedAdmin(ctx context.Context, org string, account AccountID, principal string) error
	// ListDelegatedAdmins returns one page of org's registrations selected
	// by p, ordered by (account, principal).
	ListDelegatedAdmins(ctx context.Context, p ListDelegatedAdminsParams) ([]DelegatedAdmin, error)

	// OrgTags returns the tags of resource (an account ID or root ID) in
	// org; an empty slice if none, ordered by key.
	OrgTags(ctx context.Context, org, resource string) ([]OrgTag, error)
	// PutOrgTags adds or overwrites tags on resource.
	PutOrgTags(ctx context.Context, org, resource string, tags []OrgTag) error
	// DeleteOrgTags removes keys from resource; absent keys are ignored.
	DeleteOrgTags(ctx context.Context, org, resource string, keys []string) error
}

// ListDelegatedAdminsParams selects registrations of Org: only Account's
// when Account is set, only Principal's when Principal is set. The page
// starts after the key (AfterAccount, AfterPrincipal).
type ListDelegatedAdminsParams struct {
	Org            string
	Account        AccountID
	Principal      string
	AfterAccount   AccountID
	AfterPrincipal string
	Limit          int
}

// SessionStore holds STS sessions, so that their credentials map to the
// role's account on every replica and after a restart.
type SessionStore interface {
	// Session returns the session whose access key is accessKeyID, or
	// KindNotFound. Expired sessions are returned too; the caller decides.
	Session(ctx context.Context, accessKeyID string) (Session, error)
	// CreateSession inserts s. KindConflict if its access key exists.
	CreateSession(ctx context.Context, s Session) error
	// DeleteSessionsExpiredBefore removes sessions that expired before t,
	// and returns how many.
	DeleteSessionsExpiredBefore(ctx context.Context, t time.Time) (int, error)
}

// OrgEventStore is the durable organization event log. Events are
// appended in the transaction of the change they record; consumers claim
// them, react in the same transaction, and mark them processed, so each
// event is processed exactly once whichever replica runs the consumer.
type OrgEventStore interface {
	// AppendOrgEvent records e. KindConflict if (e.Org, e.Seq) exists.
	AppendOrgEvent(ctx context.Context, e OrgEvent) error
	// ClaimOrgEvents returns up to limit unprocessed events, each the
	// oldest unprocessed event of its organization, ordered by (Time, Org,
	// Seq). Call it inside Store.Write: on PostgreSQL the rows stay locked
	// until the transaction ends and rows another transaction holds are
	// skipped (FOR UPDATE SKIP LOCKED), so concurrent consumers claim
	// disjoint events, and an organization's next event becomes claimable
	// only once its predecessor is marked processed and committed. That
	// keeps each organization's events in Seq order across consumers.
	ClaimOrgEvents(ctx context.Context, limit int) ([]OrgEvent, error)
	// MarkOrgEventProcessed sets the ProcessedTime of (org, seq).
	// KindNotFound if there is no such event; KindConflict if it was
	// processed already.
	MarkOrgEventProcessed(ctx context.Context, org string, seq int64, at time.Time) error
	// ListOrgEvents returns one page of the log selected by p, ordered by
	// (Time, Org, Seq), processed or not.
	ListOrgEvents(ctx context.Context, p ListOrgEventsParams) ([]OrgEvent, error)
}

// ListOrgEventsParams selects a page of ListOrgEvents: the events of Org
// when it is set, else of every organization; only unprocessed ones with
// Unprocessed. The page starts after the event After (zero for the first
// page).
type ListOrgEventsParams struct {
	Org         string
	Unprocessed bool
	After       OrgEventKey
	Limit       int
}

// OrgEventKey is an event's position in the log's order.
type OrgEventKey struct {
	Time time.Time
	Org  string
	Seq  int64
}

// Key returns e's position in the log's order.
func (e OrgEvent) Key() OrgEventKey { return OrgEventKey{Time: e.Time, Org: e.Org, Seq: e.Seq} }
