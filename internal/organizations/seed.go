package organizations

import (
	"context"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/lazyregexp"
	"github.com/detective-local/detective-local/internal/world"
)

// Seed is a declared world: account facts and organizations. Applying it
// adds what is missing and changes nothing else, so applying it twice is
// applying it once. It never removes anything.
type Seed struct {
	Accounts      []world.Account
	Organizations []SeedOrganization
}

// SeedOrganization declares an organization by its management account.
type SeedOrganization struct {
	// ID is the organization's ID when it is created; "" lets the
	// service choose one. An existing organization keeps its ID.
	ID             string
	Management     detective.AccountID
	ManagementName string
	FeatureSet     world.FeatureSet // "" means ALL
	Members        []SeedMember
	// EnabledServices are service principals the organization trusts.
	EnabledServices []string
	// DelegatedAdministrators are registrations of member accounts.
	DelegatedAdministrators []SeedDelegatedAdmin
}

// SeedMember declares a member account.
type SeedMember struct {
	Account detective.AccountID
	Name    string
	Method  world.JoinedMethod // "" means CREATED
}

// SeedDelegatedAdmin declares a delegated administrator registration.
type SeedDelegatedAdmin struct {
	Account          detective.AccountID
	ServicePrincipal string
}

// orgIDPattern is the model's OrganizationId pattern, compiled on first
// use rather than at start.
var orgIDPattern = lazyregexp.New(`^o-[a-z0-9]{10,32}$`)

// ApplySeed applies seed in one transaction. Each organization change is
// recorded in the event log, as if made through the API. An empty seed
// changes nothing and opens no transaction, so that a start without a
// seed file takes no write lock for it.
func (s *Service) ApplySeed(ctx context.Context, seed Seed) error {
	if len(seed.Accounts) == 0 && len(seed.Organizations) == 0 {
		return nil
	}
	return s.write(ctx, func(tx world.Tx) error { return s.applySeed(ctx, tx, seed) })
}

// Reset empties every table, Detective's included, and applies seed, in
// one transaction: the operator reset.
func (s *Service) Reset(ctx context.Context, seed Seed) error {
	return s.write(ctx, func(tx world.Tx) error {
		if err := tx.DeleteAll(ctx); err != nil {
			return err
		}
		return s.applySeed(ctx, tx, seed)
	})
}

// ApplyOrganization applies one declared organization (the operator's
// run-time change) and returns its state.
func (s *Service) ApplyOrganization(ctx context.Context, so SeedOrganization) (OrganizationState, error) {
	var out OrganizationState
	err := s.write(ctx, func(tx world.Tx) error {
		o, err := s.applySeedOrganization(ctx, tx, so)
		if err != nil {
			return err
		}
		out, err = organizationState(ctx, tx, o)
		return err
	})
	return out, err
}

