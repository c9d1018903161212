package postgres

import (
	"context"
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
		var v string
		err := s.each(ctx, "account sources", `SELECT DISTINCT `+q.column+` FROM behavior_api_calls
			WHERE graph_key = $1 AND account_id = $2 AND hour >= $3 AND hour < $4 ORDER BY 1`, args,
			[]any{&v}, func() error {
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
	var first *int64
	err := s.each(ctx, "account first hour", `SELECT min(hour) FROM behavior_api_calls
		WHERE graph_key = $1 AND account_id = $2`, []any{behavior.GraphKey(graph), string(account)},
		[]any{&first}, func() error { return nil })
	if err != nil || first == nil {
		return time.Time{}, false, err
	}
	return fromMS(*first), true, nil
}

// GraphFindings implements behavior.Store.
func (s *Store) GraphFindings(ctx context.Context, graph arn.ARN, account detective.AccountID) ([]behavior.FindingRow, error) {
	var out []behavior.FindingRow
	var r behavior.FindingRow
	var f behavior.Finding
	var acct, source, entities string
	var created, updated, first, last int64
	err := s.each(ctx, "graph findings", `SELECT id, account_id, region, source, arn, type, title, severity,
		score, created, updated, first_seen, last_seen, entities FROM behavior_findings
		WHERE graph_key = $1 AND ($2 = '' OR account_id = $2) ORDER BY id`,
		[]any{behavior.GraphKey(graph), string(account)},
		[]any{&f.ID, &acct, &r.Region, &source, &f.ARN, &f.Type, &f.Title, &f.Severity, &f.SeverityScore,
			&created, &updated, &first, &last, &entities}, func() error {
			row := behavior.FindingRow{Graph: graph, Account: detective.AccountID(acct), Region: r.Region, Finding: f}
			g := &row.Finding
			g.Source = behavior.FindingSource(source)
			g.CreatedAt, g.UpdatedAt, g.FirstSeen, g.LastSeen = fromMS(created), fromMS(updated), fromMS(first), fromMS(last)
			if err := columncodec.DecodeFindingEntities(entities, g); err != nil {
				return err
			}
			out = append(out, row)
			return nil
		})
	return out, err
}
