package detective

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
)

// MemberStatus is the status of an account in a behavior graph.
type MemberStatus string

// The member statuses of the model's MemberStatus enum.
const (
	MemberStatusVerificationInProgress MemberStatus = "VERIFICATION_IN_PROGRESS"
	MemberStatusVerificationFailed     MemberStatus = "VERIFICATION_FAILED"
	MemberStatusInvited                MemberStatus = "INVITED"
	MemberStatusEnabled                MemberStatus = "ENABLED"
	MemberStatusAcceptedButDisabled    MemberStatus = "ACCEPTED_BUT_DISABLED"
)

// InvitationType says how an account became a member.
type InvitationType string

// InvitationType values.
const (
	InvitationTypeInvitation   InvitationType = "INVITATION"
	InvitationTypeOrganization InvitationType = "ORGANIZATION"
)

// DisabledReason says why an ACCEPTED_BUT_DISABLED member is not ingesting.
type DisabledReason string

// DisabledReason values.
const (
	DisabledReasonVolumeTooHigh DisabledReason = "VOLUME_TOO_HIGH"
	DisabledReasonVolumeUnknown DisabledReason = "VOLUME_UNKNOWN"
)

// Member is an account's record in a behavior graph.
//
// Verification is stored as its outcome: Status is the status the record
// has from VerifiedTime on; before then the record is
// VERIFICATION_IN_PROGRESS. This keeps the delay free of background work,
// so every replica sees the same status at the same time.
type Member struct {
	Graph          arn.ARN
	Account        AccountID
	Email          string
	Admin          AccountID
	Type           InvitationType
	Status         MemberStatus
	DisabledReason DisabledReason
	InvitedTime    time.Time // when the invitation was made
	UpdatedTime    time.Time // when Status was entered
	VerifiedTime   time.Time // when VERIFICATION_IN_PROGRESS ends

	// Packages are the member's package states, in package order. The
	// store's member reads return them (nil when there are none), but
	// PutMembers does not write them: PutMemberPackages does. In the
	// Service's answers only ENABLED and ACCEPTED_BUT_DISABLED members
	// carry them, for MemberDetail's volume fields. Utilization, set with
	// them by the Service and never stored, is the member's volume as a
	// percentage of the graph's volume limit.
	Packages    []PackageState
	Utilization float64
}

// VolumeBytes is the member's measured daily volume over all packages.
func (m Member) VolumeBytes() int64 {
	var v int64
	for _, p := range m.Packages {
		v += p.VolumeBytes
	}
	return v
}

// At returns m as it is at time now.
func (m Member) At(now time.Time) Member {
	m.setAt(now)
	return m
}

// setAt makes m what it is at time now.
func (m *Member) setAt(now time.Time) {
	if now.Before(m.VerifiedTime) {
		m.Status = MemberStatusVerificationInProgress
		m.UpdatedTime = m.InvitedTime
		m.DisabledReason = ""
	}
}

// viewAt makes ms what they are at time now, in place: most members are
// past verification, and copying each whole would cost more than the
// check.
func viewAt(ms []Member, now time.Time) []Member {
	for i := range ms {
		ms[i].setAt(now)
	}
	return ms
}

// uncountedStatuses are the statuses the member quota ignores:
// failed verifications never became members.
var uncountedStatuses = []MemberStatus{MemberStatusVerificationFailed}

// UnprocessedAccount is an account an operation could not act on, and why.
type UnprocessedAccount struct {
	Account AccountID
	Reason  string
}

// AccountInput names an account to add to a graph.
type AccountInput struct {
	ID    AccountID
	Email string
}

// CreateMembersInput is the input of CreateMembers.
type CreateMembersInput struct {
	Graph                    arn.ARN
	Accounts                 []AccountInput
	Message                  string
	DisableEmailNotification bool
}

// CreateMembersOutput is the output of CreateMembers.
type CreateMembersOutput struct {
	Members     []Member
	Unprocessed []UnprocessedAccount
}

