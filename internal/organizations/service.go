package organizations

import (
	"context"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// DefaultHandshakeTTL is how long an invitation stays open.
//
// AWS: "the handshake expires after 15 days" (InviteAccountToOrganization,
// API reference).
const DefaultHandshakeTTL = 15 * 24 * time.Hour

// Config holds the tunable parts of the Organizations behaviour.
type Config struct {
	// HandshakeTTL is how long an invitation stays OPEN; 0 means
	// DefaultHandshakeTTL.
	HandshakeTTL time.Duration
}

// Service is the Organizations subset: its rules over a Store. It is safe
// for concurrent use; all its state is in the Store.
type Service struct {
	store world.Store
	clock detective.Clock
	ids   IDSource
	cfg   Config
}

// NewService returns a Service over store with the given clock and IDs.
func NewService(store world.Store, clock detective.Clock, ids IDSource, cfg Config) *Service {
	if cfg.HandshakeTTL <= 0 {
		cfg.HandshakeTTL = DefaultHandshakeTTL
	}
	return &Service{store: store, clock: clock, ids: ids, cfg: cfg}
}

// now is the service time at the millisecond both stores keep.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Millisecond) }

// read and write run fn in a transaction and turn every error that is not
// already an exception into one.
func (s *Service) read(ctx context.Context, fn func(world.Tx) error) error {
	if err := s.store.Read(ctx, fn); err != nil {
		return AsError(err)
	}
	return nil
}

func (s *Service) write(ctx context.Context, fn func(world.Tx) error) error {
	if err := s.store.Write(ctx, fn); err != nil {
		return AsError(err)
	}
	return nil
}

// membership is the caller's organization and its record in it.
type membership struct {
	org     world.Organization
	account world.OrgAccount
}

func (m membership) isManagement() bool { return m.account.Account == m.org.Management }

// callerOrg returns the organization c belongs to, or
// AWSOrganizationsNotInUseException. With lock, the organization's row is
// locked and the membership re-read under the lock, so that a concurrent
// removal is seen.
func callerOrg(ctx context.Context, tx world.Tx, c detective.Caller, lock bool) (membership, error) {
	oa, err := tx.OrgAccount(ctx, c.Account)
	if detective.KindOf(err) == detective.KindNotFound {
		return membership{}, errNotInUse()
	}
	if err != nil {
		return membership{}, err
	}
	get := tx.Organization
	if lock {
		get = tx.LockOrganization
	}
	o, err := get(ctx, oa.Org)
	if err != nil {
		return membership{}, err
	}
	if lock {
		again, err := tx.OrgAccount(ctx, c.Account)
		if detective.KindOf(err) == detective.KindNotFound {
			return membership{}, errNotInUse()
		}
		if err != nil {
			return membership{}, err
		}
		if again.Org != o.ID {
			return membership{}, AsError(detective.Conflict("account %s moved organization", c.Account))
		}
		oa = again
	}
	return membership{org: o, account: oa}, nil
}

// managementOrg is callerOrg for operations only the management account
// may call: AccessDeniedException for any other member.
func managementOrg(ctx context.Context, tx world.Tx, c detective.Caller, lock bool) (membership, error) {
	m, err := callerOrg(ctx, tx, c, lock)
	if err != nil {
		return membership{}, err
	}
	if !m.isManagement() {
		return membership{}, errAccessDenied()
	}
	return m, nil
}

// readerOrg is callerOrg for the read operations that the management
// account and any delegated administrator may call.
//
// AWS: "This operation can be called only from the organization's
// management account or by a member account that is a delegated
// administrator." (ListAccounts and the other List/Describe operations,
// API reference).
func readerOrg(ctx context.Context, tx world.Tx, c detective.Caller) (membership, error) {
	m, err := callerOrg(ctx, tx, c, false)
	if err != nil || m.isManagement() {
		return m, err
	}
	das, err := tx.ListDelegatedAdmins(ctx, world.ListDelegatedAdminsParams{Org: m.org.ID, Account: c.Account, Limit: 1})
	if err != nil {
		return membership{}, err
	}
	if len(das) == 0 {
		return membership{}, errAccessDenied()
	}
	return m, nil
}

// record appends an event of o to the log, numbering it after o's last
// event. The caller must hold o's lock and save o afterwards (or delete
// it), so that LastEventSeq is stored.
func (s *Service) record(ctx context.Context, tx registration, o *world.Organization, e world.OrgEvent) error {
	o.LastEventSeq++
	e.Org, e.Seq, e.ID, e.Management, e.Time = o.ID, o.LastEventSeq, s.ids.EventID(), o.Management, s.now()
	return tx.AppendOrgEvent(ctx, e)
}

// partition is the ARN partition of the caller's region.
func partition(c detective.Caller) string { return arn.PartitionOf(c.Region) }

// The ARNs of Organizations resources. Organizations is a global service:
// its ARNs have no region and name the management account.
func orgARN(p string, o world.Organization) string {
	return "arn:" + p + ":organizations::" + string(o.Management) + ":organization/" + o.ID
}

func accountARN(p string, o world.Organization, a detective.AccountID) string {
	return "arn:" + p + ":organizations::" + string(o.Management) + ":account/" + o.ID + "/" + string(a)
}

func rootARN(p string, o world.Organization) string {
	return "arn:" + p + ":organizations::" + string(o.Management) + ":root/" + o.ID + "/" + o.RootID
}

func handshakeARN(p string, h world.Handshake) string {
	return "arn:" + p + ":organizations::" + string(h.Management) + ":handshake/" + h.Org + "/invite/" + h.ID
}

var _ detective.OrgRegistrar = (*Service)(nil)
