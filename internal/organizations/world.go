package organizations

import (
	"context"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// The operator's view of the world: what the seed file declares, read and
// changed at run time without an AWS identity.

// OrganizationState is an organization with everything that belongs to
// it.
type OrganizationState struct {
	Organization            world.Organization
	Accounts                []world.OrgAccount
	EnabledServices         []world.ServiceAccess
	DelegatedAdministrators []world.DelegatedAdmin
}

func organizationState(ctx context.Context, tx world.Tx, o world.Organization) (OrganizationState, error) {
	st := OrganizationState{Organization: o}
	var err error
	if st.Accounts, err = tx.ListOrgAccounts(ctx, o.ID, "", 0); err != nil {
		return st, err
	}
	if st.EnabledServices, err = tx.ListServiceAccess(ctx, o.ID, "", 0); err != nil {
		return st, err
	}
	st.DelegatedAdministrators, err = tx.ListDelegatedAdmins(ctx, world.ListDelegatedAdminsParams{Org: o.ID})
	return st, err
}

// Organizations returns every organization's state, ordered by ID.
func (s *Service) Organizations(ctx context.Context) ([]OrganizationState, error) {
	var out []OrganizationState
	err := s.read(ctx, func(tx world.Tx) error {
		os, err := tx.ListOrganizations(ctx, "", 0)
		if err != nil {
			return err
		}
		for _, o := range os {
			st, err := organizationState(ctx, tx, o)
			if err != nil {
				return err
			}
			out = append(out, st)
		}
		return nil
	})
	return out, err
}

// OrganizationByID returns one organization's state.
func (s *Service) OrganizationByID(ctx context.Context, id string) (OrganizationState, error) {
	var out OrganizationState
	err := s.read(ctx, func(tx world.Tx) error {
		o, err := tx.Organization(ctx, id)
		if detective.KindOf(err) == detective.KindNotFound {
			return newError(CodeTargetNotFound, "There is no organization %s.", id)
		}
		if err != nil {
			return err
		}
		out, err = organizationState(ctx, tx, o)
		return err
	})
	return out, err
}

// Accounts returns the facts of every known account, ordered by ID.
func (s *Service) Accounts(ctx context.Context) ([]world.Account, error) {
	var out []world.Account
	err := s.read(ctx, func(tx world.Tx) error {
		var err error
		out, err = tx.ListAccounts(ctx, "", 0)
		return err
	})
	return out, err
}

// AccountState is an account's facts and, when it belongs to one, its
// membership of an organization.
type AccountState struct {
	Account    world.Account
	Membership *world.OrgAccount
}

// AccountFacts returns what is known about one account; an account that
// has neither facts nor an organization is AccountNotFoundException.
func (s *Service) AccountFacts(ctx context.Context, id detective.AccountID) (AccountState, error) {
	out := AccountState{Account: world.Account{ID: id}}
	err := s.read(ctx, func(tx world.Tx) error {
		a, err := tx.Account(ctx, id)
		known := err == nil
		if err == nil {
			out.Account = a
		} else if detective.KindOf(err) != detective.KindNotFound {
			return err
		}
		m, err := tx.OrgAccount(ctx, id)
		if err == nil {
			out.Membership, known = &m, true
		} else if detective.KindOf(err) != detective.KindNotFound {
			return err
		}
		if !known {
			return errAccountNotFound()
		}
		return nil
	})
	return out, err
}

// PutAccountFacts replaces the facts about a.ID and, when name is not "",
// renames the account in its organization; naming an account that is in
// no organization is a ConstraintViolationException.
func (s *Service) PutAccountFacts(ctx context.Context, a world.Account, name string) error {
	if !a.ID.Valid() {
		return InvalidInput("INVALID_PATTERN", "Account ID %q is not 12 digits.", a.ID)
	}
	for p, v := range a.Volume {
		if v < 0 {
			return InvalidInput("MIN_VALUE_EXCEEDED", "The volume of %s must not be negative.", p)
		}
	}
	return s.write(ctx, func(tx world.Tx) error {
		if name != "" {
			m, err := tx.OrgAccount(ctx, a.ID)
			if detective.KindOf(err) == detective.KindNotFound {
				return constraint("ACCOUNT_CANNOT_LEAVE_ORGANIZATION",
					"Account %s is in no organization; it gets a name when it joins one.", a.ID)
			}
			if err != nil {
				return err
			}
			m.Name = name
			if err := tx.PutOrgAccount(ctx, m); err != nil {
				return err
			}
		}
		return tx.PutAccount(ctx, a)
	})
}

// OrgEvents returns one page of the event log (all of it when limit <= 0),
// after the event after.
func (s *Service) OrgEvents(ctx context.Context, p world.ListOrgEventsParams) ([]world.OrgEvent, error) {
	var out []world.OrgEvent
	err := s.read(ctx, func(tx world.Tx) error {
		var err error
		out, err = tx.ListOrgEvents(ctx, p)
		return err
	})
	return out, err
}
