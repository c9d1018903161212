package sqlite

import (
	"context"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// PutServiceAccess inserts or replaces a trusted service.
func (t *tx) PutServiceAccess(ctx context.Context, a world.ServiceAccess) error {
	if _, err := t.tx.ExecContext(ctx, `INSERT OR REPLACE INTO service_access (org_id, principal, enabled_time)
		VALUES (?, ?, ?)`, a.Org, a.ServicePrincipal, millis(a.EnabledTime)); err != nil {
		return wrap("put service access", err)
	}
	return nil
}

// DeleteServiceAccess removes a trusted service, if present.
func (t *tx) DeleteServiceAccess(ctx context.Context, org, principal string) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM service_access WHERE org_id = ? AND principal = ?`, org, principal); err != nil {
		return wrap("delete service access", err)
	}
	return nil
}

func scanServiceAccess(row scanner) (world.ServiceAccess, error) {
	var (
		a       world.ServiceAccess
		enabled int64
	)
	if err := row.Scan(&a.Org, &a.ServicePrincipal, &enabled); err != nil {
		return world.ServiceAccess{}, err
	}
	a.EnabledTime = fromMillis(enabled)
	return a, nil
}

// ListServiceAccess returns one page of org's trusted services.
func (t *tx) ListServiceAccess(ctx context.Context, org, after string, n int) ([]world.ServiceAccess, error) {
	return queryAll(ctx, t, "list service access", scanServiceAccess,
		`SELECT org_id, principal, enabled_time FROM service_access
		WHERE org_id = ? AND principal > ? ORDER BY principal LIMIT ?`, org, after, limit(n))
}

// PutDelegatedAdmin inserts or replaces a registration.
func (t *tx) PutDelegatedAdmin(ctx context.Context, d world.DelegatedAdmin) error {
	if _, err := t.tx.ExecContext(ctx, `INSERT OR REPLACE INTO delegated_admins (org_id, account_id, principal, registered_time)
		VALUES (?, ?, ?, ?)`, d.Org, string(d.Account), d.ServicePrincipal, millis(d.RegisteredTime)); err != nil {
		return wrap("put delegated admin", err)
	}
	return nil
}

// DeleteDelegatedAdmin removes a registration, or returns KindNotFound.
func (t *tx) DeleteDelegatedAdmin(ctx context.Context, org string, account detective.AccountID, principal string) error {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM delegated_admins WHERE org_id = ? AND account_id = ? AND principal = ?`,
		org, string(account), principal)
	return rowsAffected(res, err, "delete delegated admin", "Account %s is not a delegated administrator for %s", account, principal)
}

func scanDelegatedAdmin(row scanner) (world.DelegatedAdmin, error) {
	var (
		d          world.DelegatedAdmin
		account    string
		registered int64
	)
	if err := row.Scan(&d.Org, &account, &d.ServicePrincipal, &registered); err != nil {
		return world.DelegatedAdmin{}, err
	}
	d.Account, d.RegisteredTime = detective.AccountID(account), fromMillis(registered)
	return d, nil
}

// ListDelegatedAdmins returns one page of the registrations p selects.
func (t *tx) ListDelegatedAdmins(ctx context.Context, p world.ListDelegatedAdminsParams) ([]world.DelegatedAdmin, error) {
	return queryAll(ctx, t, "list delegated admins", scanDelegatedAdmin,
		`SELECT org_id, account_id, principal, registered_time FROM delegated_admins
		WHERE org_id = ?1 AND (?2 = '' OR account_id = ?2) AND (?3 = '' OR principal = ?3)
			AND (account_id, principal) > (?4, ?5)
		ORDER BY account_id, principal LIMIT ?6`,
		p.Org, string(p.Account), p.Principal, string(p.AfterAccount), p.AfterPrincipal, limit(p.Limit))
}

// OrgTags returns resource's tags ordered by key.
func (t *tx) OrgTags(ctx context.Context, org, resource string) ([]world.OrgTag, error) {
	tags, err := queryAll(ctx, t, "org tags", func(row scanner) (world.OrgTag, error) {
		var tag world.OrgTag
		return tag, row.Scan(&tag.Key, &tag.Value)
	}, `SELECT key, value FROM org_tags WHERE org_id = ? AND resource_id = ? ORDER BY key`, org, resource)
	if tags == nil && err == nil {
		tags = []world.OrgTag{}
	}
	return tags, err
}

// PutOrgTags adds or overwrites tags on resource.
func (t *tx) PutOrgTags(ctx context.Context, org, resource string, tags []world.OrgTag) error {
	for _, tag := range tags {
		if _, err := t.tx.ExecContext(ctx, `INSERT OR REPLACE INTO org_tags (org_id, resource_id, key, value)
			VALUES (?, ?, ?, ?)`, org, resource, tag.Key, tag.Value); err != nil {
			return wrap("put org tags", err)
		}
	}
	return nil
}

// DeleteOrgTags removes keys from resource.
func (t *tx) DeleteOrgTags(ctx context.Context, org, resource string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	ks, err := jsonArray(keys)
	if err != nil {
		return wrap("delete org tags", err)
	}
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM org_tags WHERE org_id = ? AND resource_id = ?
		AND key IN (SELECT value FROM json_each(?))`, org, resource, ks); err != nil {
		return wrap("delete org tags", err)
	}
	return nil
}
