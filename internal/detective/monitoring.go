package detective

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/world"
)

// membersWithStatus returns g's members whose status at now is status,
// in account order. It reads only the members stored with status: the
// view at now differs from the stored record only before verification
// settles, when it is VERIFICATION_IN_PROGRESS, which status must not be.
func (s *Service) membersWithStatus(ctx context.Context, tx Tx, g Graph, now time.Time, status MemberStatus) ([]Member, error) {
	ms, err := tx.MembersWithStatus(ctx, g.ARN, status)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(viewAt(ms, now), func(m Member) bool { return m.Status != status }), nil
}

// accountFacts returns what is known about id; an unknown account has the
// zero facts (GuardDuty enrolled, no volume).
func accountFacts(ctx context.Context, tx Tx, id AccountID) (world.Account, error) {
	a, err := tx.Account(ctx, id)
	if KindOf(err) == KindNotFound {
		return world.Account{ID: id}, nil
	}
	return a, err
}

// graphVolume is the graph's daily volume: the administrator's own data and
// that of every ENABLED member but except, each measured if it has
// ingested into the graph and as its facts (for members, as stored when
// they were enabled) otherwise. It also returns what was measured, by
// account.
//
// It starts from the store's running total of the ENABLED members' stored
// volume (MemberVolume) and reads only the members whose part is not
// that: those that ingested, and except. So its cost grows with the
// accounts that ingested into the graph, never with its members. A member
// is stored ENABLED only once verified, so the stored status is its
// status at any later now.
func (s *Service) graphVolume(ctx context.Context, tx Tx, g Graph, graphPackages []PackageState, now time.Time, except AccountID) (int64, map[AccountID]MeasuredVolume, error) {
	admin, err := accountFacts(ctx, tx, g.Admin)
	if err != nil {
		return 0, nil, err
	}
	total, err := tx.MemberVolume(ctx, g.ARN, MemberStatusEnabled)
	if err != nil {
		return 0, nil, err
	}
	measured, err := graphMeasuredVolume(ctx, tx, g.ARN, now)
	if err != nil {
		return 0, nil, err
	}
	total += dailyVolume(admin, measured, graphPackages)
	differ := make([]AccountID, 0, len(measured)+1)
	for id := range measured {
		if id != g.Admin && id != except {
			differ = append(differ, id)
		}
	}
	if except != "" {
		differ = append(differ, except)
	}
	ms, err := tx.Members(ctx, g.ARN, differ)
	if err != nil {
		return 0, nil, err
	}
	for _, m := range ms {
		if m.Status != MemberStatusEnabled {
			continue
		}
		total -= storedVolume(m.Packages) // read with the member
		if m.Account != except {
			total += dailyVolume(world.Account{ID: m.Account}, measured, m.Packages)
		}
	}
	return total, measured, nil
}

// activate gives member m (accepted, or an organization account being
// enabled) the status Detective can give it: ENABLED, or
// ACCEPTED_BUT_DISABLED with VOLUME_UNKNOWN when its volume cannot be
// verified (not in GuardDuty) or VOLUME_TOO_HIGH when it would take the
// graph past the volume limit. It stores the member and its packages.
func (s *Service) activate(ctx context.Context, tx Tx, g Graph, m Member, now time.Time) (Member, error) {
	facts, err := accountFacts(ctx, tx, m.Account)
	if err != nil {
		return m, err
	}
	gps, err := tx.GraphPackages(ctx, g.ARN)
	if err != nil {
		return m, err
	}
	status, reason := MemberStatusEnabled, DisabledReason("")
	if facts.GuardDutyDisabled {
		status, reason = MemberStatusAcceptedButDisabled, DisabledReasonVolumeUnknown
	} else {
		// The member's own volume is counted once, whatever its status now.
		vol, measured, err := s.graphVolume(ctx, tx, g, gps, now, m.Account)
		if err != nil {
			return m, err
		}
		if vol+dailyVolume(facts, measured, gps) > s.cfg.VolumeLimit {
			status, reason = MemberStatusAcceptedButDisabled, DisabledReasonVolumeTooHigh
		}
	}
	if m.Status != status || m.DisabledReason != reason {
		m.UpdatedTime = now
	}
	m.Status, m.DisabledReason = status, reason
	if err := tx.PutMembers(ctx, []Member{m}); err != nil {
		return m, err
	}
	return m, s.putMemberPackages(ctx, tx, g, m, facts, gps, now)
}