// CreateMembers invites accounts to c's behavior graph. Each new account
// starts VERIFICATION_IN_PROGRESS and becomes INVITED, or
// VERIFICATION_FAILED when its root e-mail is known and differs. In the
// organization behavior graph, accounts of the organization are enabled
// directly instead (InvitationType ORGANIZATION), up to the member quota. Accounts
// already in the graph (other than failed verifications, which are
// verified again), the administrator itself and repeats are unprocessed. A
// request that would take the graph past its member quota changes nothing.
func (s *Service) CreateMembers(ctx context.Context, c Caller, in CreateMembersInput) (CreateMembersOutput, error) {
	var out CreateMembersOutput
	err := s.store.Write(ctx, func(tx Tx) error {
		out = CreateMembersOutput{}
		g, err := s.adminGraph(ctx, tx, c, in.Graph, true)
		if err != nil {
			return err
		}
		now := s.now()
		invites, orgAccounts, unprocessed, err := s.newMembers(ctx, tx, g, in.Accounts, now)
		if err != nil {
			return err
		}
		out.Unprocessed = unprocessed
		if out.Members, err = s.invite(ctx, tx, g, invites, now); err != nil {
			return err
		}
		if len(orgAccounts) == 0 {
			return nil
		}
		enabled, full, err := s.enableOrgAccounts(ctx, tx, g, orgAccounts, now)
		if err != nil {
			return err
		}
		out.Members = append(out.Members, enabled...)
		for _, m := range full {
			out.Unprocessed = append(out.Unprocessed, UnprocessedAccount{Account: m.Account,
				Reason: "The behavior graph has the maximum number of member accounts; the organization account remains not a member"})
		}
		return s.withPackages(ctx, tx, g.ARN, out.Members)
	})
	return out, err
}

// newMembers sorts the accounts a CreateMembers request names into
// invitations, with the status their verification settles to; accounts of
// the organization whose organization behavior graph g is, to be enabled
// directly without verification or invitation; and those that cannot be
// added, with why.
func (s *Service) newMembers(ctx context.Context, tx Tx, g Graph, accounts []AccountInput, now time.Time) (invites, orgAccounts []Member, unprocessed []UnprocessedAccount, err error) {
	org, err := s.graphOrg(ctx, tx, g)
	if err != nil {
		return nil, nil, nil, err
	}
	ids := make([]AccountID, len(accounts))
	for i, a := range accounts {
		ids[i] = a.ID
	}
	existing, err := tx.Members(ctx, g.ARN, ids)
	if err != nil {
		return nil, nil, nil, err
	}
	current := make(map[AccountID]Member, len(existing))
	for _, m := range existing {
		current[m.Account] = m.At(now)
	}
	seen := make(map[AccountID]bool, len(accounts))
	for _, a := range accounts {
		isOrg := false
		if org != "" {
			if isOrg, err = inOrg(ctx, tx, org, a.ID); err != nil {
				return nil, nil, nil, err
			}
		}
		if reason := s.cannotInvite(g, a, isOrg, current, seen); reason != "" {
			unprocessed = append(unprocessed, UnprocessedAccount{Account: a.ID, Reason: reason})
			continue
		}
		seen[a.ID] = true
		m := Member{Graph: g.ARN, Account: a.ID, Email: a.Email, Admin: g.Admin}
		if isOrg {
			m.Type, m.UpdatedTime, m.VerifiedTime = InvitationTypeOrganization, now, now
			orgAccounts = append(orgAccounts, m)
			continue
		}
		outcome, err := s.verify(ctx, tx, a)
		if err != nil {
			return nil, nil, nil, err
		}
		verified := now.Add(s.cfg.VerificationDelay)
		m.Type, m.Status, m.InvitedTime, m.UpdatedTime, m.VerifiedTime = InvitationTypeInvitation, outcome, now, verified, verified
		invites = append(invites, m)
	}
	return invites, orgAccounts, unprocessed, nil
}

// invite records invitations, all or none: refused when those that will
// count as members would take g past its quota. It returns them as the
// response shows them.
func (s *Service) invite(ctx context.Context, tx Tx, g Graph, invites []Member, now time.Time) ([]Member, error) {
	adding := 0
	for _, m := range invites {
		if m.Status != MemberStatusVerificationFailed {
			adding++
		}
	}
	if adding > 0 {
		if err := s.checkRoom(ctx, tx, g, adding, now); err != nil {
			return nil, err
		}
	}
	if err := tx.PutMembers(ctx, invites); err != nil {
		return nil, err
	}
	shown := make([]Member, 0, len(invites))
	for _, m := range invites {
		// The response shows the record as it is created, before its
		// verification settles, as AWS's does.
		m.Status, m.UpdatedTime = MemberStatusVerificationInProgress, now
		shown = append(shown, m)
	}
	return shown, nil
}

// graphOrg returns the organization whose organization behavior graph g
// is, or "".
func (s *Service) graphOrg(ctx context.Context, tx Tx, g Graph) (string, error) {
	admin, err := tx.OrgAdminByGraph(ctx, g.ARN)
	if KindOf(err) == KindNotFound {
		return "", nil
	}
	return admin.Org, err
}

