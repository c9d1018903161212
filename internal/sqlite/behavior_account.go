package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
)

// AccountSources implements behavior.Store. The whole days of [from, to)
// come from behavior_account_sources, a few rows per account and day; the
// hours left at either end from behavior_api_calls.
func (s *Store) AccountSources(ctx context.Context, graph arn.ARN, account detective.AccountID, from, to time.Time) (behavior.Sources, error) {
	gk := behavior.GraphKey(graph)
	set := behavior.NewSourceSet()
	hours := func(from, to time.Time) error {
		if !from.Before(to) {
			return nil
		}
		return queryRows(ctx, s.read, "account sources", `SELECT DISTINCT user_agent, source_ip FROM behavior_api_calls
			WHERE graph_key = ? AND account_id = ? AND hour >= ? AND hour < ?`, []any{gk, string(account), ms(from), ms(to)},
			func(rows *sql.Rows) error {
				var ua, ip string
				if err := rows.Scan(&ua, &ip); err != nil {
					return err
				}
				set.Add(behavior.SourceUserAgent, ua)
				set.Add(behavior.SourceAddress, ip)
				return nil
			})
	}
	daysFrom, daysTo, ok := behavior.SplitDays(from, to)
	if !ok {
		err := hours(from, to)
		return set.Sources(), err
	}
	err := queryRows(ctx, s.read, "account sources", `SELECT DISTINCT kind, value FROM behavior_account_sources
		WHERE graph_key = ? AND account_id = ? AND day >= ? AND day < ?`, []any{gk, string(account), ms(daysFrom), ms(daysTo)},
		func(rows *sql.Rows) error {
			var kind, value string
			if err := rows.Scan(&kind, &value); err != nil {
				return err
			}
			set.Add(behavior.SourceKind(kind), value)
			return nil
		})
	if err == nil {
		err = hours(from, daysFrom)
	}
	if err == nil {
		err = hours(daysTo, to)
	}
	return set.Sources(), err
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
	return s.findingRows(ctx, "graph findings", graph, `SELECT id, account_id, region, source, arn, type, title,
		severity, score, created, updated, first_seen, last_seen, entities FROM behavior_findings
		WHERE graph_key = ?1 AND (?2 = '' OR account_id = ?2) ORDER BY id`, behavior.GraphKey(graph), string(account))
}
