package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

// MemberVolume returns the sum of VolumeBytes over the STARTED package
// states of graph's members whose stored Status is status: the running
// total that migration 0007's triggers keep with every write to members.
func (t *tx) MemberVolume(ctx context.Context, graph arn.ARN, status detective.MemberStatus) (int64, error) {
	var v int64
	err := t.tx.QueryRow(ctx, `SELECT started_volume FROM member_totals WHERE graph_arn = $1 AND status = $2`,
		graph.String(), string(status)).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil // no member of graph ever had status
	}
	if err != nil {
		return 0, wrap("member volume", err)
	}
	return v, nil
}

// MembersWithStatus returns graph's members whose stored Status is status,
// in account order.
func (t *tx) MembersWithStatus(ctx context.Context, graph arn.ARN, status detective.MemberStatus) ([]detective.Member, error) {
	rows, _ := t.tx.Query(ctx, `SELECT `+memberColumns+` FROM members
		WHERE graph_arn = $1 AND status = $2 ORDER BY account_id`, graph.String(), string(status))
	out, err := pgx.CollectRows(rows, scanMember)
	if err != nil {
		return nil, wrap("members with status", err)
	}
	return out, nil
}
