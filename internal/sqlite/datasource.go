package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

const (
	graphPackagesQuery = `SELECT package, state, started_time, stopped_time, disabled_time
		FROM graph_packages WHERE graph_arn = ?`
	putGraphPackageQuery = `INSERT INTO graph_packages (graph_arn, package, state,
			started_time, stopped_time, disabled_time)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (graph_arn, package) DO UPDATE SET
			state = excluded.state, started_time = excluded.started_time,
			stopped_time = excluded.stopped_time, disabled_time = excluded.disabled_time`
	// memberPackagesQuery looks up every requested account by primary key
	// in one statement; MemberPackages puts the rows in request order.
	memberPackagesQuery = `SELECT account_id, package, state, started_time, stopped_time,
			disabled_time, volume_bytes, volume_time
		FROM member_packages
		WHERE graph_arn = ?1 AND account_id IN (SELECT value FROM json_each(?2))`
	putMemberPackageQuery = `INSERT INTO member_packages (graph_arn, account_id, package, state,
			started_time, stopped_time, disabled_time, volume_bytes, volume_time)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (graph_arn, account_id, package) DO UPDATE SET
			state = excluded.state, started_time = excluded.started_time,
			stopped_time = excluded.stopped_time, disabled_time = excluded.disabled_time,
			volume_bytes = excluded.volume_bytes, volume_time = excluded.volume_time`
	// deleteMemberPackagesQuery is DeleteMembers' second statement: the
	// rows are keyed by member but have no foreign key to members, so
	// nothing else removes them.
	deleteMemberPackagesQuery = `DELETE FROM member_packages
		WHERE graph_arn = ?1 AND account_id IN (SELECT value FROM json_each(?2))`
	// graphsWithMemberStatusQuery reads only the members_status index.
	graphsWithMemberStatusQuery = `SELECT DISTINCT graph_arn FROM members
		WHERE status = ? ORDER BY graph_arn`
)

// GraphPackages returns graph's package states in package order; none if
// nothing was stored. Volume fields are always zero for graph rows.
func (t *tx) GraphPackages(ctx context.Context, graph arn.ARN) ([]detective.PackageState, error) {
	rows, err := t.stmt(ctx, t.st.graphPackages).QueryContext(ctx, graph.String())
	if err != nil {
		return nil, fmt.Errorf("sqlite: graph packages: %w", err)
	}
	defer rows.Close()
	var ps []detective.PackageState
	for rows.Next() {
		var (
			p                          detective.PackageState
			started, stopped, disabled sql.NullInt64
		)
		if err := rows.Scan((*string)(&p.Package), (*string)(&p.State), &started, &stopped, &disabled); err != nil {
			return nil, fmt.Errorf("sqlite: graph packages: %w", err)
		}
		p.Started, p.Stopped, p.Disabled = fromNullMillis(started), fromNullMillis(stopped), fromNullMillis(disabled)
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: graph packages: %w", err)
	}
	detective.SortPackages(ps)
	return ps, nil
}

// PutGraphPackages inserts or replaces the given package states of graph;
// packages not in ps keep theirs. The volume fields are not stored.
func (t *tx) PutGraphPackages(ctx context.Context, graph arn.ARN, ps []detective.PackageState) error {
	if len(ps) == 0 {
		return nil
	}
	put := t.stmt(ctx, t.st.putGraphPackage)
	for _, p := range ps {
		_, err := put.ExecContext(ctx, graph.String(), string(p.Package), string(p.State),
			nullMillis(p.Started), nullMillis(p.Stopped), nullMillis(p.Disabled))
		if err != nil {
			return fmt.Errorf("sqlite: put graph packages: %w", err)
		}
	}
	return nil
}

// MemberPackages returns the package states of the given accounts of
// graph, in the order given; accounts without any are omitted, and an
// account asked for twice is returned once.
func (t *tx) MemberPackages(ctx context.Context, graph arn.ARN, accounts []detective.AccountID) ([]detective.MemberPackages, error) {
	if len(accounts) == 0 {
		return nil, nil
	}
	ids, err := jsonArray(accounts)
	if err != nil {
		return nil, fmt.Errorf("sqlite: member packages: %w", err)
	}
	rows, err := t.stmt(ctx, t.st.memberPackages).QueryContext(ctx, graph.String(), ids)
	if err != nil {
		return nil, fmt.Errorf("sqlite: member packages: %w", err)
	}
	defer rows.Close()
	byAccount := make(map[detective.AccountID][]detective.PackageState)
	for rows.Next() {
		var (
			account                            detective.AccountID
			p                                  detective.PackageState
			started, stopped, disabled, volume sql.NullInt64
		)
		if err := rows.Scan((*string)(&account), (*string)(&p.Package), (*string)(&p.State),
			&started, &stopped, &disabled, &p.VolumeBytes, &volume); err != nil {
			return nil, fmt.Errorf("sqlite: member packages: %w", err)
		}
		p.Started, p.Stopped, p.Disabled = fromNullMillis(started), fromNullMillis(stopped), fromNullMillis(disabled)
		p.VolumeTime = fromNullMillis(volume)
		byAccount[account] = append(byAccount[account], p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: member packages: %w", err)
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

// PutMemberPackages inserts or replaces the given package states of
// members of graph; packages not listed keep theirs. It does not check
// that the accounts are members: stores hold no rules.
func (t *tx) PutMemberPackages(ctx context.Context, graph arn.ARN, ms []detective.MemberPackages) error {
	put := t.stmt(ctx, t.st.putMemberPackage)
	for _, m := range ms {
		for _, p := range m.Packages {
			_, err := put.ExecContext(ctx, graph.String(), string(m.Account), string(p.Package), string(p.State),
				nullMillis(p.Started), nullMillis(p.Stopped), nullMillis(p.Disabled),
				p.VolumeBytes, nullMillis(p.VolumeTime))
			if err != nil {
				return fmt.Errorf("sqlite: put member packages: %w", err)
			}
		}
	}
	return nil
}

// GraphsWithMemberStatus returns, by ARN, the graphs with at least one
// member whose stored Status is status.
func (t *tx) GraphsWithMemberStatus(ctx context.Context, status detective.MemberStatus) ([]arn.ARN, error) {
	rows, err := t.stmt(ctx, t.st.graphsWithMemberStatus).QueryContext(ctx, string(status))
	if err != nil {
		return nil, fmt.Errorf("sqlite: graphs with member status: %w", err)
	}
	defer rows.Close()
	var gs []arn.ARN
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("sqlite: graphs with member status: %w", err)
		}
		a, err := arn.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("sqlite: graphs with member status: stored %w", err)
		}
		gs = append(gs, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: graphs with member status: %w", err)
	}
	return gs, nil
}

// nullMillis is millis for a nullable column: the zero time, "never", is
// NULL, so that it reads back as the zero time rather than as year 1.
func nullMillis(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return millis(t)
}

// fromNullMillis is the inverse of nullMillis.
func fromNullMillis(ms sql.NullInt64) time.Time {
	if !ms.Valid {
		return time.Time{}
	}
	return fromMillis(ms.Int64)
}
