package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/columncodec"
	"github.com/detective-local/detective-local/internal/detective"
)

// putMemberColumns are the columns PutMembers writes: all but packages,
// which PutMemberPackages owns.
const putMemberColumns = `graph_arn, account_id, email, admin, invitation_type, status,
	disabled_reason, invited_time, updated_time, verified_time`

// memberColumns are the columns scanMember reads.
const memberColumns = putMemberColumns + `, packages`

func scanMember(row pgx.CollectableRow) (detective.Member, error) {
	var (
		m                                                detective.Member
		graph, account, admin, typ, status, dr, packages string
	)
	if err := row.Scan(&graph, &account, &m.Email, &admin, &typ, &status, &dr,
		&m.InvitedTime, &m.UpdatedTime, &m.VerifiedTime, &packages); err != nil {
		return detective.Member{}, err
	}
	g, err := arn.Parse(graph)
	if err != nil {
		return detective.Member{}, err
	}
	m.Graph, m.Account, m.Admin = g, detective.AccountID(account), detective.AccountID(admin)
	m.Type, m.Status, m.DisabledReason = detective.InvitationType(typ), detective.MemberStatus(status), detective.DisabledReason(dr)
	// pgx returns timestamptz in the local zone; the domain works in UTC.
	m.InvitedTime, m.UpdatedTime, m.VerifiedTime = m.InvitedTime.UTC(), m.UpdatedTime.UTC(), m.VerifiedTime.UTC()
	if m.Packages, err = columncodec.DecodePackages(packages); err != nil {
		return detective.Member{}, fmt.Errorf("member %s: stored %w", m.Account, err)
	}
	return m, nil
}

// Members fetches the accounts in one query and puts them in the requested
// order here: SQL would need WITH ORDINALITY for that, and the order is the
// caller's, not the data's. An account requested twice is returned once.
func (t *tx) Members(ctx context.Context, graph arn.ARN, accounts []detective.AccountID) ([]detective.Member, error) {
	if len(accounts) == 0 {
		return []detective.Member{}, nil
	}
	rows, _ := t.tx.Query(ctx,
		`SELECT `+memberColumns+` FROM members WHERE graph_arn = $1 AND account_id = ANY($2)`,
		graph.String(), texts(accounts))
	found, err := pgx.CollectRows(rows, scanMember)
	if err != nil {
		return nil, wrap("members", err)
	}
	byID := make(map[detective.AccountID]detective.Member, len(found))
	for _, m := range found {
		byID[m.Account] = m
	}
	out := make([]detective.Member, 0, len(found))
	for _, id := range accounts {
		if m, ok := byID[id]; ok {
			out = append(out, m)
			delete(byID, id)
		}
	}
	return out, nil
}

// PutMembers upserts every member in one round trip, every field but
// Packages: a new member has none, and an existing one keeps its own. A
// batch of single-row upserts rather than one multi-row INSERT: the latter
// fails outright when ms names one (graph, account) twice, where "insert
// or replace" means the last one wins.
func (t *tx) PutMembers(ctx context.Context, ms []detective.Member) error {
	if len(ms) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, m := range ms {
		b.Queue(`INSERT INTO members (`+putMemberColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (graph_arn, account_id) DO UPDATE SET
				email = excluded.email, admin = excluded.admin,
				invitation_type = excluded.invitation_type, status = excluded.status,
				disabled_reason = excluded.disabled_reason, invited_time = excluded.invited_time,
				updated_time = excluded.updated_time, verified_time = excluded.verified_time`,
			m.Graph.String(), string(m.Account), m.Email, string(m.Admin), string(m.Type),
			string(m.Status), string(m.DisabledReason),
			storedTime(m.InvitedTime), storedTime(m.UpdatedTime), storedTime(m.VerifiedTime))
	}
	if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
		return wrap("put members", err)
	}
	return nil
}

// DeleteMembers removes the given accounts from graph, with their package
// states (a column of the row), so that a re-invited account starts
// afresh; absent ones are ignored.
func (t *tx) DeleteMembers(ctx context.Context, graph arn.ARN, accounts []detective.AccountID) error {
	if len(accounts) == 0 {
		return nil
	}
	if _, err := t.tx.Exec(ctx, `DELETE FROM members WHERE graph_arn = $1 AND account_id = ANY($2)`,
		graph.String(), texts(accounts)); err != nil {
		return wrap("delete members", err)
	}
	return nil
}

// CountMembers counts graph's members whose status is not in except.
func (t *tx) CountMembers(ctx context.Context, graph arn.ARN, except []detective.MemberStatus) (int, error) {
	var n int64
	// texts never returns nil: pgx sends a nil slice as NULL, and
	// NOT (status = ANY(NULL)) is NULL, which would count nothing.
	// It reads the running totals of migration 0007, one row per status,
	// rather than the members.
	err := t.tx.QueryRow(ctx, `SELECT coalesce(sum(members), 0)::bigint FROM member_totals
		WHERE graph_arn = $1 AND NOT (status = ANY($2))`,
		graph.String(), texts(except)).Scan(&n)
	if err != nil {
		return 0, wrap("count members", err)
	}
	return int(n), nil
}

// ListMembers returns one page of graph's members in account order.
func (t *tx) ListMembers(ctx context.Context, p detective.ListMembersParams) ([]detective.Member, error) {
	rows, _ := t.tx.Query(ctx,
		`SELECT `+memberColumns+` FROM members
		WHERE graph_arn = $1 AND account_id > $2
		ORDER BY account_id LIMIT $3`,
		p.Graph.String(), string(p.After), limit(p.Limit))
	out, err := pgx.CollectRows(rows, scanMember)
	if err != nil {
		return nil, wrap("list members", err)
	}
	return out, nil
}

// ListMemberships returns one page of p.Account's records in p.Region's
// graphs, in graph order. The region is the graph's, so the join.
func (t *tx) ListMemberships(ctx context.Context, p detective.ListMembershipsParams) ([]detective.Member, error) {
	rows, _ := t.tx.Query(ctx,
		`SELECT m.graph_arn, m.account_id, m.email, m.admin, m.invitation_type, m.status,
			m.disabled_reason, m.invited_time, m.updated_time, m.verified_time, m.packages
		FROM members m JOIN graphs g ON g.arn = m.graph_arn
		WHERE m.account_id = $1 AND g.region = $2 AND m.status = ANY($3)
			AND m.verified_time <= $4 AND m.graph_arn > $5
		ORDER BY m.graph_arn LIMIT $6`,
		string(p.Account), p.Region, texts(p.Statuses), storedTime(p.SettledBy), p.After, limit(p.Limit))
	out, err := pgx.CollectRows(rows, scanMember)
	if err != nil {
		return nil, wrap("list memberships", err)
	}
	return out, nil
}

// texts converts typed IDs or enums to the []string pgx sends as text[].
// It never returns nil, which pgx would send as NULL.
func texts[S ~string](xs []S) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
