package organizations

import (
	"context"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// Organization is an organization as DescribeOrganization shows it.
type Organization struct {
	ID                     string
	ARN                    string
	FeatureSet             world.FeatureSet
	ManagementAccountID    detective.AccountID
	ManagementAccountARN   string
	ManagementAccountEmail string // "" when the account's root e-mail is unknown
}

// Root is an organization's root.
type Root struct {
	ID, ARN, Name string
}

// rootName is the name AWS gives every root.
const rootName = "Root"

func (s *Service) organizationView(ctx context.Context, tx world.Tx, c detective.Caller, o world.Organization) (Organization, error) {
	email, err := rootEmail(ctx, tx, o.Management)
	if err != nil {
		return Organization{}, err
	}
	p := partition(c)
	return Organization{ID: o.ID, ARN: orgARN(p, o), FeatureSet: o.FeatureSet, ManagementAccountID: o.Management,
		ManagementAccountARN: accountARN(p, o, o.Management), ManagementAccountEmail: email}, nil
}

// rootEmail is the known root e-mail of account, "" if unknown.
func rootEmail(ctx context.Context, tx world.Tx, account detective.AccountID) (string, error) {
	a, err := tx.Account(ctx, account)
	if detective.KindOf(err) == detective.KindNotFound {
		return "", nil
	}
	return a.RootEmail, err
}

// CreateOrganizationInput is CreateOrganization's request.
type CreateOrganizationInput struct {
	FeatureSet world.FeatureSet // "" means ALL
}

// CreateOrganization makes the caller the management account of a new
// organization with one root.
func (s *Service) CreateOrganization(ctx context.Context, c detective.Caller, in CreateOrganizationInput) (Organization, error) {
	if in.FeatureSet == "" {
		in.FeatureSet = world.FeatureSetAll
	}
	var out Organization
	err := s.write(ctx, func(tx world.Tx) error {
		o, err := s.createOrganization(ctx, tx, c.Account, "", in.FeatureSet, "")
		if err != nil {
			return err
		}
		out, err = s.organizationView(ctx, tx, c, o)
		return err
	})
	return out, err
}

// createOrganization creates an organization managed by management (with
// the given ID, or a new one when id is "") and records its creation.
func (s *Service) createOrganization(ctx context.Context, tx world.Tx, management detective.AccountID, id string,
	fs world.FeatureSet, name string) (world.Organization, error) {
	if _, err := tx.OrgAccount(ctx, management); err == nil {
		return world.Organization{}, newError(CodeAlreadyInOrganization, "The provided account is already a member of an organization.")
	} else if detective.KindOf(err) != detective.KindNotFound {
		return world.Organization{}, err
	}
	if id == "" {
		id = s.ids.OrganizationID()
	}
	now := s.now()
	o := world.Organization{ID: id, Management: management, FeatureSet: fs, RootID: s.ids.RootID(), CreatedTime: now}
	if err := tx.CreateOrganization(ctx, o); err != nil {
		return world.Organization{}, err
	}
	// AWS: the management account reads JoinedMethod INVITED, joined when
	// the organization was created.
	if err := tx.PutOrgAccount(ctx, world.OrgAccount{Org: o.ID, Account: management, Name: name,
		Method: world.JoinedInvited, JoinedTime: now, Status: world.OrgAccountActive}); err != nil {
		return world.Organization{}, err
	}
	if err := s.record(ctx, tx, &o, world.OrgEvent{Type: world.OrgEventOrganizationCreated, Account: management}); err != nil {
		return world.Organization{}, err
	}
	return o, tx.UpdateOrganization(ctx, o)
}

// DescribeOrganization returns the caller's organization; any member may
// call it.
func (s *Service) DescribeOrganization(ctx context.Context, c detective.Caller) (Organization, error) {
	var out Organization
	err := s.read(ctx, func(tx world.Tx) error {
		m, err := callerOrg(ctx, tx, c, false)
		if err != nil {
			return err
		}
		out, err = s.organizationView(ctx, tx, c, m.org)
		return err
	})
	return out, err
}

// DeleteOrganization deletes the caller's organization, which must have
// no account but the management account.
func (s *Service) DeleteOrganization(ctx context.Context, c detective.Caller) error {
	return s.write(ctx, func(tx world.Tx) error {
		m, err := managementOrg(ctx, tx, c, true)
		if err != nil {
			return err
		}
		accounts, err := tx.ListOrgAccounts(ctx, m.org.ID, "", 2)
		if err != nil {
			return err
		}
		if len(accounts) > 1 {
			return newError(CodeOrganizationNotEmpty,
				"To delete an organization you must first remove all member accounts (except the master).")
		}
		if err := s.record(ctx, tx, &m.org, world.OrgEvent{Type: world.OrgEventOrganizationDeleted, Account: m.org.Management}); err != nil {
			return err
		}
		return tx.DeleteOrganization(ctx, m.org.ID)
	})
}

// ListRootsInput is ListRoots' request.
type ListRootsInput struct {
	NextToken  string
	MaxResults int
}

// ListRoots returns the organization's one root.
func (s *Service) ListRoots(ctx context.Context, c detective.Caller, in ListRootsInput) ([]Root, string, error) {
	if _, err := decodeToken(in.NextToken, "ListRoots", ""); err != nil {
		return nil, "", err
	}
	var out []Root
	err := s.read(ctx, func(tx world.Tx) error {
		m, err := readerOrg(ctx, tx, c)
		if err != nil {
			return err
		}
		if in.NextToken == "" {
			out = []Root{{ID: m.org.RootID, ARN: rootARN(partition(c), m.org), Name: rootName}}
		}
		return nil
	})
	return out, "", err
}

// expired reports whether an open handshake has passed its expiration.
func expired(h world.Handshake, now time.Time) bool {
	return h.State == world.HandshakeOpen && !now.Before(h.ExpirationTime)
}
