package organizations

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// checkPrincipal accepts the principals of AWS services: there is no list
// of the services that integrate with Organizations here, so any
// *.amazonaws.com principal is taken for one.
func checkPrincipal(p string) error {
	if !strings.HasSuffix(p, ".amazonaws.com") && !strings.HasSuffix(p, ".amazonaws.com.cn") {
		return InvalidInput("UNRECOGNIZED_SERVICE_PRINCIPAL", "You specified a service principal that isn't recognized.")
	}
	return nil
}

// EnableAWSServiceAccess makes the caller's organization trust principal.
// Enabling it again changes nothing.
func (s *Service) EnableAWSServiceAccess(ctx context.Context, c detective.Caller, principal string) error {
	if err := checkPrincipal(principal); err != nil {
		return err
	}
	return s.write(ctx, func(tx world.Tx) error {
		m, err := managementOrg(ctx, tx, c, true)
		if err != nil {
			return err
		}
		if m.org.FeatureSet != world.FeatureSetAll {
			return errNotAllFeatures()
		}
		return s.enableServiceAccess(ctx, tx, &m.org, principal)
	})
}

// enableServiceAccess trusts principal, unless o does already; the caller
// holds o's lock.
func (s *Service) enableServiceAccess(ctx context.Context, tx world.Tx, o *world.Organization, principal string) error {
	enabled, err := serviceEnabled(ctx, tx, o.ID, principal)
	if err != nil || enabled {
		return err
	}
	if err := tx.PutServiceAccess(ctx, world.ServiceAccess{Org: o.ID, ServicePrincipal: principal, EnabledTime: s.now()}); err != nil {
		return err
	}
	if err := s.record(ctx, tx, o, world.OrgEvent{Type: world.OrgEventServiceAccessEnabled, ServicePrincipal: principal}); err != nil {
		return err
	}
	return tx.UpdateOrganization(ctx, *o)
}

func serviceEnabled(ctx context.Context, tx world.Tx, org, principal string) (bool, error) {
	rows, err := tx.ListServiceAccess(ctx, org, "", 0) // an organization trusts a handful of services
	if err != nil {
		return false, err
	}
	for _, r := range rows {
		if r.ServicePrincipal == principal {
			return true, nil
		}
	}
	return false, nil
}

// DisableAWSServiceAccess stops the caller's organization trusting
// principal. Disabling one not enabled changes nothing.
func (s *Service) DisableAWSServiceAccess(ctx context.Context, c detective.Caller, principal string) error {
	if err := checkPrincipal(principal); err != nil {
		return err
	}
	return s.write(ctx, func(tx world.Tx) error {
		m, err := managementOrg(ctx, tx, c, true)
		if err != nil {
			return err
		}
		enabled, err := serviceEnabled(ctx, tx, m.org.ID, principal)
		if err != nil || !enabled {
			return err
		}
		if err := tx.DeleteServiceAccess(ctx, m.org.ID, principal); err != nil {
			return err
		}
		if err := s.record(ctx, tx, &m.org, world.OrgEvent{Type: world.OrgEventServiceAccessDisabled, ServicePrincipal: principal}); err != nil {
			return err
		}
		return tx.UpdateOrganization(ctx, m.org)
	})
}

// ListAWSServiceAccessInput is ListAWSServiceAccessForOrganization's
// request.
type ListAWSServiceAccessInput struct {
	NextToken  string
	MaxResults int
}

// ListAWSServiceAccessForOrganization returns one page of the services the
// caller's organization trusts, ordered by principal.
func (s *Service) ListAWSServiceAccessForOrganization(ctx context.Context, c detective.Caller, in ListAWSServiceAccessInput) ([]world.ServiceAccess, string, error) {
	const op = "ListAWSServiceAccessForOrganization"
	after, err := decodeToken(in.NextToken, op, "")
	if err != nil {
		return nil, "", err
	}
	n := pageSize(in.MaxResults)
	var out []world.ServiceAccess
	var next string
	err = s.read(ctx, func(tx world.Tx) error {
		m, err := readerOrg(ctx, tx, c)
		if err != nil {
			return err
		}
		if m.org.FeatureSet != world.FeatureSetAll {
			return errNotAllFeatures()
		}
		rows, err := tx.ListServiceAccess(ctx, m.org.ID, after, n+1)
		out, next = page(rows, n, op, "", func(a world.ServiceAccess) string { return a.ServicePrincipal })
		return err
	})
	return out, next, err
}