func (s *Service) applySeed(ctx context.Context, tx world.Tx, seed Seed) error {
	for _, a := range seed.Accounts {
		if !a.ID.Valid() {
			return InvalidInput("INVALID_PATTERN", "Account ID %q is not 12 digits.", a.ID)
		}
		if err := tx.PutAccount(ctx, a); err != nil {
			return err
		}
	}
	for _, so := range seed.Organizations {
		if _, err := s.applySeedOrganization(ctx, tx, so); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) applySeedOrganization(ctx context.Context, tx world.Tx, so SeedOrganization) (world.Organization, error) {
	if !so.Management.Valid() {
		return world.Organization{}, InvalidInput("INVALID_PATTERN", "Management account ID %q is not 12 digits.", so.Management)
	}
	if so.ID != "" && !orgIDPattern().MatchString(so.ID) {
		return world.Organization{}, InvalidInput("INVALID_PATTERN", "Organization ID %q does not match o-[a-z0-9]{10,32}.", so.ID)
	}
	switch so.FeatureSet {
	case "":
		so.FeatureSet = world.FeatureSetAll
	case world.FeatureSetAll, world.FeatureSetConsolidatedBilling:
	default:
		return world.Organization{}, InvalidInput("INVALID_ENUM", "Feature set %q is not ALL or CONSOLIDATED_BILLING.", so.FeatureSet)
	}
	o, err := s.seedOrganization(ctx, tx, so)
	if err != nil {
		return world.Organization{}, err
	}
	if err := s.seedName(ctx, tx, o, so.Management, so.ManagementName); err != nil {
		return world.Organization{}, err
	}
	for _, m := range so.Members {
		if err := s.seedMember(ctx, tx, &o, m); err != nil {
			return world.Organization{}, err
		}
	}
	for _, p := range so.EnabledServices {
		if err := checkPrincipal(p); err != nil {
			return world.Organization{}, err
		}
		if err := s.enableServiceAccess(ctx, tx, &o, p); err != nil {
			return world.Organization{}, err
		}
	}
	for _, d := range so.DelegatedAdministrators {
		if err := checkPrincipal(d.ServicePrincipal); err != nil {
			return world.Organization{}, err
		}
		das, err := tx.ListDelegatedAdmins(ctx, world.ListDelegatedAdminsParams{Org: o.ID, Account: d.Account, Principal: d.ServicePrincipal})
		if err != nil {
			return world.Organization{}, err
		}
		if len(das) == 0 {
			if err := s.registerDelegatedAdmin(ctx, tx, &o, d.Account, d.ServicePrincipal, s.now()); err != nil {
				return world.Organization{}, err
			}
		}
	}
	return o, tx.UpdateOrganization(ctx, o)
}

// seedOrganization returns the organization so.Management manages,
// locked, creating it if there is none.
func (s *Service) seedOrganization(ctx context.Context, tx world.Tx, so SeedOrganization) (world.Organization, error) {
	oa, err := tx.OrgAccount(ctx, so.Management)
	if detective.KindOf(err) == detective.KindNotFound {
		return s.createOrganization(ctx, tx, so.Management, so.ID, so.FeatureSet, so.ManagementName)
	}
	if err != nil {
		return world.Organization{}, err
	}
	o, err := tx.LockOrganization(ctx, oa.Org)
	if err != nil {
		return world.Organization{}, err
	}
	if o.Management != so.Management {
		return world.Organization{}, constraint("ACCOUNT_CANNOT_LEAVE_ORGANIZATION",
			"Account %s is a member of organization %s, so it cannot manage another.", so.Management, o.ID)
	}
	if so.ID != "" && so.ID != o.ID {
		return world.Organization{}, newError(CodeAlreadyInOrganization,
			"Account %s already manages organization %s, not %s.", so.Management, o.ID, so.ID)
	}
	return o, nil
}

// seedMember adds m to o unless it is a member already; an account in
// another organization is an error.
func (s *Service) seedMember(ctx context.Context, tx world.Tx, o *world.Organization, m SeedMember) error {
	if !m.Account.Valid() {
		return InvalidInput("INVALID_PATTERN", "Member account ID %q is not 12 digits.", m.Account)
	}
	switch m.Method {
	case "":
		m.Method = world.JoinedCreated
	case world.JoinedCreated, world.JoinedInvited:
	default:
		return InvalidInput("INVALID_ENUM", "Joined method %q is not CREATED or INVITED.", m.Method)
	}
	oa, err := tx.OrgAccount(ctx, m.Account)
	switch {
	case detective.KindOf(err) == detective.KindNotFound:
		return s.join(ctx, tx, o, world.OrgAccount{Account: m.Account, Name: m.Name, Method: m.Method})
	case err != nil:
		return err
	case oa.Org != o.ID:
		return newError(CodeAlreadyInOrganization, "Account %s is already a member of organization %s.", m.Account, oa.Org)
	}
	return s.seedName(ctx, tx, *o, m.Account, m.Name)
}

// seedName gives a member of o a declared name, if it has another.
func (s *Service) seedName(ctx context.Context, tx world.Tx, o world.Organization, id detective.AccountID, name string) error {
	if name == "" {
		return nil
	}
	oa, err := orgMember(ctx, tx, o, id)
	if err != nil || oa.Name == name {
		return err
	}
	oa.Name = name
	return tx.PutOrgAccount(ctx, oa)
}
