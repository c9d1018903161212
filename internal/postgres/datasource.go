package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/columncodec"
	"github.com/detective-local/detective-local/internal/detective"
)

// GraphPackages returns graph's package states in package order; none if
// nothing was stored. Volume fields are always zero for graph rows.
func (t *tx) GraphPackages(ctx context.Context, graph arn.ARN) ([]detective.PackageState, error) {
	rows, _ := t.tx.Query(ctx, `SELECT package, state, started_time, stopped_time, disabled_time
		FROM graph_packages WHERE graph_arn = $1`, graph.String())
	ps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (detective.PackageState, error) {
		var (
			p                          detective.PackageState
			pkg, state                 string
			started, stopped, disabled *time.Time
		)
		if err := row.Scan(&pkg, &state, &started, &stopped, &disabled); err != nil {
			return detective.PackageState{}, err
		}
		p.Package, p.State = detective.DatasourcePackage(pkg), detective.IngestState(state)
		p.Started, p.Stopped, p.Disabled = fromNullTime(started), fromNullTime(stopped), fromNullTime(disabled)
		return p, nil
	})
	if err != nil {
		return nil, wrap("graph packages", err)
	}
	detective.SortPackages(ps)
	return ps, nil
}

// PutGraphPackages upserts the given package states of graph in one round
// trip; packages not in ps keep theirs. The volume fields are not stored.
// A batch of single-row upserts, as in PutMembers, so that a package
// listed twice is last-one-wins rather than an error.
func (t *tx) PutGraphPackages(ctx context.Context, graph arn.ARN, ps []detective.PackageState) error {
	if len(ps) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, p := range ps {
		b.Queue(`INSERT INTO graph_packages (graph_arn, package, state,
				started_time, stopped_time, disabled_time)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (graph_arn, package) DO UPDATE SET
				state = excluded.state, started_time = excluded.started_time,
				stopped_time = excluded.stopped_time, disabled_time = excluded.disabled_time`,
			graph.String(), string(p.Package), string(p.State),
			nullTime(p.Started), nullTime(p.Stopped), nullTime(p.Disabled))
	}
	if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
		return wrap("put graph packages", err)
	}
	return nil
}

// MemberPackages reads the accounts' packages column in one query and
// puts them in the requested order here, as Members does; accounts that
// are not members or have none are omitted, and an account asked for
// twice is returned once.
func (t *tx) MemberPackages(ctx context.Context, graph arn.ARN, accounts []detective.AccountID) ([]detective.MemberPackages, error) {
	if len(accounts) == 0 {
		return nil, nil
	}
	stored, err := t.storedPackages(ctx, graph, accounts, `SELECT account_id, packages FROM members
		WHERE graph_arn = $1 AND account_id = ANY($2) AND packages <> ''`)
	if err != nil {
		return nil, wrap("member packages", err)
	}
	out := make([]detective.MemberPackages, 0, len(stored))
	for _, id := range accounts {
		if s, ok := stored[id]; ok {
			ps, err := columncodec.DecodePackages(s)
			if err != nil {
				return nil, wrap("member packages", fmt.Errorf("%s: stored %w", id, err))
			}
			out = append(out, detective.MemberPackages{Account: id, Packages: ps})
			delete(stored, id) // a repeated account is returned once
		}
	}
	return out, nil
}

// PutMemberPackages inserts or replaces the given package states of
// members of graph in two round trips; packages not listed keep theirs. An
// account that is not a member is skipped: its states would have no row
// to live on. It locks the members' rows (FOR UPDATE, in account order)
// before reading them, so that concurrent puts cannot lose each other's
// packages under READ COMMITTED.
func (t *tx) PutMemberPackages(ctx context.Context, graph arn.ARN, ms []detective.MemberPackages) error {
	var accounts []detective.AccountID
	for _, m := range ms {
		if len(m.Packages) > 0 {
			accounts = append(accounts, m.Account)
		}
	}
	if len(accounts) == 0 {
		return nil
	}
	stored, err := t.storedPackages(ctx, graph, accounts, `SELECT account_id, packages FROM members
		WHERE graph_arn = $1 AND account_id = ANY($2) ORDER BY account_id FOR UPDATE`)
	if err != nil {
		return wrap("put member packages", err)
	}
	var changed []detective.AccountID
	for _, m := range ms {
		s, ok := stored[m.Account]
		if !ok || len(m.Packages) == 0 {
			continue
		}
		if stored[m.Account], err = columncodec.PutPackages(s, m.Packages); err != nil {
			return wrap("put member packages", fmt.Errorf("%s: %w", m.Account, err))
		}
		if !slices.Contains(changed, m.Account) {
			changed = append(changed, m.Account)
		}
	}
	b := &pgx.Batch{}
	for _, id := range changed {
		b.Queue(`UPDATE members SET packages = $3 WHERE graph_arn = $1 AND account_id = $2`,
			graph.String(), string(id), stored[id])
	}
	if b.Len() == 0 {
		return nil
	}
	if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
		return wrap("put member packages", err)
	}
	return nil
}

// storedPackages runs query, which selects (account_id, packages) of
// graph's members with $1 the graph and $2 the accounts, and returns the
// packages column by account.
func (t *tx) storedPackages(ctx context.Context, graph arn.ARN, accounts []detective.AccountID, query string) (map[detective.AccountID]string, error) {
	rows, err := t.tx.Query(ctx, query, graph.String(), texts(accounts))
	if err != nil {
		return nil, err
	}
	stored := make(map[detective.AccountID]string, len(accounts))
	var account, packages string
	_, err = pgx.ForEachRow(rows, []any{&account, &packages}, func() error {
		stored[detective.AccountID(account)] = packages
		return nil
	})
	if err != nil {
		return nil, err
	}
	return stored, nil
}

// GraphsWithMemberStatus returns, by ARN, the graphs with at least one
// member whose stored Status is status. The members_status index holds
// both columns, so this reads the index alone.
func (t *tx) GraphsWithMemberStatus(ctx context.Context, status detective.MemberStatus) ([]arn.ARN, error) {
	rows, _ := t.tx.Query(ctx,
		`SELECT DISTINCT graph_arn FROM members WHERE status = $1 ORDER BY graph_arn`, string(status))
	gs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (arn.ARN, error) {
		var s string
		if err := row.Scan(&s); err != nil {
			return arn.ARN{}, err
		}
		return arn.Parse(s)
	})
	if err != nil {
		return nil, wrap("graphs with member status", err)
	}
	return gs, nil
}

// nullTime is storedTime for a nullable column: the zero time, "never", is
// NULL, so that it reads back as the zero time.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	st := storedTime(t)
	return &st
}

// fromNullTime is the inverse of nullTime, in UTC.
func fromNullTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