// RegisterDelegatedAdministrator makes a member account the delegated
// administrator of the caller's organization for principal.
func (s *Service) RegisterDelegatedAdministrator(ctx context.Context, c detective.Caller, id detective.AccountID, principal string) error {
	if err := checkPrincipal(principal); err != nil {
		return err
	}
	return s.write(ctx, func(tx world.Tx) error {
		m, err := managementOrg(ctx, tx, c, true)
		if err != nil {
			return err
		}
		return s.registerDelegatedAdmin(ctx, tx, &m.org, id, principal, s.now())
	})
}

// registration is what registering a delegated administrator needs of a
// transaction: world.Tx has it, and so does detective.World, which lets
// RegisterDelegatedAdmin run inside Detective's transaction.
type registration interface {
	OrgAccount(ctx context.Context, account world.AccountID) (world.OrgAccount, error)
	ListDelegatedAdmins(ctx context.Context, p world.ListDelegatedAdminsParams) ([]world.DelegatedAdmin, error)
	PutDelegatedAdmin(ctx context.Context, d world.DelegatedAdmin) error
	UpdateOrganization(ctx context.Context, o world.Organization) error
	AppendOrgEvent(ctx context.Context, e world.OrgEvent) error
}

// registerDelegatedAdmin registers id for principal in o, whose lock the
// caller holds, and saves o.
func (s *Service) registerDelegatedAdmin(ctx context.Context, tx registration, o *world.Organization, id detective.AccountID, principal string, now time.Time) error {
	if o.FeatureSet != world.FeatureSetAll {
		return errNotAllFeatures()
	}
	if _, err := orgMember(ctx, tx, *o, id); err != nil {
		return err
	}
	if id == o.Management {
		return constraint("CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR",
			"You cannot register the management account of the organization as a delegated administrator for an AWS service.")
	}
	das, err := tx.ListDelegatedAdmins(ctx, world.ListDelegatedAdminsParams{Org: o.ID, Account: id, Principal: principal})
	if err != nil {
		return err
	}
	if len(das) > 0 {
		return newError(CodeAccountAlreadyRegistered, "The provided account is already a delegated administrator for your organization.")
	}
	if err := tx.PutDelegatedAdmin(ctx, world.DelegatedAdmin{Org: o.ID, Account: id, ServicePrincipal: principal, RegisteredTime: now}); err != nil {
		return err
	}
	if err := s.record(ctx, tx, o, world.OrgEvent{Type: world.OrgEventDelegatedAdminRegistered, Account: id, ServicePrincipal: principal}); err != nil {
		return err
	}
	return tx.UpdateOrganization(ctx, *o)
}

// RegisterDelegatedAdmin implements detective.OrgRegistrar: Detective's
// EnableOrganizationAdminAccount registers its administrator as the
// delegated administrator for Detective, in Detective's transaction, as
// AWS does. An existing registration is kept. Its errors are Detective's
// ValidationException, the exception that operation has for them.
func (s *Service) RegisterDelegatedAdmin(ctx context.Context, tx detective.World, org string, account detective.AccountID, principal string, now time.Time) error {
	o, err := tx.LockOrganization(ctx, org)
	if err != nil {
		return err
	}
	das, err := tx.ListDelegatedAdmins(ctx, world.ListDelegatedAdminsParams{Org: org, Account: account, Principal: principal})
	if err != nil || len(das) > 0 {
		return err
	}
	err = s.registerDelegatedAdmin(ctx, tx, &o, account, principal, now.UTC().Truncate(time.Millisecond))
	var e *Error
	if errors.As(err, &e) {
		return detective.Invalid("%s", e.Message)
	}
	return err
}

// DeregisterDelegatedAdministrator removes a registration of the caller's
// organization.
func (s *Service) DeregisterDelegatedAdministrator(ctx context.Context, c detective.Caller, id detective.AccountID, principal string) error {
	if err := checkPrincipal(principal); err != nil {
		return err
	}
	return s.write(ctx, func(tx world.Tx) error {
		m, err := managementOrg(ctx, tx, c, true)
		if err != nil {
			return err
		}
		if _, err := orgMember(ctx, tx, m.org, id); err != nil {
			return err
		}
		err = tx.DeleteDelegatedAdmin(ctx, m.org.ID, id, principal)
		if detective.KindOf(err) == detective.KindNotFound {
			return newError(CodeAccountNotRegistered, "The provided account is not a registered delegated administrator for the specified service principal.")
		}
		if err != nil {
			return err
		}
		if err := s.record(ctx, tx, &m.org, world.OrgEvent{Type: world.OrgEventDelegatedAdminDeregistered, Account: id, ServicePrincipal: principal}); err != nil {
			return err
		}
		return tx.UpdateOrganization(ctx, m.org)
	})
}

