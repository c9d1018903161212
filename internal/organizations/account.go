package organizations

import (
	"context"
	"slices"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// Account is an account of an organization as ListAccounts shows it.
type Account struct {
	ID           detective.AccountID
	ARN          string
	Email        string // "" when the account's root e-mail is unknown
	Name         string // "" when unknown
	Status       world.OrgAccountStatus
	JoinedMethod world.JoinedMethod
	JoinedTime   time.Time
	// Path is the account's path from the organization: o-…/r-…/id/.
	Path string
}

func accountView(ctx context.Context, tx world.Tx, c detective.Caller, o world.Organization, a world.OrgAccount) (Account, error) {
	email, err := rootEmail(ctx, tx, a.Account)
	if err != nil {
		return Account{}, err
	}
	return Account{ID: a.Account, ARN: accountARN(partition(c), o, a.Account), Email: email, Name: a.Name,
		Status: a.Status, JoinedMethod: a.Method, JoinedTime: a.JoinedTime,
		Path: o.ID + "/" + o.RootID + "/" + string(a.Account) + "/"}, nil
}

// ListAccountsInput is ListAccounts' request.
type ListAccountsInput struct {
	NextToken  string
	MaxResults int
}

// ListAccounts returns one page of the organization's accounts, the
// management account included, ordered by ID.
func (s *Service) ListAccounts(ctx context.Context, c detective.Caller, in ListAccountsInput) ([]Account, string, error) {
	return s.listAccounts(ctx, c, "ListAccounts", "", in.NextToken, in.MaxResults)
}

// ListAccountsForParentInput is ListAccountsForParent's request.
type ListAccountsForParentInput struct {
	ParentID   string
	NextToken  string
	MaxResults int
}

// ListAccountsForParent is ListAccounts for the root, the only parent
// there is (organizational units are not served).
func (s *Service) ListAccountsForParent(ctx context.Context, c detective.Caller, in ListAccountsForParentInput) ([]Account, string, error) {
	return s.listAccounts(ctx, c, "ListAccountsForParent", in.ParentID, in.NextToken, in.MaxResults)
}

func (s *Service) listAccounts(ctx context.Context, c detective.Caller, op, parent, token string, max int) ([]Account, string, error) {
	after, err := decodeToken(token, op, parent)
	if err != nil {
		return nil, "", err
	}
	n := pageSize(max)
	var out []Account
	var next string
	err = s.read(ctx, func(tx world.Tx) error {
		m, err := readerOrg(ctx, tx, c)
		if err != nil {
			return err
		}
		if op == "ListAccountsForParent" && parent != m.org.RootID {
			return newError(CodeParentNotFound, "We can't find a root or OU with the ParentId that you specified.")
		}
		rows, err := tx.ListOrgAccounts(ctx, m.org.ID, detective.AccountID(after), n+1)
		if err != nil {
			return err
		}
		rows, next = page(rows, n, op, parent, func(a world.OrgAccount) string { return string(a.Account) })
		out = make([]Account, 0, len(rows))
		for _, a := range rows {
			v, err := accountView(ctx, tx, c, m.org, a)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, next, err
}

// DescribeAccount returns an account of the caller's organization.
func (s *Service) DescribeAccount(ctx context.Context, c detective.Caller, id detective.AccountID) (Account, error) {
	var out Account
	err := s.read(ctx, func(tx world.Tx) error {
		m, err := readerOrg(ctx, tx, c)
		if err != nil {
			return err
		}
		a, err := orgMember(ctx, tx, m.org, id)
		if err != nil {
			return err
		}
		out, err = accountView(ctx, tx, c, m.org, a)
		return err
	})
	return out, err
}

// orgMember returns id's membership of o, or AccountNotFoundException.
func orgMember(ctx context.Context, tx registration, o world.Organization, id detective.AccountID) (world.OrgAccount, error) {
	a, err := tx.OrgAccount(ctx, id)
	if detective.KindOf(err) == detective.KindNotFound || (err == nil && a.Org != o.ID) {
		return world.OrgAccount{}, errAccountNotFound()
	}
	return a, err
}

// CreateAccountInput is CreateAccount's request. RoleName and
// IamUserAccessToBilling are accepted and have no effect: there is no IAM
// here, and AssumeRole works on any role ARN.
type CreateAccountInput struct {
	Email                  string
	AccountName            string
	RoleName               string
	IAMUserAccessToBilling string
	Tags                   []world.OrgTag
}

// CreateAccount creates a new account in the caller's organization. The
// account exists when CreateAccount returns: the request reads
// IN_PROGRESS in its answer, as AWS's always does, and SUCCEEDED (or
// FAILED) from then on. The new account's root e-mail is Email.
func (s *Service) CreateAccount(ctx context.Context, c detective.Caller, in CreateAccountInput) (world.CreateAccountStatus, error) {
	var out world.CreateAccountStatus
	err := s.write(ctx, func(tx world.Tx) error {
		m, err := managementOrg(ctx, tx, c, true)
		if err != nil {
			return err
		}
		now := s.now()
		st := world.CreateAccountStatus{ID: s.ids.CreateAccountRequestID(), Org: m.org.ID, AccountName: in.AccountName,
			Email: in.Email, RequestedTime: now, CompletedTime: now}
		out = st
		out.State, out.CompletedTime = world.CreateAccountInProgress, time.Time{}
		if _, err := tx.AccountByEmail(ctx, in.Email); err == nil {
			st.State, st.FailureReason = world.CreateAccountFailed, "EMAIL_ALREADY_EXISTS"
			return tx.PutCreateAccountStatus(ctx, st)
		} else if detective.KindOf(err) != detective.KindNotFound {
			return err
		}
		id, err := s.newAccountID(ctx, tx)
		if err != nil {
			return err
		}
		if err := tx.PutAccount(ctx, world.Account{ID: id, RootEmail: in.Email}); err != nil {
			return err
		}
		if err := s.join(ctx, tx, &m.org, world.OrgAccount{Account: id, Name: in.AccountName, Method: world.JoinedCreated}); err != nil {
			return err
		}
		if err := tx.PutOrgTags(ctx, m.org.ID, string(id), in.Tags); err != nil {
			return err
		}
		st.State, st.Account = world.CreateAccountSucceeded, id
		if err := tx.PutCreateAccountStatus(ctx, st); err != nil {
			return err
		}
		return tx.UpdateOrganization(ctx, m.org)
	})
	return out, err
}

// newAccountID returns an account ID nothing is known about yet.
func (s *Service) newAccountID(ctx context.Context, tx world.Tx) (detective.AccountID, error) {
	for range 100 {
		id := s.ids.AccountID()
		_, err := tx.Account(ctx, id)
		if detective.KindOf(err) != detective.KindNotFound {
			if err != nil {
				return "", err
			}
			continue
		}
		if _, err := tx.OrgAccount(ctx, id); detective.KindOf(err) == detective.KindNotFound {
			return id, nil
		} else if err != nil {
			return "", err
		}
	}
	return "", AsError(detective.Internal(errIDsExhausted))
}

// join adds a to o (a.Org, JoinedTime and Status are set here) and
// records it. The caller holds o's lock and saves o.
func (s *Service) join(ctx context.Context, tx world.Tx, o *world.Organization, a world.OrgAccount) error {
	a.Org, a.JoinedTime, a.Status = o.ID, s.now(), world.OrgAccountActive
	if err := tx.PutOrgAccount(ctx, a); err != nil {
		return err
	}
	return s.record(ctx, tx, o, world.OrgEvent{Type: world.OrgEventAccountJoined, Account: a.Account, Method: a.Method})
}

// DescribeCreateAccountStatus returns a CreateAccount request of the
// caller's organization.
func (s *Service) DescribeCreateAccountStatus(ctx context.Context, c detective.Caller, id string) (world.CreateAccountStatus, error) {
	var out world.CreateAccountStatus
	err := s.read(ctx, func(tx world.Tx) error {
		m, err := managementOrg(ctx, tx, c, false)
		if err != nil {
			return err
		}
		st, err := tx.CreateAccountStatus(ctx, id)
		if detective.KindOf(err) == detective.KindNotFound || (err == nil && st.Org != m.org.ID) {
			return newError(CodeCreateAccountStatusNotFound,
				"We can't find an create account request with the CreateAccountRequestId that you specified.")
		}
		out = st
		return err
	})
	return out, err
}

// ListCreateAccountStatusInput is ListCreateAccountStatus' request.
type ListCreateAccountStatusInput struct {
	States     []world.CreateAccountState // none: every state
	NextToken  string
	MaxResults int
}

// ListCreateAccountStatus returns one page of the organization's
// CreateAccount requests in the given states, ordered by ID.
func (s *Service) ListCreateAccountStatus(ctx context.Context, c detective.Caller, in ListCreateAccountStatusInput) ([]world.CreateAccountStatus, string, error) {
	scope := ""
	for _, st := range in.States {
		scope += string(st) + ","
	}
	after, err := decodeToken(in.NextToken, "ListCreateAccountStatus", scope)
	if err != nil {
		return nil, "", err
	}
	n := pageSize(in.MaxResults)
	var out []world.CreateAccountStatus
	var next string
	err = s.read(ctx, func(tx world.Tx) error {
		m, err := managementOrg(ctx, tx, c, false)
		if err != nil {
			return err
		}
		// Filter while paging: the store pages by ID only, and the
		// organization's requests are few.
		for len(out) <= n {
			rows, err := tx.ListCreateAccountStatuses(ctx, m.org.ID, after, n+1)
			if err != nil {
				return err
			}
			for _, st := range rows {
				if len(in.States) == 0 || slices.Contains(in.States, st.State) {
					out = append(out, st)
				}
			}
			if len(rows) <= n {
				break
			}
			after = rows[len(rows)-1].ID
		}
		out, next = page(out, n, "ListCreateAccountStatus", scope, func(st world.CreateAccountStatus) string { return st.ID })
		return nil
	})
	return out, next, err
}

// RemoveAccountFromOrganization removes a member account from the
// caller's organization.
func (s *Service) RemoveAccountFromOrganization(ctx context.Context, c detective.Caller, id detective.AccountID) error {
	return s.write(ctx, func(tx world.Tx) error {
		m, err := managementOrg(ctx, tx, c, true)
		if err != nil {
			return err
		}
		if _, err := orgMember(ctx, tx, m.org, id); err != nil {
			return err
		}
		return s.leave(ctx, tx, &m.org, id)
	})
}

// LeaveOrganization removes the caller, a member account, from its
// organization.
func (s *Service) LeaveOrganization(ctx context.Context, c detective.Caller) error {
	return s.write(ctx, func(tx world.Tx) error {
		m, err := callerOrg(ctx, tx, c, true)
		if err != nil {
			return err
		}
		return s.leave(ctx, tx, &m.org, c.Account)
	})
}

// leave removes id from o, records it and saves o. The management
// account cannot leave, nor can a delegated administrator.
func (s *Service) leave(ctx context.Context, tx world.Tx, o *world.Organization, id detective.AccountID) error {
	if id == o.Management {
		return newError(CodeMasterCannotLeaveOrganization,
			"You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization of the management account.")
	}
	das, err := tx.ListDelegatedAdmins(ctx, world.ListDelegatedAdminsParams{Org: o.ID, Account: id, Limit: 1})
	if err != nil {
		return err
	}
	if len(das) > 0 {
		return constraint("CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG",
			"You cannot remove a delegated administrator account from the organization. Deregister it as a delegated administrator first.")
	}
	if err := tx.DeleteOrgAccount(ctx, o.ID, id); err != nil {
		return err
	}
	if err := s.record(ctx, tx, o, world.OrgEvent{Type: world.OrgEventAccountLeft, Account: id}); err != nil {
		return err
	}
	return tx.UpdateOrganization(ctx, *o)
}

// Parent is a parent of an account: always the root here.
type Parent struct {
	ID   string
	Type string // ROOT
}

// ListParents returns the parent of an account of the organization: its
// root.
func (s *Service) ListParents(ctx context.Context, c detective.Caller, child string, token string) ([]Parent, error) {
	if _, err := decodeToken(token, "ListParents", child); err != nil {
		return nil, err
	}
	var out []Parent
	err := s.read(ctx, func(tx world.Tx) error {
		m, err := readerOrg(ctx, tx, c)
		if err != nil {
			return err
		}
		if _, err := orgMember(ctx, tx, m.org, detective.AccountID(child)); err != nil {
			if AsError(err).Code == CodeAccountNotFound {
				return newError(CodeChildNotFound, "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
			}
			return err
		}
		if token == "" {
			out = []Parent{{ID: m.org.RootID, Type: "ROOT"}}
		}
		return nil
	})
	return out, err
}
