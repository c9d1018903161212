package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

const orgColumns = `id, management, feature_set, root_id, created_time, last_event_seq`

func scanOrganization(row pgx.Row) (world.Organization, error) {
	var (
		o              world.Organization
		management, fs string
	)
	if err := row.Scan(&o.ID, &management, &fs, &o.RootID, &o.CreatedTime, &o.LastEventSeq); err != nil {
		return world.Organization{}, err
	}
	o.Management, o.FeatureSet, o.CreatedTime = detective.AccountID(management), world.FeatureSet(fs), o.CreatedTime.UTC()
	return o, nil
}

func (t *tx) oneOrganization(ctx context.Context, op, id, query string) (world.Organization, error) {
	o, err := scanOrganization(t.tx.QueryRow(ctx, query, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return world.Organization{}, detective.NotFound("The organization %s does not exist", id)
	}
	if err != nil {
		return world.Organization{}, wrap(op, err)
	}
	return o, nil
}

// Organization returns the organization with the given ID, or KindNotFound.
func (t *tx) Organization(ctx context.Context, id string) (world.Organization, error) {
	return t.oneOrganization(ctx, "organization", id, `SELECT `+orgColumns+` FROM organizations WHERE id = $1`)
}

// LockOrganization is Organization holding the row lock until the
// transaction ends: the organization's writers, on any replica, take turns.
func (t *tx) LockOrganization(ctx context.Context, id string) (world.Organization, error) {
	return t.oneOrganization(ctx, "lock organization", id, `SELECT `+orgColumns+` FROM organizations WHERE id = $1 FOR UPDATE`)
}

// CreateOrganization inserts o, or returns KindConflict. ON CONFLICT DO
// NOTHING keeps the transaction usable after a conflict, as on SQLite.
func (t *tx) CreateOrganization(ctx context.Context, o world.Organization) error {
	tag, err := t.tx.Exec(ctx, `INSERT INTO organizations (`+orgColumns+`) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT DO NOTHING`,
		o.ID, string(o.Management), string(o.FeatureSet), o.RootID, storedTime(o.CreatedTime), o.LastEventSeq)
	if err != nil {
		return wrap("create organization", err)
	}
	if tag.RowsAffected() == 0 {
		return detective.Conflict("Account %s already manages an organization, or the organization %s exists", o.Management, o.ID)
	}
	return nil
}

// UpdateOrganization replaces the stored organization o.ID.
func (t *tx) UpdateOrganization(ctx context.Context, o world.Organization) error {
	tag, err := t.tx.Exec(ctx, `UPDATE organizations SET management = $2, feature_set = $3, root_id = $4,
		created_time = $5, last_event_seq = $6 WHERE id = $1`,
		o.ID, string(o.Management), string(o.FeatureSet), o.RootID, storedTime(o.CreatedTime), o.LastEventSeq)
	if err != nil {
		return wrap("update organization", err)
	}
	if tag.RowsAffected() == 0 {
		return detective.NotFound("The organization %s does not exist", o.ID)
	}
	return nil
}

// DeleteOrganization deletes the organization; what belongs to it goes by
// ON DELETE CASCADE.
func (t *tx) DeleteOrganization(ctx context.Context, id string) error {
	tag, err := t.tx.Exec(ctx, `DELETE FROM organizations WHERE id = $1`, id)
	if err != nil {
		return wrap("delete organization", err)
	}
	if tag.RowsAffected() == 0 {
		return detective.NotFound("The organization %s does not exist", id)
	}
	return nil
}

// ListOrganizations returns one page of organizations ordered by ID.
func (t *tx) ListOrganizations(ctx context.Context, after string, n int) ([]world.Organization, error) {
	rows, _ := t.tx.Query(ctx, `SELECT `+orgColumns+` FROM organizations WHERE id > $1 ORDER BY id LIMIT $2`, after, limit(n))
	os, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (world.Organization, error) { return scanOrganization(row) })
	if err != nil {
		return nil, wrap("list organizations", err)
	}
	return os, nil
}

