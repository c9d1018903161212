package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/columncodec"
	"github.com/detective-local/detective-local/internal/detective"
)

// memberColumns are the columns scanMembers reads, after any graph ARN.
const memberColumns = `m.account_id, m.email, m.admin, m.invitation_type, m.status,
	m.disabled_reason, m.invited_time, m.updated_time, m.verified_time, m.packages`

const (
	// membersQuery walks the requested accounts in order (CROSS JOIN keeps
	// json_each as the outer loop) and looks each up by primary key: one
	// statement for any number of accounts. ORDER BY j.key is the position
	// in the request.
	membersQuery = `SELECT ` + memberColumns + `
		FROM json_each(?2) AS j CROSS JOIN members AS m
		WHERE m.graph_arn = ?1 AND m.account_id = j.value
		ORDER BY j.key`
	// putMemberQuery leaves packages alone: PutMemberPackages owns them,
	// and a new row starts with none.
	putMemberQuery = `INSERT INTO members (graph_arn, account_id, email, admin, invitation_type, status,
			disabled_reason, invited_time, updated_time, verified_time)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (graph_arn, account_id) DO UPDATE SET
			email = excluded.email, admin = excluded.admin, invitation_type = excluded.invitation_type,
			status = excluded.status, disabled_reason = excluded.disabled_reason,
			invited_time = excluded.invited_time, updated_time = excluded.updated_time,
			verified_time = excluded.verified_time`
	deleteMembersQuery = `DELETE FROM members
		WHERE graph_arn = ?1 AND account_id IN (SELECT value FROM json_each(?2))`
	// countMembersQuery reads the running totals of migration 0007, one
	// row per status, rather than the members.
	countMembersQuery = `SELECT coalesce(sum(members), 0) FROM member_totals
		WHERE graph_arn = ?1 AND status NOT IN (SELECT value FROM json_each(?2))`
	listMembersQuery = `SELECT ` + memberColumns + ` FROM members AS m
		WHERE m.graph_arn = ?1 AND m.account_id > ?2
		ORDER BY m.account_id LIMIT ?3`
	listMembershipsQuery = `SELECT m.graph_arn, ` + memberColumns + `
		FROM members AS m JOIN graphs AS g ON g.arn = m.graph_arn
		WHERE m.account_id = ?1 AND g.region = ?2 AND m.graph_arn > ?3
			AND m.verified_time <= ?4 AND m.status IN (SELECT value FROM json_each(?5))
		ORDER BY m.graph_arn LIMIT ?6`
)

// Members returns the members of graph with the given accounts, in the
// order given; accounts that are not members are omitted.
func (t *tx) Members(ctx context.Context, graph arn.ARN, accounts []detective.AccountID) ([]detective.Member, error) {
	if len(accounts) == 0 {
		return nil, nil
	}
	ids, err := jsonArray(accounts)
	if err != nil {
		return nil, wrap("members", err)
	}
	rows, err := t.stmt(ctx, &t.st.members).QueryContext(ctx, graph.String(), ids)
	if err != nil {
		return nil, wrap("members", err)
	}
	ms, err := scanMembers(rows, &graph, len(accounts))
	if err != nil {
		return nil, wrap("members", err)
	}
	return ms, nil
}

// PutMembers inserts or replaces members, every field but Packages: a new
// member has none, and an existing one keeps its own.
func (t *tx) PutMembers(ctx context.Context, ms []detective.Member) error {
	if len(ms) == 0 {
		return nil
	}
	put := t.stmt(ctx, &t.st.putMember)
	for _, m := range ms {
		_, err := put.ExecContext(ctx, m.Graph.String(), string(m.Account), m.Email, string(m.Admin),
			string(m.Type), string(m.Status), string(m.DisabledReason),
			millis(m.InvitedTime), millis(m.UpdatedTime), millis(m.VerifiedTime))
		if err != nil {
			return wrap("put members", err)
		}
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
	ids, err := jsonArray(accounts)
	if err != nil {
		return wrap("delete members", err)
	}
	if _, err := t.stmt(ctx, &t.st.deleteMembers).ExecContext(ctx, graph.String(), ids); err != nil {
		return wrap("delete members", err)
	}
	return nil
}

// CountMembers counts graph's members whose Status is not in except.
func (t *tx) CountMembers(ctx context.Context, graph arn.ARN, except []detective.MemberStatus) (int, error) {
	statuses, err := jsonArray(except)
	if err != nil {
		return 0, wrap("count members", err)
	}
	var n int
	if err := t.stmt(ctx, &t.st.countMembers).QueryRowContext(ctx, graph.String(), statuses).Scan(&n); err != nil {
		return 0, wrap("count members", err)
	}
	return n, nil
}

// ListMembers returns one page of graph's members by account ID.
func (t *tx) ListMembers(ctx context.Context, p detective.ListMembersParams) ([]detective.Member, error) {
	rows, err := t.stmt(ctx, &t.st.listMembers).QueryContext(ctx, p.Graph.String(), string(p.After), limit(p.Limit))
	if err != nil {
		return nil, wrap("list members", err)
	}
	ms, err := scanMembers(rows, &p.Graph, max(p.Limit, 0))
	if err != nil {
		return nil, wrap("list members", err)
	}
	return ms, nil
}

// ListMemberships returns one page of p.Account's records in graphs of
// p.Region, by graph ARN, that have a status in p.Statuses and settled by
// p.SettledBy.
func (t *tx) ListMemberships(ctx context.Context, p detective.ListMembershipsParams) ([]detective.Member, error) {
	statuses, err := jsonArray(p.Statuses)
	if err != nil {
		return nil, wrap("list memberships", err)
	}
	rows, err := t.stmt(ctx, &t.st.listMemberships).QueryContext(ctx,
		string(p.Account), p.Region, p.After, millis(p.SettledBy), statuses, limit(p.Limit))
	if err != nil {
		return nil, wrap("list memberships", err)
	}
	ms, err := scanMembers(rows, nil, max(p.Limit, 0))
	if err != nil {
		return nil, wrap("list memberships", err)
	}
	return ms, nil
}

// scanMembers reads and closes rows of memberColumns. If graph is nil each
// row starts with its graph ARN; otherwise every row is a member of graph.
func scanMembers(rows *sql.Rows, graph *arn.ARN, capacity int) ([]detective.Member, error) {
	defer rows.Close()
	var ms []detective.Member
	if capacity > 0 {
		ms = make([]detective.Member, 0, min(capacity, 256))
	}
	for rows.Next() {
		var (
			m                          detective.Member
			graphARN, packages         string
			invited, updated, verified int64
		)
		cols := []any{(*string)(&m.Account), &m.Email, (*string)(&m.Admin), (*string)(&m.Type),
			(*string)(&m.Status), (*string)(&m.DisabledReason), &invited, &updated, &verified, &packages}
		if graph == nil {
			cols = append([]any{&graphARN}, cols...)
		}
		if err := rows.Scan(cols...); err != nil {
			return nil, err
		}
		if graph != nil {
			m.Graph = *graph
		} else {
			a, err := arn.Parse(graphARN)
			if err != nil {
				return nil, fmt.Errorf("stored %w", err)
			}
			m.Graph = a
		}
		m.InvitedTime, m.UpdatedTime, m.VerifiedTime = fromMillis(invited), fromMillis(updated), fromMillis(verified)
		ps, err := columncodec.DecodePackages(packages)
		if err != nil {
			return nil, fmt.Errorf("member %s: stored %w", m.Account, err)
		}
		m.Packages = ps
		ms = append(ms, m)
	}
	return ms, rows.Err()
}
