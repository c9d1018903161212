package detective

import (
	"context"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/world"
)

// DetectivePrincipal is Detective's service principal in AWS
// Organizations: the one a delegated administrator is registered for.
const DetectivePrincipal = "detective.amazonaws.com"

// OrgAdmin is the Detective administrator of an organization in one
// region, and its organization behavior graph.
type OrgAdmin struct {
	Org            string
	Region         string
	Account        AccountID
	Graph          arn.ARN
	DelegationTime time.Time
	AutoEnable     bool
}

// OrgAdminStore holds Detective administrator designations.
type OrgAdminStore interface {
	// OrgAdmin returns org's Detective administrator in region, or
	// KindNotFound.
	OrgAdmin(ctx context.Context, org, region string) (OrgAdmin, error)
	// OrgAdminByGraph returns the designation whose organization behavior
	// graph is graph, or KindNotFound.
	OrgAdminByGraph(ctx context.Context, graph arn.ARN) (OrgAdmin, error)
	// OrgAdmins returns org's designations in every region, ordered by
	// region.
	OrgAdmins(ctx context.Context, org string) ([]OrgAdmin, error)
	// PutOrgAdmin inserts or replaces the designation of (a.Org, a.Region).
	PutOrgAdmin(ctx context.Context, a OrgAdmin) error
	// DeleteOrgAdmin removes the designation of (org, region); absent is
	// not an error.
	DeleteOrgAdmin(ctx context.Context, org, region string) error
}

// OrgRegistrar is what Detective asks of AWS Organizations when it
// designates an administrator: to register the account as the delegated
// administrator for Detective, in the caller's transaction. The
// organizations package implements it; it keeps the rules (and the event
// log) of Organizations in one place.
type OrgRegistrar interface {
	RegisterDelegatedAdmin(ctx context.Context, tx World, org string, account AccountID, principal string, now time.Time) error
}

// callerOrg returns the organization c belongs to. Outside any
// organization the answer is the ValidationException AWS gives, whose
// message clients (Terraform) match on.
func (s *Service) callerOrg(ctx context.Context, tx Tx, c Caller) (world.Organization, error) {
	oa, err := tx.OrgAccount(ctx, c.Account)
	if KindOf(err) == KindNotFound {
		return world.Organization{}, Invalid("The request failed because the account is not a member of an organization")
	}
	if err != nil {
		return world.Organization{}, err
	}
	return tx.Organization(ctx, oa.Org)
}

// lockManagedOrg is managedOrg that also locks the organization's row, so
// that designations in one organization serialize across replicas.
func (s *Service) lockManagedOrg(ctx context.Context, tx Tx, c Caller) (world.Organization, error) {
	org, err := s.managedOrg(ctx, tx, c)
	if err != nil {
		return org, err
	}
	return tx.LockOrganization(ctx, org.ID)
}

// managedOrg returns the organization c manages.
func (s *Service) managedOrg(ctx context.Context, tx Tx, c Caller) (world.Organization, error) {
	org, err := s.callerOrg(ctx, tx, c)
	if err != nil {
		return org, err
	}
	if org.Management != c.Account {
		return org, AccessDenied("The request failed because account %s is not the management account of organization %s", c.Account, org.ID)
	}
	return org, nil
}

// inOrg reports whether account belongs to org.
func inOrg(ctx context.Context, tx Tx, org string, account AccountID) (bool, error) {
	oa, err := tx.OrgAccount(ctx, account)
	if KindOf(err) == KindNotFound {
		return false, nil
	}
	return err == nil && oa.Org == org, err
}

