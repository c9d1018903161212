package detective

import (
	"context"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/world"
)

// Store persists Detective state. sqlite.Store and postgres.Store implement
// it; both must pass storetest.Run. Stores hold no rules: every policy lives
// in Service.
type Store interface {
	// Read runs fn in a read-only transaction.
	Read(ctx context.Context, fn func(Tx) error) error
	// Write runs fn in a read-write transaction and commits if fn returns
	// nil. Writes that touch the same behavior graph are serialized: SQLite
	// starts every write with BEGIN IMMEDIATE, PostgreSQL takes the graph
	// row lock in LockGraph.
	Write(ctx context.Context, fn func(Tx) error) error
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	Close() error
}

// World is what Detective's transactions see of the multi-account world,
// which internal/world holds and internal/organizations governs: the
// account facts it verifies and meters against, the organization
// membership and delegated administrators it checks, the organization
// event log it drains, and the writes with which its OrgRegistrar records,
// inside Detective's transaction, its administrator as the delegated
// administrator for Detective. The rest of world.Tx is not Detective's to
// touch.
type World interface {
	// Account returns the facts about id, or KindNotFound if none are known.
	Account(ctx context.Context, id AccountID) (world.Account, error)
	// OrgAccount returns the membership of account, or KindNotFound if it
	// is in no organization.
	OrgAccount(ctx context.Context, account AccountID) (world.OrgAccount, error)
	// Organization returns the organization with the given ID, or
	// KindNotFound.
	Organization(ctx context.Context, id string) (world.Organization, error)
	// LockOrganization is Organization that also holds the organization's
	// lock to the end of the transaction.
	LockOrganization(ctx context.Context, id string) (world.Organization, error)
	// ListDelegatedAdmins returns one page of delegated administrators.
	ListDelegatedAdmins(ctx context.Context, p world.ListDelegatedAdminsParams) ([]world.DelegatedAdmin, error)
	// PutDelegatedAdmin, UpdateOrganization and AppendOrgEvent are the
	// OrgRegistrar's, as world.Tx documents them.
	PutDelegatedAdmin(ctx context.Context, d world.DelegatedAdmin) error
	UpdateOrganization(ctx context.Context, o world.Organization) error
	AppendOrgEvent(ctx context.Context, e world.OrgEvent) error
	// ClaimOrgEvents and MarkOrgEventProcessed drain the organization
	// event log, as world.Tx documents them.
	ClaimOrgEvents(ctx context.Context, limit int) ([]world.OrgEvent, error)
	MarkOrgEventProcessed(ctx context.Context, org string, seq int64, at time.Time) error
}

// Tx is the queries available inside a transaction. Unless a method says
// otherwise it returns an error of KindNotFound or KindConflict as
// documented, and wraps any other failure as KindInternal.
type Tx interface {
	GraphStore
	MemberStore
	TagStore
	DatasourceStore
	InvestigationStore
	OrgAdminStore
	World
}

// GraphStore holds behavior graphs.
type GraphStore interface {
	// Graph returns the graph with the given ARN, or KindNotFound.
	Graph(ctx context.Context, graph arn.ARN) (Graph, error)
	// LockGraph is Graph that also locks the graph row until the end of the
	// transaction (FOR UPDATE on PostgreSQL), so that concurrent writes to
	// one graph's members serialize. KindNotFound if absent.
	LockGraph(ctx context.Context, graph arn.ARN) (Graph, error)
	// ClaimGraph is LockGraph for periodic jobs: when another transaction
	// holds the graph's lock it returns KindConflict at once instead of
	// waiting (FOR UPDATE SKIP LOCKED on PostgreSQL), so that a graph one
	// replica is working on is skipped by the others. SQLite serializes
	// writes, so there it is LockGraph. KindNotFound if absent.
	ClaimGraph(ctx context.Context, graph arn.ARN) (Graph, error)
	// GraphByAdmin returns the graph administered by account in region, or
	// KindNotFound.
	GraphByAdmin(ctx context.Context, admin AccountID, region string) (Graph, error)
	// CreateGraph inserts g. KindConflict if g.Admin already has a graph in
	// g.Region or the ARN exists.
	CreateGraph(ctx context.Context, g Graph) error
	// DeleteGraph removes the graph with its members and tags. KindNotFound
	// if absent.
	DeleteGraph(ctx context.Context, graph arn.ARN) error
	// ListGraphs returns one page of the graphs administered by p.Admin in
	// p.Region, ordered by ARN, starting after p.After.
	ListGraphs(ctx context.Context, p ListGraphsParams) ([]Graph, error)
}

// ListGraphsParams selects a page of ListGraphs.
type ListGraphsParams struct {
	Admin  AccountID
	Region string
	After  string // ARN; "" for the first page
	Limit  int
}

// MemberStore holds member records, one per (graph, account).
type MemberStore interface {
	// Members returns the members of graph with the given account IDs, in
	// the order given, with their Packages; accounts that are not members
	// are omitted.
	Members(ctx context.Context, graph arn.ARN, accounts []AccountID) ([]Member, error)
	// PutMembers inserts or replaces members of their graphs, every field
	// but Packages: a new member has none, and an existing one keeps its
	// own (PutMemberPackages writes them).
	PutMembers(ctx context.Context, ms []Member) error
	// DeleteMembers removes the given accounts, with their package states,
	// from graph; absent accounts are ignored.
	DeleteMembers(ctx context.Context, graph arn.ARN, accounts []AccountID) error
	// CountMembers counts the members of graph whose stored Status is not in
	// except. Stores keep the count of each status as a running total, so
	// it costs the same in a graph of any size.
	CountMembers(ctx context.Context, graph arn.ARN, except []MemberStatus) (int, error)
	// MemberVolume returns the sum of VolumeBytes over the STARTED package
	// states of graph's members whose stored Status is status: 0 for a
	// graph without such members or without the graph. Like CountMembers
	// it is a running total, kept in the transaction of every write to
	// members.
	MemberVolume(ctx context.Context, graph arn.ARN, status MemberStatus) (int64, error)
	// MembersWithStatus returns graph's members whose stored Status is
	// status, ordered by account ID, with their Packages.
	MembersWithStatus(ctx context.Context, graph arn.ARN, status MemberStatus) ([]Member, error)
	// ListMembers returns one page of graph's members ordered by account
	// ID, with their Packages.
	ListMembers(ctx context.Context, p ListMembersParams) ([]Member, error)
	// ListMemberships returns one page of the member records of p.Account in
	// graphs of p.Region, ordered by graph ARN, with their Packages.
	ListMemberships(ctx context.Context, p ListMembershipsParams) ([]Member, error)
}