// enableOrgAccounts makes organization accounts ms members of g, each
// ENABLED or ACCEPTED_BUT_DISABLED, in order while g has room under its
// member quota; those past it stay not members and are returned as full.
// None of ms may be a counted member already, so each one enabled takes
// one place and the members are counted once.
func (s *Service) enableOrgAccounts(ctx context.Context, tx Tx, g Graph, ms []Member, now time.Time) (enabled, full []Member, err error) {
	n, err := tx.CountMembers(ctx, g.ARN, uncountedStatuses)
	if err != nil {
		return nil, nil, err
	}
	for _, m := range ms {
		if n >= s.cfg.MemberLimit {
			full = append(full, m)
			continue
		}
		m, err := s.activate(ctx, tx, g, m, now)
		if err != nil {
			return nil, nil, err
		}
		n++
		enabled = append(enabled, m)
	}
	return enabled, full, nil
}

// checkRoom refuses to add members to g when that would exceed the member
// quota, or when the graph's volume is already above the volume limit.
func (s *Service) checkRoom(ctx context.Context, tx Tx, g Graph, adding int, now time.Time) error {
	n, err := tx.CountMembers(ctx, g.ARN, uncountedStatuses)
	if err != nil {
		return err
	}
	if n+adding > s.cfg.MemberLimit {
		return QuotaExceeded([]string{"MemberAccounts"},
			"The request would cause the number of member accounts in the behavior graph to exceed the maximum allowed (%d)", s.cfg.MemberLimit)
	}
	gps, err := tx.GraphPackages(ctx, g.ARN)
	if err != nil {
		return err
	}
	vol, _, err := s.graphVolume(ctx, tx, g, gps, now, "")
	if err != nil {
		return err
	}
	if vol > s.cfg.VolumeLimit {
		return QuotaExceeded([]string{"DataVolume"},
			"The behavior graph ingests %d bytes a day, above the limit of %d: Detective adds no member accounts", vol, s.cfg.VolumeLimit)
	}
	return nil
}

// cannotInvite returns why a cannot be added to g, or "".
func (s *Service) cannotInvite(g Graph, a AccountInput, isOrg bool, current map[AccountID]Member, seen map[AccountID]bool) string {
	switch m, ok := current[a.ID]; {
	case seen[a.ID]:
		return "The account is listed more than once in the request"
	case a.ID == g.Admin:
		return "The administrator account cannot be a member of its own behavior graph"
	case ok && m.Status != MemberStatusVerificationFailed:
		return "The account is already a member of the behavior graph with status " + string(m.Status)
	case a.Email == "" && !isOrg:
		return "An email address is required to invite an account that is not in the organization"
	}
	return ""
}

// verify returns the status an invitation of a settles to: INVITED unless
// the account's root e-mail is known and is not a.Email.
func (s *Service) verify(ctx context.Context, tx Tx, a AccountInput) (MemberStatus, error) {
	acct, err := tx.Account(ctx, a.ID)
	switch {
	case KindOf(err) == KindNotFound:
		return MemberStatusInvited, nil
	case err != nil:
		return "", err
	case acct.RootEmail != "" && !strings.EqualFold(acct.RootEmail, a.Email):
		return MemberStatusVerificationFailed, nil
	}
	return MemberStatusInvited, nil
}

// DeleteMembersInput is the input of DeleteMembers.
type DeleteMembersInput struct {
	Graph    arn.ARN
	Accounts []AccountID
}

// DeleteMembersOutput is the output of DeleteMembers.
type DeleteMembersOutput struct {
	Deleted     []AccountID
	Unprocessed []UnprocessedAccount
}

// DeleteMembers removes accounts, in any status, from c's behavior graph.
// The administrator and accounts that are not members are unprocessed.
func (s *Service) DeleteMembers(ctx context.Context, c Caller, in DeleteMembersInput) (DeleteMembersOutput, error) {
	var out DeleteMembersOutput
	err := s.store.Write(ctx, func(tx Tx) error {
		out = DeleteMembersOutput{Deleted: []AccountID{}}
		g, err := s.adminGraph(ctx, tx, c, in.Graph, true)
		if err != nil {
			return err
		}
		existing, err := tx.Members(ctx, g.ARN, in.Accounts)
		if err != nil {
			return err
		}
		present := make(map[AccountID]bool, len(existing))
		for _, m := range existing {
			present[m.Account] = true
		}
		for _, id := range in.Accounts {
			switch {
			case id == g.Admin:
				out.Unprocessed = append(out.Unprocessed, UnprocessedAccount{Account: id,
					Reason: "The administrator account cannot be removed from its own behavior graph; use DeleteGraph"})
			case present[id]:
				present[id] = false // a repeated ID is removed once
				out.Deleted = append(out.Deleted, id)
			case !slices.Contains(out.Deleted, id):
				out.Unprocessed = append(out.Unprocessed, UnprocessedAccount{Account: id, Reason: notMemberReason})
			}
		}
		return tx.DeleteMembers(ctx, g.ARN, out.Deleted)
	})
	return out, err
}

