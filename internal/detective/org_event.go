package detective

import (
	"context"
	"time"

	"github.com/detective-local/detective-local/internal/world"
)

// orgEventBatch bounds the events one transaction claims.
const orgEventBatch = 50

// ProcessOrgEvents applies Detective's reaction to organization changes
// recorded in the event log, each event exactly once whichever replica
// runs it: an account that joins an organization is enabled in its
// organization behavior graphs where AutoEnable is on; an account that
// leaves is removed from them; deregistering the delegated administrator
// for Detective removes its designations and their graphs, except where
// the administrator is the management account; a deleted organization
// loses its designations.
func (s *Service) ProcessOrgEvents(ctx context.Context) error {
	for {
		n := 0
		err := s.store.Write(ctx, func(tx Tx) error {
			events, err := tx.ClaimOrgEvents(ctx, orgEventBatch)
			if err != nil {
				return err
			}
			n = len(events)
			now := s.now()
			for _, e := range events {
				if err := s.applyOrgEvent(ctx, tx, e, now); err != nil {
					return err
				}
				if err := tx.MarkOrgEventProcessed(ctx, e.Org, e.Seq, now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || n == 0 {
			return err
		}
	}
}

func (s *Service) applyOrgEvent(ctx context.Context, tx Tx, e world.OrgEvent, now time.Time) error {
	admins, err := tx.OrgAdmins(ctx, e.Org)
	if err != nil || len(admins) == 0 {
		return err
	}
	for _, admin := range admins {
		switch e.Type {
		case world.OrgEventAccountJoined:
			err = s.autoEnable(ctx, tx, admin, e.Account, now)
		case world.OrgEventAccountLeft:
			err = s.removeOrgMember(ctx, tx, admin, e.Account)
		case world.OrgEventDelegatedAdminDeregistered:
			if e.ServicePrincipal == DetectivePrincipal && admin.Account == e.Account && admin.Account != e.Management {
				err = s.removeOrgAdmin(ctx, tx, admin)
			}
		case world.OrgEventOrganizationDeleted:
			err = tx.DeleteOrgAdmin(ctx, admin.Org, admin.Region)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// autoEnable enrols an account that joined the organization in the
// organization behavior graph of admin, when AutoEnable is on.
func (s *Service) autoEnable(ctx context.Context, tx Tx, admin OrgAdmin, account AccountID, now time.Time) error {
	if !admin.AutoEnable || account == admin.Account {
		return nil
	}
	g, err := tx.LockGraph(ctx, admin.Graph)
	if KindOf(err) == KindNotFound {
		return nil // the graph was deleted; the designation waits for Disable
	}
	if err != nil {
		return err
	}
	ms, err := tx.Members(ctx, g.ARN, []AccountID{account})
	if err != nil || len(ms) > 0 {
		return err // already a member: nothing to do
	}
	m := Member{Graph: g.ARN, Account: account, Admin: g.Admin, Type: InvitationTypeOrganization, UpdatedTime: now, VerifiedTime: now}
	_, _, err = s.enableOrgAccounts(ctx, tx, g, []Member{m}, now)
	return err
}

// removeOrgMember removes an account that left the organization from the
// organization behavior graph of admin. Members it invited stay.
func (s *Service) removeOrgMember(ctx context.Context, tx Tx, admin OrgAdmin, account AccountID) error {
	if _, err := tx.LockGraph(ctx, admin.Graph); err != nil {
		if KindOf(err) == KindNotFound {
			return nil // the graph was deleted; nothing to remove
		}
		return err
	}
	ms, err := tx.Members(ctx, admin.Graph, []AccountID{account})
	if err != nil || len(ms) == 0 || ms[0].Type != InvitationTypeOrganization {
		return err
	}
	return tx.DeleteMembers(ctx, admin.Graph, []AccountID{account})
}
