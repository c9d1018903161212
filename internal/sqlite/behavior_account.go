package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/columncodec"
	"github.com/detective-local/detective-local/internal/detective"
)

// AccountSources implements behavior.Store. Both lists come from the
// behavior_api_calls_account index range of the account's hours.
func (s *Store) AccountSources(ctx context.Context, graph arn.ARN, account detective.AccountID, from, to time.Time) (behavior.Sources, error) {
	var out behavior.Sources
	args := []any{behavior.GraphKey(graph), string(account), ms(from), ms(to)}
	for _, q := range []struct {
		column string
		dst    *[]string
	}{{"user_agent", &out.UserAgents}, {"source_ip", &out.SourceIPs}} {
		err := queryRows(ctx, s.read, "account sources", `SELECT DISTINCT `+q.column+` FROM behavior_api_calls
			WHERE graph_key = ? AND account_id = ? AND hour >= ? AND hour < ? ORDER BY 1`, args,
			func(rows *sql.Rows) error {
				var v string
				if err := rows.Scan(&v); err != nil {
					return err
				}
				*q.dst = append(*q.dst, v)
				return nil
			})
		if err != nil {
			return behavior.Sources{}, err
		}
	}
	return out, nil
}

// AccountFirstHour implements behavior.Store.
func (s *Store) AccountFirstHour(ctx context.Context, graph arn.ARN, account detective.AccountID) (time.Time, bool, error) {
	var first sql.NullInt64
	err := s.read.QueryRowContext(ctx, `SELECT min(hour) FROM behavior_api_calls WHERE graph_key = ? AND account_id = ?`,
		behavior.GraphKey(graph), string(account)).Scan(&first)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("sqlite: account first hour: %w", err)
	}
	return fromMS(first.Int64), first.Valid, nil
}

// GraphFindings implements behavior.Store.
func (s *Store) GraphFindings(ctx context.Context, graph arn.ARN, account detective.AccountID) ([]behavior.FindingRow, error) {
	var out []behavior.FindingRow
	err := queryRows(ctx, s.read, "graph findings", `SELECT id, account_id, region, source, arn, type, title,
		severity, score, created, updated, first_seen, last_seen, entities FROM behavior_findings
		WHERE graph_key = ?1 AND (?2 = '' OR account_id = ?2) ORDER BY id`,
		[]any{behavior.GraphKey(graph), string(account)}, func(rows *sql.Rows) error {
			r := behavior.FindingRow{Graph: graph}
			f := &r.Finding
			var acct, source, entities string
			var created, updated, first, last int64
			if err := rows.Scan(&f.ID, &acct, &r.Region, &source, &f.ARN, &f.Type, &f.Title, &f.Severity,
				&f.SeverityScore, &created, &updated, &first, &last, &entities); err != nil {
				return err
			}
			r.Account, f.Source = detective.AccountID(acct), behavior.FindingSource(source)
			f.CreatedAt, f.UpdatedAt, f.FirstSeen, f.LastSeen = fromMS(created), fromMS(updated), fromMS(first), fromMS(last)
			if err := columncodec.DecodeFindingEntities(entities, f); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	return out, err
}
