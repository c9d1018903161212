package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/arn"
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

// MemberPackages fetches the accounts' rows in one query and groups them in
// the requested order here, as Members does; accounts without rows are
// omitted, and an account asked for twice is returned once.
func (t *tx) MemberPackages(ctx context.Context, graph arn.ARN, accounts []detective.AccountID) ([]detective.MemberPackages, error) {
	if len(accounts) == 0 {
		return nil, nil
	}
	rows, err := t.tx.Query(ctx, `SELECT account_id, package, state, started_time, stopped_time,
			disabled_time, volume_bytes, volume_time
		FROM member_packages WHERE graph_arn = $1 AND account_id = ANY($2)`,
		graph.String(), texts(accounts))
	if err != nil {
		return nil, wrap("member packages", err)
	}
	byAccount := make(map[detective.AccountID][]detective.PackageState)
	var (
		account, pkg, state               string
		volume                            int64
		started, stopped, disabled, volAt *time.Time
	)
	_, err = pgx.ForEachRow(rows, []any{&account, &pkg, &state, &started, &stopped, &disabled, &volume, &volAt}, func() error {
		id := detective.AccountID(account)
		byAccount[id] = append(byAccount[id], detective.PackageState{
			Package:     detective.DatasourcePackage(pkg),
			State:       detective.IngestState(state),
			Started:     fromNullTime(started),
			Stopped:     fromNullTime(stopped),
			Disabled:    fromNullTime(disabled),
			VolumeBytes: volume,
			VolumeTime:  fromNullTime(volAt),
		})
		return nil
	})
	if err != nil {
		return nil, wrap("member packages", err)
	}
	out := make([]detective.MemberPackages, 0, len(byAccount))
	for _, id := range accounts {
		if ps, ok := byAccount[id]; ok {
			detective.SortPackages(ps)
			out = append(out, detective.MemberPackages{Account: id, Packages: ps})
			delete(byAccount, id) // a repeated account is returned once
		}
	}
	return out, nil
}

// PutMemberPackages upserts the given package states of members of graph
// in one round trip; packages not listed keep theirs. It does not check
// that the accounts are members: stores hold no rules.
func (t *tx) PutMemberPackages(ctx context.Context, graph arn.ARN, ms []detective.MemberPackages) error {
	b := &pgx.Batch{}
	for _, m := range ms {
		for _, p := range m.Packages {
			b.Queue(`INSERT INTO member_packages (graph_arn, account_id, package, state,
					started_time, stopped_time, disabled_time, volume_bytes, volume_time)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
				ON CONFLICT (graph_arn, account_id, package) DO UPDATE SET
					state = excluded.state, started_time = excluded.started_time,
					stopped_time = excluded.stopped_time, disabled_time = excluded.disabled_time,
					volume_bytes = excluded.volume_bytes, volume_time = excluded.volume_time`,
				graph.String(), string(m.Account), string(p.Package), string(p.State),
				nullTime(p.Started), nullTime(p.Stopped), nullTime(p.Disabled),
				p.VolumeBytes, nullTime(p.VolumeTime))
		}
	}
	if b.Len() == 0 {
		return nil
	}
	if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
		return wrap("put member packages", err)
	}
	return nil
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