// EnableOrganizationAdminAccount designates account as the Detective
// administrator of c's organization in c's region. Its graph becomes the
// organization behavior graph (one is created if it has none), existing
// members that belong to the organization become ORGANIZATION members and
// are enabled, and a non-management account is registered as the
// delegated administrator for Detective. Repeating it is a no-op.
func (s *Service) EnableOrganizationAdminAccount(ctx context.Context, c Caller, account AccountID) error {
	return s.store.Write(ctx, func(tx Tx) error {
		org, err := s.lockManagedOrg(ctx, tx, c)
		if err != nil {
			return err
		}
		if ok, err := inOrg(ctx, tx, org.ID, account); err != nil || !ok {
			if err == nil {
				err = Invalid("Account %s is not a member of organization %s", account, org.ID)
			}
			return err
		}
		if err := s.checkDelegatedAdmin(ctx, tx, org, account); err != nil {
			return err
		}
		current, err := tx.OrgAdmin(ctx, org.ID, c.Region)
		switch {
		case err == nil && current.Account == account:
			// A repeat is a no-op, unless the organization graph was
			// deleted since (DeleteGraph keeps the designation): then
			// the designation moves to the account's graph.
			if _, err := tx.Graph(ctx, current.Graph); KindOf(err) != KindNotFound {
				return err
			}
		case err == nil:
			return Invalid("Account %s is already the Detective administrator of organization %s in %s", current.Account, org.ID, c.Region)
		case KindOf(err) != KindNotFound:
			return err
		}
		now := s.now()
		g, err := s.graphFor(ctx, tx, account, c.Region, now)
		if err != nil {
			return err
		}
		if _, err := tx.LockGraph(ctx, g.ARN); err != nil {
			return err
		}
		if err := tx.PutOrgAdmin(ctx, OrgAdmin{Org: org.ID, Region: c.Region, Account: account, Graph: g.ARN, DelegationTime: now}); err != nil {
			return err
		}
		if account != org.Management && s.cfg.Organizations != nil {
			if err := s.cfg.Organizations.RegisterDelegatedAdmin(ctx, tx, org.ID, account, DetectivePrincipal, now); err != nil {
				return err
			}
		}
		return s.adoptOrgMembers(ctx, tx, g, org.ID, now)
	})
}

// checkDelegatedAdmin refuses account when Organizations already has
// another delegated administrator for Detective: the designation must then
// be that account or the management account.
func (s *Service) checkDelegatedAdmin(ctx context.Context, tx Tx, org world.Organization, account AccountID) error {
	if account == org.Management {
		return nil
	}
	das, err := tx.ListDelegatedAdmins(ctx, world.ListDelegatedAdminsParams{Org: org.ID, Principal: DetectivePrincipal, Limit: 1})
	if err != nil {
		return err
	}
	if len(das) > 0 && das[0].Account != account {
		return Invalid("Account %s is the delegated administrator for Detective in organization %s; designate it or the management account", das[0].Account, org.ID)
	}
	return nil
}

// graphFor returns account's graph in region, creating it if needed.
func (s *Service) graphFor(ctx context.Context, tx Tx, account AccountID, region string, now time.Time) (Graph, error) {
	g, err := tx.GraphByAdmin(ctx, account, region)
	if KindOf(err) != KindNotFound {
		return g, err
	}
	g = Graph{ARN: arn.Graph(region, string(account), s.ids.GraphID()), Admin: account, Region: region, CreatedTime: now}
	if err := tx.CreateGraph(ctx, g); err != nil {
		return g, err
	}
	return g, tx.PutGraphPackages(ctx, g.ARN, newGraphPackages(now))
}