const notMemberReason = "The account is not a member of the behavior graph"

// GetMembersInput is the input of GetMembers.
type GetMembersInput struct {
	Graph    arn.ARN
	Accounts []AccountID
}

// GetMembersOutput is the output of GetMembers.
type GetMembersOutput struct {
	Members     []Member
	Unprocessed []UnprocessedAccount
}

// GetMembers returns the records of the given accounts in c's behavior
// graph; accounts that are not (or no longer) members are unprocessed.
func (s *Service) GetMembers(ctx context.Context, c Caller, in GetMembersInput) (GetMembersOutput, error) {
	var out GetMembersOutput
	err := s.store.Read(ctx, func(tx Tx) error {
		out = GetMembersOutput{Members: []Member{}}
		if err := checkAdmin(c, in.Graph); err != nil {
			return err
		}
		ids := dedupe(in.Accounts)
		found, err := tx.Members(ctx, in.Graph, ids)
		if err != nil {
			return err
		}
		if len(found) == 0 {
			// Members imply their graph exists; without any, look.
			if _, err := s.adminGraph(ctx, tx, c, in.Graph, false); err != nil {
				return err
			}
		}
		out.Members = viewAt(found, s.now())
		if err := s.withPackages(ctx, tx, in.Graph, out.Members); err != nil {
			return err
		}
		if len(found) == len(ids) {
			return nil // every account asked for is a member
		}
		for _, id := range ids {
			if !slices.ContainsFunc(found, func(m Member) bool { return m.Account == id }) {
				out.Unprocessed = append(out.Unprocessed, UnprocessedAccount{Account: id, Reason: notMemberReason})
			}
		}
		return nil
	})
	return out, err
}

// dedupe returns xs without repeats, in first-seen order. A request
// names at most 50 of anything, mostly without repeats: those are
// returned as they are, found without a map.
func dedupe[T comparable](xs []T) []T {
	const small = 64
	if len(xs) <= small {
		dup := false
		for i := 1; i < len(xs) && !dup; i++ {
			dup = slices.Contains(xs[:i], xs[i])
		}
		if !dup {
			return xs
		}
	}
	seen := make(map[T]bool, len(xs))
	out := make([]T, 0, len(xs))
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// ListMembersInput is the input of ListMembers.
type ListMembersInput struct {
	Graph      arn.ARN
	NextToken  string
	MaxResults int
}

// ListMembersOutput is the output of ListMembers.
type ListMembersOutput struct {
	Members   []Member
	NextToken string
}

// ListMembers pages through the members of c's behavior graph in account
// order. Removed accounts and declined invitations are gone, so absent.
func (s *Service) ListMembers(ctx context.Context, c Caller, in ListMembersInput) (ListMembersOutput, error) {
	const op = "ListMembers"
	after, err := decodeToken(in.NextToken, op, in.Graph.String())
	if err != nil {
		return ListMembersOutput{}, err
	}
	limit := pageSize(in.MaxResults)
	var out ListMembersOutput
	err = s.store.Read(ctx, func(tx Tx) error {
		out = ListMembersOutput{}
		if err := checkAdmin(c, in.Graph); err != nil {
			return err
		}
		ms, err := tx.ListMembers(ctx, ListMembersParams{Graph: in.Graph, After: AccountID(after), Limit: limit + 1})
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			// Members imply their graph exists; without any, look.
			if _, err := s.adminGraph(ctx, tx, c, in.Graph, false); err != nil {
				return err
			}
		}
		if len(ms) > limit {
			ms = ms[:limit]
			out.NextToken = encodeToken(op, in.Graph.String(), string(ms[limit-1].Account))
		}
		out.Members = viewAt(ms, s.now())
		return s.withPackages(ctx, tx, in.Graph, out.Members)
	})
	return out, err
}
