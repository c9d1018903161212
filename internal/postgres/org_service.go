package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// PutServiceAccess inserts or replaces a trusted service.
func (t *tx) PutServiceAccess(ctx context.Context, a world.ServiceAccess) error {
	if _, err := t.tx.Exec(ctx, `INSERT INTO service_access (org_id, principal, enabled_time) VALUES ($1, $2, $3)
		ON CONFLICT (org_id, principal) DO UPDATE SET enabled_time = excluded.enabled_time`,
		a.Org, a.ServicePrincipal, storedTime(a.EnabledTime)); err != nil {
		return wrap("put service access", err)
	}
	return nil
}

// DeleteServiceAccess removes a trusted service, if present.
func (t *tx) DeleteServiceAccess(ctx context.Context, org, principal string) error {
	if _, err := t.tx.Exec(ctx, `DELETE FROM service_access WHERE org_id = $1 AND principal = $2`, org, principal); err != nil {
		return wrap("delete service access", err)
	}
	return nil
}

// ListServiceAccess returns one page of org's trusted services.
func (t *tx) ListServiceAccess(ctx context.Context, org, after string, n int) ([]world.ServiceAccess, error) {
	rows, _ := t.tx.Query(ctx, `SELECT org_id, principal, enabled_time FROM service_access
		WHERE org_id = $1 AND principal > $2 ORDER BY principal LIMIT $3`, org, after, limit(n))
	as, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (world.ServiceAccess, error) {
		var a world.ServiceAccess
		err := row.Scan(&a.Org, &a.ServicePrincipal, &a.EnabledTime)
		a.EnabledTime = a.EnabledTime.UTC()
		return a, err
	})
	if err != nil {
		return nil, wrap("list service access", err)
	}
	return as, nil
}

// PutDelegatedAdmin inserts or replaces a registration.
func (t *tx) PutDelegatedAdmin(ctx context.Context, d world.DelegatedAdmin) error {
	if _, err := t.tx.Exec(ctx, `INSERT INTO delegated_admins (org_id, account_id, principal, registered_time)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (org_id, account_id, principal) DO UPDATE SET registered_time = excluded.registered_time`,
		d.Org, string(d.Account), d.ServicePrincipal, storedTime(d.RegisteredTime)); err != nil {
		return wrap("put delegated admin", err)
	}
	return nil
}

// DeleteDelegatedAdmin removes a registration, or returns KindNotFound.
func (t *tx) DeleteDelegatedAdmin(ctx context.Context, org string, account detective.AccountID, principal string) error {
	tag, err := t.tx.Exec(ctx, `DELETE FROM delegated_admins WHERE org_id = $1 AND account_id = $2 AND principal = $3`,
		org, string(account), principal)
	if err != nil {
		return wrap("delete delegated admin", err)
	}
	if tag.RowsAffected() == 0 {
		return detective.NotFound("Account %s is not a delegated administrator for %s", account, principal)
	}
	return nil
}

// ListDelegatedAdmins returns one page of the registrations p selects.
func (t *tx) ListDelegatedAdmins(ctx context.Context, p world.ListDelegatedAdminsParams) ([]world.DelegatedAdmin, error) {
	rows, _ := t.tx.Query(ctx, `SELECT org_id, account_id, principal, registered_time FROM delegated_admins
		WHERE org_id = $1 AND ($2 = '' OR account_id = $2) AND ($3 = '' OR principal = $3)
			AND (account_id, principal) > ($4, $5)
		ORDER BY account_id, principal LIMIT $6`,
		p.Org, string(p.Account), p.Principal, string(p.AfterAccount), p.AfterPrincipal, limit(p.Limit))
	ds, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (world.DelegatedAdmin, error) {
		var (
			d       world.DelegatedAdmin
			account string
		)
		err := row.Scan(&d.Org, &account, &d.ServicePrincipal, &d.RegisteredTime)
		d.Account, d.RegisteredTime = detective.AccountID(account), d.RegisteredTime.UTC()
		return d, err
	})
	if err != nil {
		return nil, wrap("list delegated admins", err)
	}
	return ds, nil
}

// OrgTags returns resource's tags ordered by key.
func (t *tx) OrgTags(ctx context.Context, org, resource string) ([]world.OrgTag, error) {
	rows, _ := t.tx.Query(ctx, `SELECT key, value FROM org_tags WHERE org_id = $1 AND resource_id = $2 ORDER BY key`, org, resource)
	tags, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (world.OrgTag, error) {
		var tag world.OrgTag
		return tag, row.Scan(&tag.Key, &tag.Value)
	})
	if err != nil {
		return nil, wrap("org tags", err)
	}
	if tags == nil {
		tags = []world.OrgTag{}
	}
	return tags, nil
}

// PutOrgTags adds or overwrites tags on resource in one round trip.
func (t *tx) PutOrgTags(ctx context.Context, org, resource string, tags []world.OrgTag) error {
	if len(tags) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, tag := range tags {
		b.Queue(`INSERT INTO org_tags (org_id, resource_id, key, value) VALUES ($1, $2, $3, $4)
			ON CONFLICT (org_id, resource_id, key) DO UPDATE SET value = excluded.value`, org, resource, tag.Key, tag.Value)
	}
	if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
		return wrap("put org tags", err)
	}
	return nil
}

// DeleteOrgTags removes keys from resource.
func (t *tx) DeleteOrgTags(ctx context.Context, org, resource string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	if _, err := t.tx.Exec(ctx, `DELETE FROM org_tags WHERE org_id = $1 AND resource_id = $2 AND key = ANY($3)`,
		org, resource, keys); err != nil {
		return wrap("delete org tags", err)
	}
	return nil
}