// DelegatedAdministrator is an account registered as a delegated
// administrator, with when it first became one (for the principal asked
// about, or for any).
type DelegatedAdministrator struct {
	Account
	DelegationEnabledTime time.Time
}

// ListDelegatedAdministratorsInput is ListDelegatedAdministrators'
// request; ServicePrincipal "" means every service.
type ListDelegatedAdministratorsInput struct {
	ServicePrincipal string
	NextToken        string
	MaxResults       int
}

// afterEveryPrincipal sorts after every principal the model's pattern
// allows ([\w+=,.@-]), so a page can resume after all of an account's
// registrations.
const afterEveryPrincipal = "\x7f"

// ListDelegatedAdministrators returns one page of the organization's
// delegated administrators, each account once, ordered by account ID.
func (s *Service) ListDelegatedAdministrators(ctx context.Context, c detective.Caller, in ListDelegatedAdministratorsInput) ([]DelegatedAdministrator, string, error) {
	const op = "ListDelegatedAdministrators"
	if in.ServicePrincipal != "" {
		if err := checkPrincipal(in.ServicePrincipal); err != nil {
			return nil, "", err
		}
	}
	after, err := decodeToken(in.NextToken, op, in.ServicePrincipal)
	if err != nil {
		return nil, "", err
	}
	n := pageSize(in.MaxResults)
	var out []DelegatedAdministrator
	var next string
	err = s.read(ctx, func(tx world.Tx) error {
		m, err := readerOrg(ctx, tx, c)
		if err != nil {
			return err
		}
		first := map[detective.AccountID]time.Time{}
		var order []detective.AccountID
		p := world.ListDelegatedAdminsParams{Org: m.org.ID, Principal: in.ServicePrincipal,
			AfterAccount: detective.AccountID(after), AfterPrincipal: afterEveryPrincipal, Limit: 100}
		if after == "" {
			p.AfterPrincipal = ""
		}
		for len(order) <= n {
			rows, err := tx.ListDelegatedAdmins(ctx, p)
			if err != nil {
				return err
			}
			for _, d := range rows {
				t, seen := first[d.Account]
				if !seen {
					order = append(order, d.Account)
				}
				if !seen || d.RegisteredTime.Before(t) {
					first[d.Account] = d.RegisteredTime
				}
			}
			if len(rows) < p.Limit {
				break
			}
			last := rows[len(rows)-1]
			p.AfterAccount, p.AfterPrincipal = last.Account, last.ServicePrincipal
		}
		order, next = page(order, n, op, in.ServicePrincipal, func(a detective.AccountID) string { return string(a) })
		for _, id := range order {
			a, err := orgMember(ctx, tx, m.org, id)
			if err != nil {
				return err
			}
			v, err := accountView(ctx, tx, c, m.org, a)
			if err != nil {
				return err
			}
			out = append(out, DelegatedAdministrator{Account: v, DelegationEnabledTime: first[id]})
		}
		return nil
	})
	return out, next, err
}

// DelegatedService is a service an account is the delegated administrator
// for.
type DelegatedService struct {
	ServicePrincipal      string
	DelegationEnabledTime time.Time
}

// ListDelegatedServicesForAccount returns the services a member account is
// the delegated administrator for.
func (s *Service) ListDelegatedServicesForAccount(ctx context.Context, c detective.Caller, id detective.AccountID, token string) ([]DelegatedService, error) {
	if _, err := decodeToken(token, "ListDelegatedServicesForAccount", string(id)); err != nil {
		return nil, err
	}
	var out []DelegatedService
	err := s.read(ctx, func(tx world.Tx) error {
		m, err := readerOrg(ctx, tx, c)
		if err != nil {
			return err
		}
		if _, err := orgMember(ctx, tx, m.org, id); err != nil {
			return err
		}
		das, err := tx.ListDelegatedAdmins(ctx, world.ListDelegatedAdminsParams{Org: m.org.ID, Account: id})
		if err != nil {
			return err
		}
		if len(das) == 0 {
			return newError(CodeAccountNotRegistered, "The provided account is not a registered delegated administrator for your organization.")
		}
		if token == "" {
			for _, d := range das {
				out = append(out, DelegatedService{ServicePrincipal: d.ServicePrincipal, DelegationEnabledTime: d.RegisteredTime})
			}
		}
		return nil
	})
	return out, err
}
