package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

// orgAdminColumns are the columns scanOrgAdmin reads.
const orgAdminColumns = `org_id, region, account_id, graph_arn, delegation_time, auto_enable`

func scanOrgAdmin(row pgx.CollectableRow) (detective.OrgAdmin, error) {
	var (
		a              detective.OrgAdmin
		account, graph string
	)
	if err := row.Scan(&a.Org, &a.Region, &account, &graph, &a.DelegationTime, &a.AutoEnable); err != nil {
		return detective.OrgAdmin{}, err
	}
	g, err := arn.Parse(graph)
	if err != nil {
		return detective.OrgAdmin{}, err
	}
	// pgx returns timestamptz in the local zone; the domain works in UTC.
	a.Account, a.Graph, a.DelegationTime = detective.AccountID(account), g, a.DelegationTime.UTC()
	return a, nil
}

// OrgAdmin returns org's Detective administrator in region, or
// KindNotFound.
func (t *tx) OrgAdmin(ctx context.Context, org, region string) (detective.OrgAdmin, error) {
	rows, _ := t.tx.Query(ctx, `SELECT `+orgAdminColumns+` FROM organization_admins
		WHERE org_id = $1 AND region = $2`, org, region)
	a, err := pgx.CollectExactlyOneRow(rows, scanOrgAdmin)
	if errors.Is(err, pgx.ErrNoRows) {
		return detective.OrgAdmin{}, detective.NotFound("Organization %s has no Detective administrator in %s", org, region)
	}
	if err != nil {
		return detective.OrgAdmin{}, wrap("org admin", err)
	}
	return a, nil
}

// OrgAdminByGraph returns the designation whose organization behavior
// graph is graph, or KindNotFound. The schema does not make a graph's
// designation unique, so the order makes the answer the same on every
// store if it ever is not.
func (t *tx) OrgAdminByGraph(ctx context.Context, graph arn.ARN) (detective.OrgAdmin, error) {
	rows, _ := t.tx.Query(ctx, `SELECT `+orgAdminColumns+` FROM organization_admins
		WHERE graph_arn = $1 ORDER BY org_id, region LIMIT 1`, graph.String())
	a, err := pgx.CollectExactlyOneRow(rows, scanOrgAdmin)
	if errors.Is(err, pgx.ErrNoRows) {
		return detective.OrgAdmin{}, detective.NotFound("The behavior graph %s is not an organization behavior graph", graph)
	}
	if err != nil {
		return detective.OrgAdmin{}, wrap("org admin by graph", err)
	}
	return a, nil
}

// OrgAdmins returns org's designations in every region, ordered by region.
func (t *tx) OrgAdmins(ctx context.Context, org string) ([]detective.OrgAdmin, error) {
	rows, _ := t.tx.Query(ctx, `SELECT `+orgAdminColumns+` FROM organization_admins
		WHERE org_id = $1 ORDER BY region`, org)
	out, err := pgx.CollectRows(rows, scanOrgAdmin)
	if err != nil {
		return nil, wrap("org admins", err)
	}
	return out, nil
}

// PutOrgAdmin inserts or replaces the designation of (a.Org, a.Region),
// every field.
func (t *tx) PutOrgAdmin(ctx context.Context, a detective.OrgAdmin) error {
	if _, err := t.tx.Exec(ctx, `INSERT INTO organization_admins (`+orgAdminColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (org_id, region) DO UPDATE SET
			account_id = excluded.account_id, graph_arn = excluded.graph_arn,
			delegation_time = excluded.delegation_time, auto_enable = excluded.auto_enable`,
		a.Org, a.Region, string(a.Account), a.Graph.String(), storedTime(a.DelegationTime), a.AutoEnable); err != nil {
		return wrap("put org admin", err)
	}
	return nil
}

// DeleteOrgAdmin removes the designation of (org, region); absent is not
// an error.
func (t *tx) DeleteOrgAdmin(ctx context.Context, org, region string) error {
	if _, err := t.tx.Exec(ctx, `DELETE FROM organization_admins WHERE org_id = $1 AND region = $2`,
		org, region); err != nil {
		return wrap("delete org admin", err)
	}
	return nil
}
