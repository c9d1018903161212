package detective

import (
	"context"

	"github.com/detective-local/detective-local/internal/arn"
)

// invitationStatuses are the statuses under which a membership is listed
// as an invitation: open (INVITED) or accepted.
var invitationStatuses = []MemberStatus{MemberStatusInvited, MemberStatusEnabled, MemberStatusAcceptedButDisabled}

// ListInvitationsInput is the input of ListInvitations.
type ListInvitationsInput struct {
	NextToken  string
	MaxResults int
}

// ListInvitationsOutput is the output of ListInvitations.
type ListInvitationsOutput struct {
	Invitations []Member
	NextToken   string
}

// ListInvitations pages through c's open and accepted invitations in its
// region. Records still being verified, or that failed verification, were
// never sent, so they are not listed.
func (s *Service) ListInvitations(ctx context.Context, c Caller, in ListInvitationsInput) (ListInvitationsOutput, error) {
	const op = "ListInvitations"
	scope := string(c.Account) + "/" + c.Region
	after, err := decodeToken(in.NextToken, op, scope)
	if err != nil {
		return ListInvitationsOutput{}, err
	}
	limit := pageSize(in.MaxResults)
	now := s.now()
	var out ListInvitationsOutput
	err = s.store.Read(ctx, func(tx Tx) error {
		out = ListInvitationsOutput{}
		ms, err := tx.ListMemberships(ctx, ListMembershipsParams{
			Account: c.Account, Region: c.Region, Statuses: invitationStatuses,
			SettledBy: now, After: after, Limit: limit + 1,
		})
		if err != nil {
			return err
		}
		if len(ms) > limit {
			ms = ms[:limit]
			out.NextToken = encodeToken(op, scope, ms[limit-1].Graph.String())
		}
		out.Invitations = viewAt(ms, now)
		for i := range out.Invitations {
			if err := s.withPackages(ctx, tx, out.Invitations[i].Graph, out.Invitations[i:i+1]); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// membership returns c's own record in graph g as it is at now, locking the
// graph. A caller with no record learns nothing about the graph: unknown
// graph and no membership are the same ResourceNotFoundException.
func (s *Service) membership(ctx context.Context, tx Tx, c Caller, g arn.ARN) (Member, error) {
	notFound := NotFound("The request failed because account %s has no membership in the behavior graph %s", c.Account, g)
	if g.Region != c.Region {
		return Member{}, notFound
	}
	if _, err := tx.LockGraph(ctx, g); err != nil {
		if KindOf(err) == KindNotFound {
			return Member{}, notFound
		}
		return Member{}, err
	}
	ms, err := tx.Members(ctx, g, []AccountID{c.Account})
	if err != nil {
		return Member{}, err
	}
	if len(ms) == 0 {
		return Member{}, notFound
	}
	return ms[0].At(s.now()), nil
}

// AcceptInvitation accepts c's INVITED membership in graph g; the member
// becomes ENABLED, or ACCEPTED_BUT_DISABLED when the graph cannot take its
// data (see activate).
func (s *Service) AcceptInvitation(ctx context.Context, c Caller, g arn.ARN) error {
	return s.store.Write(ctx, func(tx Tx) error {
		m, err := s.membership(ctx, tx, c, g)
		if err != nil {
			return err
		}
		if m.Type == InvitationTypeOrganization {
			return Invalid("Organization accounts in the organization behavior graph do not receive invitations")
		}
		if m.Status != MemberStatusInvited {
			return Conflict("The request failed because the member status is %s; it must be INVITED", m.Status)
		}
		graph, err := tx.Graph(ctx, g)
		if err != nil {
			return err
		}
		now := s.now()
		m.UpdatedTime = now
		_, err = s.activate(ctx, tx, graph, m, now)
		return err
	})
}

// RejectInvitation declines c's INVITED membership in graph g, removing it
// from both sides. The administrator may invite the account again.
func (s *Service) RejectInvitation(ctx context.Context, c Caller, g arn.ARN) error {
	return s.store.Write(ctx, func(tx Tx) error {
		m, err := s.membership(ctx, tx, c, g)
		if err != nil {
			return err
		}
		if m.Type == InvitationTypeOrganization {
			return Conflict("Organization accounts cannot reject the organization behavior graph")
		}
		if m.Status != MemberStatusInvited {
			return Conflict("The request failed because the member status is %s; it must be INVITED", m.Status)
		}
		return tx.DeleteMembers(ctx, g, []AccountID{c.Account})
	})
}

// DisassociateMembership removes c from graph g after it accepted: the
// membership is gone from both sides and rejoining needs a new invitation.
func (s *Service) DisassociateMembership(ctx context.Context, c Caller, g arn.ARN) error {
	return s.store.Write(ctx, func(tx Tx) error {
		m, err := s.membership(ctx, tx, c, g)
		if err != nil {
			return err
		}
		if m.Type == InvitationTypeOrganization {
			return Conflict("Organization accounts cannot remove themselves from the organization behavior graph")
		}
		if m.Status != MemberStatusEnabled && m.Status != MemberStatusAcceptedButDisabled {
			return Conflict("The request failed because the member status is %s; it must be ENABLED or ACCEPTED_BUT_DISABLED", m.Status)
		}
		return tx.DeleteMembers(ctx, g, []AccountID{c.Account})
	})
}
