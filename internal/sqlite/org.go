package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// The organization queries are not prepared: they run a few times per
// Organizations call, which is rare next to Detective's traffic, and
// keeping them here leaves the prepared set of tx.go alone.

const orgColumns = `id, management, feature_set, root_id, created_time, last_event_seq`

func scanOrganization(row scanner) (world.Organization, error) {
	var (
		o              world.Organization
		management, fs string
		created        int64
	)
	if err := row.Scan(&o.ID, &management, &fs, &o.RootID, &created, &o.LastEventSeq); err != nil {
		return world.Organization{}, err
	}
	o.Management, o.FeatureSet, o.CreatedTime = detective.AccountID(management), world.FeatureSet(fs), fromMillis(created)
	return o, nil
}

// Organization returns the organization with the given ID, or KindNotFound.
func (t *tx) Organization(ctx context.Context, id string) (world.Organization, error) {
	o, err := scanOrganization(t.tx.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organizations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return world.Organization{}, detective.NotFound("The organization %s does not exist", id)
	}
	if err != nil {
		return world.Organization{}, wrap("organization", err)
	}
	return o, nil
}

// LockOrganization is Organization: every SQLite write already holds the
// database's write lock (BEGIN IMMEDIATE).
func (t *tx) LockOrganization(ctx context.Context, id string) (world.Organization, error) {
	return t.Organization(ctx, id)
}

// CreateOrganization inserts o, or returns KindConflict.
func (t *tx) CreateOrganization(ctx context.Context, o world.Organization) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO organizations (`+orgColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
		o.ID, string(o.Management), string(o.FeatureSet), o.RootID, millis(o.CreatedTime), o.LastEventSeq)
	if isConflict(err) {
		return detective.Conflict("Account %s already manages an organization, or the organization %s exists", o.Management, o.ID)
	}
	if err != nil {
		return wrap("create organization", err)
	}
	return nil
}

// UpdateOrganization replaces the stored organization o.ID.
func (t *tx) UpdateOrganization(ctx context.Context, o world.Organization) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE organizations SET management = ?, feature_set = ?, root_id = ?,
		created_time = ?, last_event_seq = ? WHERE id = ?`,
		string(o.Management), string(o.FeatureSet), o.RootID, millis(o.CreatedTime), o.LastEventSeq, o.ID)
	if isConflict(err) {
		return detective.Conflict("Account %s already manages an organization", o.Management)
	}
	return rowsAffected(res, err, "update organization", "The organization %s does not exist", o.ID)
}

// DeleteOrganization deletes the organization; what belongs to it goes by
// ON DELETE CASCADE.
func (t *tx) DeleteOrganization(ctx context.Context, id string) error {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM organizations WHERE id = ?`, id)
	return rowsAffected(res, err, "delete organization", "The organization %s does not exist", id)
}

// ListOrganizations returns one page of organizations ordered by ID.
func (t *tx) ListOrganizations(ctx context.Context, after string, n int) ([]world.Organization, error) {
	return queryAll(ctx, t, "list organizations", scanOrganization,
		`SELECT `+orgColumns+` FROM organizations WHERE id > ? ORDER BY id LIMIT ?`, after, limit(n))
}

const orgAccountColumns = `org_id, account_id, name, method, joined_time, status`

func scanOrgAccount(row scanner) (world.OrgAccount, error) {
	var (
		a                       world.OrgAccount
		account, method, status string
		joined                  int64
	)
	if err := row.Scan(&a.Org, &account, &a.Name, &method, &joined, &status); err != nil {
		return world.OrgAccount{}, err
	}
	a.Account, a.Method, a.JoinedTime, a.Status = detective.AccountID(account), world.JoinedMethod(method),
		fromMillis(joined), world.OrgAccountStatus(status)
	return a, nil
}

// OrgAccount returns account's membership, or KindNotFound.
func (t *tx) OrgAccount(ctx context.Context, account detective.AccountID) (world.OrgAccount, error) {
	a, err := scanOrgAccount(t.tx.QueryRowContext(ctx,
		`SELECT `+orgAccountColumns+` FROM org_accounts WHERE account_id = ?`, string(account)))
	if errors.Is(err, sql.ErrNoRows) {
		return world.OrgAccount{}, detective.NotFound("Account %s is not in an organization", account)
	}
	if err != nil {
		return world.OrgAccount{}, wrap("org account", err)
	}
	return a, nil
}

// PutOrgAccount inserts or replaces a membership; KindConflict if the
// account belongs to another organization.
func (t *tx) PutOrgAccount(ctx context.Context, a world.OrgAccount) error {
	res, err := t.tx.ExecContext(ctx, `INSERT INTO org_accounts (`+orgAccountColumns+`) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id) DO UPDATE SET name = excluded.name, method = excluded.method,
			joined_time = excluded.joined_time, status = excluded.status
		WHERE org_accounts.org_id = excluded.org_id`,
		a.Org, string(a.Account), a.Name, string(a.Method), millis(a.JoinedTime), string(a.Status))
	if err != nil {
		return wrap("put org account", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrap("put org account", err)
	} else if n == 0 {
		return detective.Conflict("Account %s is already in another organization", a.Account)
	}
	return nil
}

// DeleteOrgAccount removes a membership; the account's registrations go
// by ON DELETE CASCADE and its tags here.
func (t *tx) DeleteOrgAccount(ctx context.Context, org string, account detective.AccountID) error {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM org_accounts WHERE org_id = ? AND account_id = ?`, org, string(account))
	if err := rowsAffected(res, err, "delete org account", "Account %s is not in the organization", account); err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM org_tags WHERE org_id = ? AND resource_id = ?`, org, string(account)); err != nil {
		return wrap("delete org account", err)
	}
	return nil
}

// ListOrgAccounts returns one page of org's accounts ordered by ID.
func (t *tx) ListOrgAccounts(ctx context.Context, org string, after detective.AccountID, n int) ([]world.OrgAccount, error) {
	return queryAll(ctx, t, "list org accounts", scanOrgAccount,
		`SELECT `+orgAccountColumns+` FROM org_accounts WHERE org_id = ? AND account_id > ? ORDER BY account_id LIMIT ?`,
		org, string(after), limit(n))
}

// queryAll runs query and scans every row with scan.
func queryAll[T any](ctx context.Context, t *tx, op string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return out, nil
}

// rowsAffected turns an Exec result into nil, KindNotFound when it touched
// no row, or a wrapped error.
func rowsAffected(res sql.Result, err error, op, notFound string, args ...any) error {
	if err != nil {
		return wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(op, err)
	}
	if n == 0 {
		return detective.NotFound(notFound, args...)
	}
	return nil
}
