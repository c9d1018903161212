package postgres

import (
	"context"

	"github.com/detective-local/detective-local/internal/detective"
)

// CountInvestigations counts investigations per stored status, over every
// graph: what the metrics endpoint reports.
func (t *tx) CountInvestigations(ctx context.Context) (map[detective.InvestigationStatus]int, error) {
	rows, err := t.tx.Query(ctx, `SELECT status, count(*) FROM investigations GROUP BY status`)
	if err != nil {
		return nil, wrap("count investigations", err)
	}
	defer rows.Close()
	out := map[detective.InvestigationStatus]int{}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, wrap("count investigations", err)
		}
		out[detective.InvestigationStatus(status)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("count investigations", err)
	}
	return out, nil
}
