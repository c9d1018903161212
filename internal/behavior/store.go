package behavior

import (
	"context"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

// Store holds the behavior graphs' aggregates. sqlite.Store and
// postgres.Store implement it; both must pass storetest.RunBehavior. Like
// detective.Store it holds no rules: routing, aggregation and enrichment
// are decided here and in the ingest pipeline. Errors are wrapped as
// KindInternal unless a method says otherwise.
type Store interface {
	// Routes returns the graphs of region that account administers or is a
	// member of (in any status), with its package states in each: the
	// graph's own for the administrator, the member's for a member. Route
	// decides which of them take a record.
	Routes(ctx context.Context, account detective.AccountID, region string) ([]Membership, error)

	// IngestBatch runs fn in one write transaction and commits it if fn
	// returns nil: a batch of records is applied whole or not at all.
	// Concurrent IngestBatch calls (in this process or, on PostgreSQL, in
	// others) may run at once; ClaimKeys is what keeps them from counting
	// a record twice.
	IngestBatch(ctx context.Context, fn func(IngestTx) error) error

	// GraphVolume returns the raw bytes ingested into graph at or after
	// since (ingest time), over all accounts and packages.
	GraphVolume(ctx context.Context, graph arn.ARN, since time.Time) (int64, error)
	// MeasuredVolume returns, for each of accounts that has any volume row
	// in graph, the bytes per package ingested at or after since and the
	// time of its last ingest ever (kept until Retain removes it). Accounts
	// with no row are omitted.
	MeasuredVolume(ctx context.Context, graph arn.ARN, accounts []detective.AccountID, since time.Time) ([]AccountVolume, error)

	// APICalls returns entity's API-call rows in graph whose hour is in
	// [from, to), ordered by hour, then the rest of the key.
	APICalls(ctx context.Context, graph arn.ARN, entity string, from, to time.Time) ([]APICallRow, error)
	// AccountAPICalls is APICalls for every entity of account.
	AccountAPICalls(ctx context.Context, graph arn.ARN, account detective.AccountID, from, to time.Time) ([]APICallRow, error)
	// BehaviorEntity returns an entity of graph, or KindNotFound.
	BehaviorEntity(ctx context.Context, graph arn.ARN, entity string) (EntityRow, error)
	// Links returns the links of graph from or to entity, ordered by From,
	// Relation, To.
	Links(ctx context.Context, graph arn.ARN, entity string) ([]LinkRow, error)
	// IPInfos returns the stored enrichment of the given addresses, in
	// address order; unknown addresses are omitted.
	IPInfos(ctx context.Context, ips []string) ([]IPInfo, error)
	// Flows returns instance's flow rows in graph whose hour is in [from,
	// to), ordered by hour, then the rest of the key.
	Flows(ctx context.Context, graph arn.ARN, instance string, from, to time.Time) ([]FlowRow, error)
	// FindingsOf returns the findings of graph that involve entity, in ID
	// order.
	FindingsOf(ctx context.Context, graph arn.ARN, entity string) ([]FindingRow, error)
	// AccountSources returns the distinct user agents and source IPs of
	// every API-call row of account in graph whose hour is in [from, to),
	// each list sorted: what an account's principals had used, against
	// which an investigation tells what is new to the account.
	AccountSources(ctx context.Context, graph arn.ARN, account detective.AccountID, from, to time.Time) (Sources, error)
	// AccountFirstHour returns the earliest hour of account's API-call
	// rows in graph, and false when it has none.
	AccountFirstHour(ctx context.Context, graph arn.ARN, account detective.AccountID) (time.Time, bool, error)
	// GraphFindings returns the findings of graph, of account only when
	// account is not empty, in ID order.
	GraphFindings(ctx context.Context, graph arn.ARN, account detective.AccountID) ([]FindingRow, error)
	// K8sEvents returns subject's Kubernetes rows in graph and cluster
	// whose hour is in [from, to), ordered by hour, then the rest of the
	// key.
	K8sEvents(ctx context.Context, graph arn.ARN, cluster, subject string, from, to time.Time) ([]K8sRow, error)

	// IngestedFile returns the whole file ingested before with digest, or
	// KindNotFound.
	IngestedFile(ctx context.Context, digest Digest) (File, error)
	// PutIngestedFile records f: its routes and graphs are added to those
	// stored for its digest, its record count and time replace theirs.
	PutIngestedFile(ctx context.Context, f File) error

	// Retain deletes every aggregate, claimed key and volume row whose
	// hour (minute, for volume) is before before, in whole hours, and
	// findings last updated before it, and files ingested before it. It
	// returns how many rows went.
	Retain(ctx context.Context, before time.Time) (int64, error)
}

// Sources are the user agents and source IPs some principals used.
type Sources struct {
	UserAgents []string
	SourceIPs  []string
}

// IngestTx is what IngestBatch's transaction offers.
type IngestTx interface {
	// ClaimKeys inserts the keys that are not stored yet and reports,
	// for each, whether this call inserted it. A key another transaction
	// inserted, committed or not, is not fresh: on PostgreSQL the call
	// waits for that transaction to finish.
	ClaimKeys(ctx context.Context, keys []KeyRow) (fresh []bool, err error)
	// Put adds b to the aggregates: counts and bytes are summed, first and
	// last seen widened, a finding replaced only by a later UpdatedAt, an
	// IP's enrichment stored only if the address has none.
	Put(ctx context.Context, b *Batch) error
}

// AccountVolume is one account's measured volume in a graph.
type AccountVolume struct {
	Account    detective.AccountID
	Bytes      map[detective.DatasourcePackage]int64
	LastIngest time.Time
}

// ByAccount is the domain's view of vs, keyed by account: nil if there
// are none or err is not nil. It takes err so that a store's read can be
// passed to it whole.
func ByAccount(vs []AccountVolume, err error) (map[detective.AccountID]detective.MeasuredVolume, error) {
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	out := make(map[detective.AccountID]detective.MeasuredVolume, len(vs))
	for _, v := range vs {
		out[v.Account] = detective.MeasuredVolume{Bytes: v.Bytes, LastIngest: v.LastIngest}
	}
	return out, nil
}
