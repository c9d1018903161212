package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

const (
	// memberVolumeQuery reads the running total that migration 0007's
	// triggers keep with every write to members.
	memberVolumeQuery = `SELECT started_volume FROM member_totals WHERE graph_arn = ? AND status = ?`
	// membersWithStatusQuery reads the members_status index, whose
	// entries end with the primary key, so they come in account order.
	// Without statistics the planner would walk every member of the
	// graph by primary key instead, for the order.
	membersWithStatusQuery = `SELECT ` + memberColumns + ` FROM members AS m INDEXED BY members_status
		WHERE m.status = ?2 AND m.graph_arn = ?1
		ORDER BY m.account_id`
)

// MemberVolume returns the sum of VolumeBytes over the STARTED package
// states of graph's members whose stored Status is status.
func (t *tx) MemberVolume(ctx context.Context, graph arn.ARN, status detective.MemberStatus) (int64, error) {
	var v int64
	err := t.stmt(ctx, &t.st.memberVolume).QueryRowContext(ctx, graph.String(), string(status)).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil // no member of graph ever had status
	}
	if err != nil {
		return 0, wrap("member volume", err)
	}
	return v, nil
}

// MembersWithStatus returns graph's members whose stored Status is status,
// by account ID.
func (t *tx) MembersWithStatus(ctx context.Context, graph arn.ARN, status detective.MemberStatus) ([]detective.Member, error) {
	rows, err := t.stmt(ctx, &t.st.membersWithStatus).QueryContext(ctx, graph.String(), string(status))
	if err != nil {
		return nil, wrap("members with status", err)
	}
	ms, err := scanMembers(rows, &graph, 0)
	if err != nil {
		return nil, wrap("members with status", err)
	}
	return ms, nil
}