// ListMembersParams selects a page of ListMembers.
type ListMembersParams struct {
	Graph arn.ARN
	After AccountID // "" for the first page
	Limit int
}

// ListMembershipsParams selects a page of ListMemberships. Records are
// returned only if their stored Status is in Statuses and they settled
// (VerifiedTime) at or before SettledBy.
type ListMembershipsParams struct {
	Account   AccountID
	Region    string
	Statuses  []MemberStatus
	SettledBy time.Time
	After     string // graph ARN; "" for the first page
	Limit     int
}

// TagStore holds the tags of resources (behavior graphs).
type TagStore interface {
	// Tags returns the tags of resource; an empty map if it has none.
	Tags(ctx context.Context, resource arn.ARN) (map[string]string, error)
	// PutTags adds or overwrites tags on resource.
	PutTags(ctx context.Context, resource arn.ARN, tags map[string]string) error
	// DeleteTags removes the given keys from resource; absent keys are ignored.
	DeleteTags(ctx context.Context, resource arn.ARN, keys []string) error
}

// DatasourceStore holds datasource package states.
type DatasourceStore interface {
	// GraphPackages returns the package states of graph in package order;
	// empty if none were stored.
	GraphPackages(ctx context.Context, graph arn.ARN) ([]PackageState, error)
	// PutGraphPackages inserts or replaces package states of graph.
	PutGraphPackages(ctx context.Context, graph arn.ARN, ps []PackageState) error
	// MemberPackages returns the package states of the given member
	// accounts of graph, in the order given; accounts that are not
	// members or have none are omitted, and an account asked for twice is
	// returned once. Each account's packages are in package order. The
	// member reads (Members, ListMembers, ListMemberships) return the same
	// states as Member.Packages.
	MemberPackages(ctx context.Context, graph arn.ARN, accounts []AccountID) ([]MemberPackages, error)
	// PutMemberPackages inserts or replaces package states of members:
	// each state replaces the stored one of its package, and packages not
	// given keep theirs. The states live with the member, so an account
	// that is not a member of graph is skipped (not an error); PutMembers
	// keeps them, and DeleteMembers and DeleteGraph remove them.
	PutMemberPackages(ctx context.Context, graph arn.ARN, ms []MemberPackages) error
	// GraphsWithMemberStatus returns, in ARN order, the graphs that have at
	// least one member whose stored Status is status.
	GraphsWithMemberStatus(ctx context.Context, status MemberStatus) ([]arn.ARN, error)
}

// InvestigationStore holds investigations and their indicators.
type InvestigationStore interface {
	// CreateInvestigation inserts inv. KindConflict if its ID exists in
	// its graph.
	CreateInvestigation(ctx context.Context, inv Investigation) error
	// Investigation returns one investigation, or KindNotFound.
	Investigation(ctx context.Context, graph arn.ARN, id string) (Investigation, error)
	// UpdateInvestigationState sets the State of an existing investigation.
	// KindNotFound if absent.
	UpdateInvestigationState(ctx context.Context, graph arn.ARN, id string, state InvestigationState) error
	// ListInvestigations returns every investigation of graph ordered by
	// CreatedTime, then ID. Filtering and sorting are the Service's.
	ListInvestigations(ctx context.Context, graph arn.ARN) ([]Investigation, error)
	// Indicators returns the indicators computed for an investigation, in
	// the order they were computed.
	Indicators(ctx context.Context, graph arn.ARN, id string) ([]Indicator, error)
	// PutIndicators replaces the indicators of an investigation.
	PutIndicators(ctx context.Context, graph arn.ARN, id string, inds []Indicator) error
	// ClaimInvestigation leases one investigation of any graph whose
	// stored Status is RUNNING and whose lease ended at or before now (a
	// new one has none): it sets the lease to end at until and returns
	// the investigation, oldest created first; false when none is due.
	// The lease is what keeps two replicas from computing one
	// investigation at once; on PostgreSQL a row another transaction is
	// claiming is skipped, not waited for.
	ClaimInvestigation(ctx context.Context, now, until time.Time) (Investigation, bool, error)
	// CompleteInvestigation stores the outcome of a RUNNING investigation:
	// inv's Status, Severity and CompletedTime, and the explanation (opaque
	// to the store), and ends its lease. KindNotFound if absent;
	// KindConflict if its stored Status is no longer RUNNING.
	CompleteInvestigation(ctx context.Context, inv Investigation, explanation []byte) error
	// InvestigationExplanation returns what CompleteInvestigation stored
	// (nil while RUNNING), or KindNotFound.
	InvestigationExplanation(ctx context.Context, graph arn.ARN, id string) ([]byte, error)
	// CountInvestigations returns how many investigations of every graph
	// have each stored Status; statuses none has are absent.
	CountInvestigations(ctx context.Context) (map[InvestigationStatus]int, error)
}
