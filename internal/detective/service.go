package detective

import (
	"context"
	"sync"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
)

// DefaultMemberLimit is the service quota on member accounts per behavior
// graph (the administrator is not counted).
const DefaultMemberLimit = 1200

// Config holds the tunable parts of Detective's behaviour.
type Config struct {
	// VerificationDelay is how long a new invited member stays
	// VERIFICATION_IN_PROGRESS. Zero means it settles on the first read
	// after CreateMembers.
	VerificationDelay time.Duration
	// MemberLimit is the member quota per graph; 0 means DefaultMemberLimit.
	MemberLimit int
	// VolumeLimit is the daily data volume in bytes above which a graph
	// takes no new members; 0 means DefaultVolumeLimit.
	VolumeLimit int64
	// InvestigationDelay is the least time an investigation stays
	// RUNNING: it is reported RUNNING until CreatedTime plus this, even
	// when computed sooner.
	InvestigationDelay time.Duration
	// Investigator computes investigations (RunInvestigations). Nil
	// completes each at once with no indicators, severity INFORMATIONAL.
	Investigator Investigator
	// InvestigationLease is how long a claimed investigation is left to
	// the replica computing it before another may take it over; 0 means
	// DefaultInvestigationLease.
	InvestigationLease time.Duration
	// InvestigationStarted, when set, is called after StartInvestigation
	// commits, so that the process can compute the investigation at once
	// rather than at its next periodic run. It must not block.
	InvestigationStarted func()
	// Organizations registers delegated administrators; nil skips the
	// registration.
	Organizations OrgRegistrar
}

// DefaultVolumeLimit is the graph data volume, per day, above which
// Detective adds no member accounts: 10 TB.
const DefaultVolumeLimit = 10_000_000_000_000

// Service is Detective: the business rules of its operations, over a Store.
// It is safe for concurrent use; all its state is in the Store.
type Service struct {
	store Store
	clock Clock
	ids   IDSource
	cfg   Config
	// investigating serializes RunInvestigations in this process, so
	// that a call returns only once the investigations another call of
	// this process had claimed are computed too.
	investigating sync.Mutex
}

// NewService returns a Service over store. clock and ids are injected so
// that time- and ID-dependent behaviour is deterministic in tests.
func NewService(store Store, clock Clock, ids IDSource, cfg Config) *Service {
	if cfg.MemberLimit == 0 {
		cfg.MemberLimit = DefaultMemberLimit
	}
	if cfg.VolumeLimit == 0 {
		cfg.VolumeLimit = DefaultVolumeLimit
	}
	if cfg.InvestigationLease == 0 {
		cfg.InvestigationLease = DefaultInvestigationLease
	}
	return &Service{store: store, clock: clock, ids: ids, cfg: cfg}
}

// now is the service time, truncated to the millisecond that the wire and
// both stores keep, so that a value read back equals the value written.
func (s *Service) now() time.Time {
	return s.clock.Now().UTC().Truncate(time.Millisecond)
}

// Ping reports whether the store answers.
func (s *Service) Ping(ctx context.Context) error { return s.store.Ping(ctx) }

// ProbeWrite reports whether the store can commit a write, which a full
// disk or a read-only database fails while reads still work. It creates a
// graph in no region (which no caller can name: regions are checked at
// the edge) and deletes it in one transaction, so it leaves nothing behind
// yet goes through the database's log.
func (s *Service) ProbeWrite(ctx context.Context) error {
	g := Graph{ARN: arn.Graph("", "000000000000", "00000000000000000000000000000000"), Admin: "000000000000",
		CreatedTime: s.clock.Now()}
	return s.store.Write(ctx, func(tx Tx) error {
		if err := tx.CreateGraph(ctx, g); err != nil {
			return err
		}
		return tx.DeleteGraph(ctx, g.ARN)
	})
}

// defaultPageSize is used when a list request has no MaxResults.
const defaultPageSize = 100

func pageSize(limit int) int {
	if limit <= 0 {
		return defaultPageSize
	}
	return limit
}