// putMemberPackages records the member's package states (the graph's for
// an ENABLED member, DISABLED otherwise) and its measured volume.
func (s *Service) putMemberPackages(ctx context.Context, tx Tx, g Graph, m Member, facts world.Account, gps []PackageState, now time.Time) error {
	have, err := tx.MemberPackages(ctx, g.ARN, []AccountID{m.Account})
	if err != nil {
		return err
	}
	var current []PackageState
	if len(have) == 1 {
		current = have[0].Packages
	}
	ps := make([]PackageState, 0, len(gps))
	for _, gp := range gps {
		p := PackageState{Package: gp.Package}
		if old := findPackage(current, gp.Package); old != nil {
			p = *old
		}
		want := gp.State
		if m.Status != MemberStatusEnabled {
			want = IngestDisabled
		}
		p = p.enter(want, now)
		p.VolumeBytes, p.VolumeTime = facts.Volume[string(gp.Package)], now
		ps = append(ps, p)
	}
	return tx.PutMemberPackages(ctx, g.ARN, []MemberPackages{{Account: m.Account, Packages: ps}})
}

// withPackages readies ms for MemberDetail's volume fields, which only
// ENABLED and ACCEPTED_BUT_DISABLED members have: those keep the package
// states the store read with them, or get them from MemberPackages if they
// have none (a Member built rather than read, as by CreateMembers), with
// the volume measured once the account has ingested into the graph, and
// get their utilization; members in any other status get no packages,
// whatever is stored.
func (s *Service) withPackages(ctx context.Context, tx Tx, graph arn.ARN, ms []Member) error {
	var missing []AccountID
	for i := range ms {
		switch ms[i].Status {
		case MemberStatusEnabled, MemberStatusAcceptedButDisabled:
			if ms[i].Packages == nil {
				missing = append(missing, ms[i].Account)
			}
		default:
			ms[i].Packages, ms[i].Utilization = nil, 0
		}
	}
	if len(missing) > 0 {
		mps, err := tx.MemberPackages(ctx, graph, missing)
		if err != nil {
			return err
		}
		byID := make(map[AccountID][]PackageState, len(mps))
		for _, mp := range mps {
			byID[mp.Account] = mp.Packages
		}
		for i := range ms {
			if ps, ok := byID[ms[i].Account]; ok && ms[i].Packages == nil {
				ms[i].Packages = ps
			}
		}
	}
	var withVolume []AccountID
	for i := range ms {
		if len(ms[i].Packages) > 0 {
			withVolume = append(withVolume, ms[i].Account)
		}
	}
	measured, err := measuredVolume(ctx, tx, graph, withVolume, s.now())
	if err != nil {
		return err
	}
	for i := range ms {
		if mv, ok := measured[ms[i].Account]; ok && len(ms[i].Packages) > 0 {
			ms[i].Packages = withMeasured(ms[i].Packages, mv)
		}
		if len(ms[i].Packages) > 0 {
			ms[i].Utilization = 100 * float64(ms[i].VolumeBytes()) / float64(s.cfg.VolumeLimit)
		}
	}
	return nil
}

// StartMonitoringMember tries again to enable an ACCEPTED_BUT_DISABLED
// member of c's graph. If the graph still cannot take it, it stays
// ACCEPTED_BUT_DISABLED and the call still succeeds, as AWS documents.
func (s *Service) StartMonitoringMember(ctx context.Context, c Caller, graph arn.ARN, account AccountID) error {
	return s.store.Write(ctx, func(tx Tx) error {
		g, err := s.adminGraph(ctx, tx, c, graph, true)
		if err != nil {
			return err
		}
		ms, err := tx.Members(ctx, g.ARN, []AccountID{account})
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			return NotFound("The request failed because account %s is not a member of the behavior graph %s", account, g.ARN)
		}
		now := s.now()
		m := ms[0].At(now)
		if m.Status != MemberStatusAcceptedButDisabled {
			return Conflict("The request failed because the member status is %s; it must be ACCEPTED_BUT_DISABLED", m.Status)
		}
		_, err = s.activate(ctx, tx, g, m, now)
		return err
	})
}

// EnableWaitingMembers is the periodic job that enables
// ACCEPTED_BUT_DISABLED members, in the order they were invited, of every
// graph that now has room for them. Every replica may run it: each graph
// is claimed through the database (ClaimGraph), so a graph one replica is
// working on is skipped by the others, and the work is idempotent.
func (s *Service) EnableWaitingMembers(ctx context.Context) error {
	var graphs []arn.ARN
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		graphs, err = tx.GraphsWithMemberStatus(ctx, MemberStatusAcceptedButDisabled)
		return err
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, graph := range graphs {
		errs = append(errs, s.store.Write(ctx, func(tx Tx) error {
			g, err := tx.ClaimGraph(ctx, graph)
			if k := KindOf(err); k == KindNotFound || k == KindConflict {
				return nil // deleted since the read, or another replica has it
			}
			if err != nil {
				return err
			}
			now := s.now()
			waiting, err := s.membersWithStatus(ctx, tx, g, now, MemberStatusAcceptedButDisabled)
			if err != nil {
				return err
			}
			slices.SortStableFunc(waiting, func(a, b Member) int { return a.InvitedTime.Compare(b.InvitedTime) })
			for _, m := range waiting {
				if _, err := s.activate(ctx, tx, g, m, now); err != nil {
					return err
				}
			}
			return nil
		}))
	}
	return errors.Join(errs...)
}
