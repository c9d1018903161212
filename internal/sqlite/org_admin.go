package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

// orgAdminColumns are the columns scanOrgAdmin reads.
const orgAdminColumns = `org_id, region, account_id, graph_arn, delegation_time, auto_enable`

const (
	orgAdminQuery = `SELECT ` + orgAdminColumns + ` FROM organization_admins
		WHERE org_id = ? AND region = ?`
	// orgAdminByGraphQuery reads the organization_admins_graph index. The
	// schema does not make a graph's designation unique, so the order
	// makes the answer the same on every store if it ever is not.
	orgAdminByGraphQuery = `SELECT ` + orgAdminColumns + ` FROM organization_admins
		WHERE graph_arn = ? ORDER BY org_id, region LIMIT 1`
	// orgAdminsQuery walks the primary key, so the rows come in region
	// order without a sort.
	orgAdminsQuery = `SELECT ` + orgAdminColumns + ` FROM organization_admins
		WHERE org_id = ? ORDER BY region`
	putOrgAdminQuery = `INSERT INTO organization_admins (` + orgAdminColumns + `)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (org_id, region) DO UPDATE SET
			account_id = excluded.account_id, graph_arn = excluded.graph_arn,
			delegation_time = excluded.delegation_time, auto_enable = excluded.auto_enable`
	deleteOrgAdminQuery = `DELETE FROM organization_admins WHERE org_id = ? AND region = ?`
)

// OrgAdmin returns org's Detective administrator in region, or
// KindNotFound.
func (t *tx) OrgAdmin(ctx context.Context, org, region string) (detective.OrgAdmin, error) {
	a, err := scanOrgAdmin(t.stmt(ctx, &t.st.orgAdmin).QueryRowContext(ctx, org, region))
	if errors.Is(err, sql.ErrNoRows) {
		return detective.OrgAdmin{}, detective.NotFound("Organization %s has no Detective administrator in %s", org, region)
	}
	if err != nil {
		return detective.OrgAdmin{}, wrap("org admin", err)
	}
	return a, nil
}

// OrgAdminByGraph returns the designation whose organization behavior
// graph is graph, or KindNotFound.
func (t *tx) OrgAdminByGraph(ctx context.Context, graph arn.ARN) (detective.OrgAdmin, error) {
	a, err := scanOrgAdmin(t.stmt(ctx, &t.st.orgAdminByGraph).QueryRowContext(ctx, graph.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return detective.OrgAdmin{}, detective.NotFound("The behavior graph %s is not an organization behavior graph", graph)
	}
	if err != nil {
		return detective.OrgAdmin{}, wrap("org admin by graph", err)
	}
	return a, nil
}

// OrgAdmins returns org's designations in every region, ordered by region.
func (t *tx) OrgAdmins(ctx context.Context, org string) ([]detective.OrgAdmin, error) {
	rows, err := t.stmt(ctx, &t.st.orgAdmins).QueryContext(ctx, org)
	if err != nil {
		return nil, wrap("org admins", err)
	}
	defer rows.Close()
	var out []detective.OrgAdmin
	for rows.Next() {
		a, err := scanOrgAdmin(rows)
		if err != nil {
			return nil, wrap("org admins", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("org admins", err)
	}
	return out, nil
}

// PutOrgAdmin inserts or replaces the designation of (a.Org, a.Region),
// every field.
func (t *tx) PutOrgAdmin(ctx context.Context, a detective.OrgAdmin) error {
	if _, err := t.stmt(ctx, &t.st.putOrgAdmin).ExecContext(ctx, a.Org, a.Region, string(a.Account),
		a.Graph.String(), millis(a.DelegationTime), a.AutoEnable); err != nil {
		return wrap("put org admin", err)
	}
	return nil
}

// DeleteOrgAdmin removes the designation of (org, region); absent is not
// an error.
func (t *tx) DeleteOrgAdmin(ctx context.Context, org, region string) error {
	if _, err := t.stmt(ctx, &t.st.deleteOrgAdmin).ExecContext(ctx, org, region); err != nil {
		return wrap("delete org admin", err)
	}
	return nil
}

func scanOrgAdmin(row interface{ Scan(...any) error }) (detective.OrgAdmin, error) {
	var (
		a              detective.OrgAdmin
		account, graph string
		delegated      int64
	)
	if err := row.Scan(&a.Org, &a.Region, &account, &graph, &delegated, &a.AutoEnable); err != nil {
		return detective.OrgAdmin{}, err
	}
	g, err := arn.Parse(graph)
	if err != nil {
		return detective.OrgAdmin{}, fmt.Errorf("stored graph ARN: %w", err)
	}
	a.Account, a.Graph, a.DelegationTime = detective.AccountID(account), g, fromMillis(delegated)
	return a, nil
}
