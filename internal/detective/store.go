package detective

import (
	"context"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
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

// Tx is the queries available inside a transaction. Unless a method says
// otherwise it returns an error of KindNotFound or KindConflict as
// documented, and wraps any other failure as KindInternal.
type Tx interface {
	GraphStore
	MemberStore
	TagStore
	AccountStore
	DatasourceStore
	InvestigationStore
	OrgAdminStore
	OrganizationStore
	OrgRequestStore
	OrgServiceStore
	SessionStore
	OrgEventStore
	// DeleteAll empties every table: the operator reset.
	DeleteAll(ctx context.Context) error
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
	// except.
	CountMembers(ctx context.Context, graph arn.ARN, except []MemberStatus) (int, error)
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

// AccountStore holds facts about AWS accounts that Detective consults, such
// as the root e-mail address used to verify invitations.
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