// allMembers returns every member record of g as it is at now. Only
// adoptOrgMembers, which must look at each, reads them all.
func (s *Service) allMembers(ctx context.Context, tx Tx, g Graph, now time.Time) ([]Member, error) {
	var all []Member
	after := AccountID("")
	for {
		page, err := tx.ListMembers(ctx, ListMembersParams{Graph: g.ARN, After: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		all = append(all, viewAt(page, now)...)
		if len(page) < 500 {
			return all, nil
		}
		after = page[len(page)-1].Account
	}
}

// adoptOrgMembers turns the graph's existing members that belong to org
// into ORGANIZATION members and enables them.
func (s *Service) adoptOrgMembers(ctx context.Context, tx Tx, g Graph, org string, now time.Time) error {
	all, err := s.allMembers(ctx, tx, g, now)
	if err != nil {
		return err
	}
	for _, m := range all {
		ok, err := inOrg(ctx, tx, org, m.Account)
		if err != nil {
			return err
		}
		if !ok || m.Type == InvitationTypeOrganization {
			continue
		}
		m.Type, m.VerifiedTime = InvitationTypeOrganization, now
		if _, err := s.activate(ctx, tx, g, m, now); err != nil {
			return err
		}
	}
	return nil
}

// DisableOrganizationAdminAccount removes the Detective administrator of
// c's organization in c's region and deletes the organization behavior
// graph with every membership in it. The delegated administrator in
// Organizations is left as it is.
func (s *Service) DisableOrganizationAdminAccount(ctx context.Context, c Caller) error {
	return s.store.Write(ctx, func(tx Tx) error {
		org, err := s.lockManagedOrg(ctx, tx, c)
		if err != nil {
			return err
		}
		admin, err := tx.OrgAdmin(ctx, org.ID, c.Region)
		if KindOf(err) == KindNotFound {
			return Invalid("Organization %s has no Detective administrator in %s", org.ID, c.Region)
		}
		if err != nil {
			return err
		}
		return s.removeOrgAdmin(ctx, tx, admin)
	})
}

// removeOrgAdmin ends a designation and deletes its graph, if the graph
// still exists.
func (s *Service) removeOrgAdmin(ctx context.Context, tx Tx, admin OrgAdmin) error {
	if err := tx.DeleteGraph(ctx, admin.Graph); err != nil && KindOf(err) != KindNotFound {
		return err
	}
	return tx.DeleteOrgAdmin(ctx, admin.Org, admin.Region)
}

// ListOrganizationAdminAccountsOutput is the output of
// ListOrganizationAdminAccounts.
type ListOrganizationAdminAccountsOutput struct {
	Admins    []OrgAdmin
	NextToken string
}

// ListOrganizationAdminAccounts lists the Detective administrator of c's
// organization in c's region: at most one.
func (s *Service) ListOrganizationAdminAccounts(ctx context.Context, c Caller, nextToken string, maxResults int) (ListOrganizationAdminAccountsOutput, error) {
	const op = "ListOrganizationAdminAccounts"
	scope := string(c.Account) + "/" + c.Region
	after, err := decodeToken(nextToken, op, scope)
	if err != nil {
		return ListOrganizationAdminAccountsOutput{}, err
	}
	out := ListOrganizationAdminAccountsOutput{Admins: []OrgAdmin{}}
	err = s.store.Read(ctx, func(tx Tx) error {
		org, err := s.managedOrg(ctx, tx, c)
		if err != nil {
			return err
		}
		admin, err := tx.OrgAdmin(ctx, org.ID, c.Region)
		if KindOf(err) == KindNotFound || after != "" {
			return nil // none, or past the only one
		}
		if err != nil {
			return err
		}
		out.Admins = append(out.Admins, admin)
		return nil
	})
	_ = maxResults // at most one administrator per region fits any page
	return out, err
}

// orgGraphAdmin returns the designation of graph, which must be an
// existing organization behavior graph, in c's region, administered by c.
// With lock, the graph row is locked first, so that the designation read
// is the one the transaction's writes go with.
func (s *Service) orgGraphAdmin(ctx context.Context, tx Tx, c Caller, graph arn.ARN, lock bool) (OrgAdmin, error) {
	if AccountID(graph.Account) != c.Account {
		return OrgAdmin{}, AccessDenied("The request failed because account %s is not the Detective administrator of the behavior graph %s", c.Account, graph)
	}
	notOrgGraph := Invalid("The behavior graph %s is not an organization behavior graph", graph)
	if graph.Region != c.Region {
		return OrgAdmin{}, notOrgGraph
	}
	var err error
	if lock {
		_, err = tx.LockGraph(ctx, graph)
	} else {
		_, err = tx.Graph(ctx, graph)
	}
	if KindOf(err) == KindNotFound {
		return OrgAdmin{}, notOrgGraph
	}
	if err != nil {
		return OrgAdmin{}, err
	}
	admin, err := tx.OrgAdminByGraph(ctx, graph)
	if KindOf(err) == KindNotFound {
		return OrgAdmin{}, notOrgGraph
	}
	return admin, err
}

// DescribeOrganizationConfiguration returns whether new organization
// accounts are enabled as members of the organization behavior graph.
func (s *Service) DescribeOrganizationConfiguration(ctx context.Context, c Caller, graph arn.ARN) (bool, error) {
	var auto bool
	err := s.store.Read(ctx, func(tx Tx) error {
		admin, err := s.orgGraphAdmin(ctx, tx, c, graph, false)
		auto = admin.AutoEnable
		return err
	})
	return auto, err
}

// UpdateOrganizationConfiguration sets AutoEnable: whether accounts that
// join the organization from now on are enabled as members. Existing
// accounts are not enabled by it.
func (s *Service) UpdateOrganizationConfiguration(ctx context.Context, c Caller, graph arn.ARN, autoEnable bool) error {
	return s.store.Write(ctx, func(tx Tx) error {
		admin, err := s.orgGraphAdmin(ctx, tx, c, graph, true)
		if err != nil {
			return err
		}
		admin.AutoEnable = autoEnable
		return tx.PutOrgAdmin(ctx, admin)
	})
}