const orgAccountColumns = `org_id, account_id, name, method, joined_time, status`

func scanOrgAccount(row pgx.Row) (world.OrgAccount, error) {
	var (
		a                       world.OrgAccount
		account, method, status string
	)
	if err := row.Scan(&a.Org, &account, &a.Name, &method, &a.JoinedTime, &status); err != nil {
		return world.OrgAccount{}, err
	}
	a.Account, a.Method, a.JoinedTime, a.Status = detective.AccountID(account), world.JoinedMethod(method),
		a.JoinedTime.UTC(), world.OrgAccountStatus(status)
	return a, nil
}

// OrgAccount returns account's membership, or KindNotFound.
func (t *tx) OrgAccount(ctx context.Context, account detective.AccountID) (world.OrgAccount, error) {
	a, err := scanOrgAccount(t.tx.QueryRow(ctx, `SELECT `+orgAccountColumns+` FROM org_accounts WHERE account_id = $1`, string(account)))
	if errors.Is(err, pgx.ErrNoRows) {
		return world.OrgAccount{}, detective.NotFound("Account %s is not in an organization", account)
	}
	if err != nil {
		return world.OrgAccount{}, wrap("org account", err)
	}
	return a, nil
}

// PutOrgAccount inserts or replaces a membership; KindConflict if the
// account belongs to another organization. The conditional upsert
// updates nothing then, and waits for a concurrent insert of the same
// account to decide.
func (t *tx) PutOrgAccount(ctx context.Context, a world.OrgAccount) error {
	tag, err := t.tx.Exec(ctx, `INSERT INTO org_accounts (`+orgAccountColumns+`) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (account_id) DO UPDATE SET name = excluded.name, method = excluded.method,
			joined_time = excluded.joined_time, status = excluded.status
		WHERE org_accounts.org_id = excluded.org_id`,
		a.Org, string(a.Account), a.Name, string(a.Method), storedTime(a.JoinedTime), string(a.Status))
	if err != nil {
		return wrap("put org account", err)
	}
	if tag.RowsAffected() == 0 {
		return detective.Conflict("Account %s is already in another organization", a.Account)
	}
	return nil
}

// DeleteOrgAccount removes a membership; the account's registrations go
// by ON DELETE CASCADE and its tags here.
func (t *tx) DeleteOrgAccount(ctx context.Context, org string, account detective.AccountID) error {
	tag, err := t.tx.Exec(ctx, `DELETE FROM org_accounts WHERE org_id = $1 AND account_id = $2`, org, string(account))
	if err != nil {
		return wrap("delete org account", err)
	}
	if tag.RowsAffected() == 0 {
		return detective.NotFound("Account %s is not in the organization", account)
	}
	if _, err := t.tx.Exec(ctx, `DELETE FROM org_tags WHERE org_id = $1 AND resource_id = $2`, org, string(account)); err != nil {
		return wrap("delete org account", err)
	}
	return nil
}

// ListOrgAccounts returns one page of org's accounts ordered by ID.
func (t *tx) ListOrgAccounts(ctx context.Context, org string, after detective.AccountID, n int) ([]world.OrgAccount, error) {
	rows, _ := t.tx.Query(ctx, `SELECT `+orgAccountColumns+` FROM org_accounts
		WHERE org_id = $1 AND account_id > $2 ORDER BY account_id LIMIT $3`, org, string(after), limit(n))
	as, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (world.OrgAccount, error) { return scanOrgAccount(row) })
	if err != nil {
		return nil, wrap("list org accounts", err)
	}
	return as, nil
}

// optionalTime is t for a nullable column: NULL for the zero time.
func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	s := storedTime(t)
	return &s
}

// fromOptionalTime is the inverse of optionalTime, in UTC.
func fromOptionalTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
