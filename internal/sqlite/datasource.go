package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/columncodec"
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
	// memberPackagesQuery reads the packages column of the requested
	// accounts that are members, in request order, as membersQuery does.
	memberPackagesQuery = `SELECT m.account_id, m.packages
		FROM json_each(?2) AS j CROSS JOIN members AS m
		WHERE m.graph_arn = ?1 AND m.account_id = j.value
		ORDER BY j.key`
	setMemberPackagesQuery = `UPDATE members SET packages = ?3
		WHERE graph_arn = ?1 AND account_id = ?2`
	// graphsWithMemberStatusQuery reads only the members_status index.
	graphsWithMemberStatusQuery = `SELECT DISTINCT graph_arn FROM members
		WHERE status = ? ORDER BY graph_arn`
)

// GraphPackages returns graph's package states in package order; none if
// nothing was stored. Volume fields are always zero for graph rows.
func (t *tx) GraphPackages(ctx context.Context, graph arn.ARN) ([]detective.PackageState, error) {
	rows, err := t.stmt(ctx, &t.st.graphPackages).QueryContext(ctx, graph.String())
	if err != nil {
		return nil, wrap("graph packages", err)
	}
	defer rows.Close()
	var ps []detective.PackageState
	for rows.Next() {
		var (
			p                          detective.PackageState
			started, stopped, disabled sql.NullInt64
		)
		if err := rows.Scan((*string)(&p.Package), (*string)(&p.State), &started, &stopped, &disabled); err != nil {
			return nil, wrap("graph packages", err)
		}
		p.Started, p.Stopped, p.Disabled = fromNullMillis(started), fromNullMillis(stopped), fromNullMillis(disabled)
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("graph packages", err)
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
	put := t.stmt(ctx, &t.st.putGraphPackage)
	for _, p := range ps {
		_, err := put.ExecContext(ctx, graph.String(), string(p.Package), string(p.State),
			nullMillis(p.Started), nullMillis(p.Stopped), nullMillis(p.Disabled))
		if err != nil {
			return wrap("put graph packages", err)
		}
	}
	return nil
}

// MemberPackages returns the package states of the given accounts of
// graph, in the order given; accounts that are not members or have none
// are omitted, and an account asked for twice is returned once.
func (t *tx) MemberPackages(ctx context.Context, graph arn.ARN, accounts []detective.AccountID) ([]detective.MemberPackages, error) {
	stored, err := t.storedPackages(ctx, graph, accounts)
	if err != nil {
		return nil, wrap("member packages", err)
	}
	out := make([]detective.MemberPackages, 0, len(stored))
	for _, sp := range stored {
		ps, err := columncodec.DecodePackages(sp.packages)
		if err != nil {
			return nil, fmt.Errorf("sqlite: member packages: %s: stored %w", sp.account, err)
		}
		if len(ps) > 0 {
			out = append(out, detective.MemberPackages{Account: sp.account, Packages: ps})
		}
	}
	return out, nil
}

// PutMemberPackages inserts or replaces the given package states of
// members of graph; packages not listed keep theirs. An account that is
// not a member is skipped: its states would have no row to live on.
func (t *tx) PutMemberPackages(ctx context.Context, graph arn.ARN, ms []detective.MemberPackages) error {
	accounts := make([]detective.AccountID, 0, len(ms))
	for _, m := range ms {
		if len(m.Packages) > 0 {
			accounts = append(accounts, m.Account)
		}
	}
	stored, err := t.storedPackages(ctx, graph, accounts)
	if err != nil {
		return wrap("put member packages", err)
	}
	byAccount := make(map[detective.AccountID]*packagesRow, len(stored))
	for i := range stored {
		byAccount[stored[i].account] = &stored[i]
	}
	for _, m := range ms {
		sp := byAccount[m.Account]
		if sp == nil || len(m.Packages) == 0 {
			continue
		}
		if sp.packages, err = columncodec.PutPackages(sp.packages, m.Packages); err != nil {
			return wrap("put member packages of "+string(m.Account), err)
		}
		sp.changed = true
	}
	set := t.stmt(ctx, &t.st.setMemberPackages)
	for _, sp := range stored {
		if !sp.changed {
			continue
		}
		if _, err := set.ExecContext(ctx, graph.String(), string(sp.account), sp.packages); err != nil {
			return wrap("put member packages", err)
		}
	}
	return nil
}

// packagesRow is one member's packages column.
type packagesRow struct {
	account  detective.AccountID
	packages string
	changed  bool // by PutMemberPackages, so to be written
}

// storedPackages returns the packages column of the given accounts that
// are members of graph, in the order given, each account once.
func (t *tx) storedPackages(ctx context.Context, graph arn.ARN, accounts []detective.AccountID) ([]packagesRow, error) {
	if len(accounts) == 0 {
		return nil, nil
	}
	ids, err := jsonArray(accounts)
	if err != nil {
		return nil, err
	}
	rows, err := t.stmt(ctx, &t.st.memberPackages).QueryContext(ctx, graph.String(), ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]packagesRow, 0, len(accounts))
	seen := make(map[detective.AccountID]bool, len(accounts))
	for rows.Next() {
		var sp packagesRow
		if err := rows.Scan((*string)(&sp.account), &sp.packages); err != nil {
			return nil, err
		}
		if !seen[sp.account] { // a repeated account is returned once
			seen[sp.account] = true
			out = append(out, sp)
		}
	}
	return out, rows.Err()
}

// GraphsWithMemberStatus returns, by ARN, the graphs with at least one
// member whose stored Status is status.
func (t *tx) GraphsWithMemberStatus(ctx context.Context, status detective.MemberStatus) ([]arn.ARN, error) {
	rows, err := t.stmt(ctx, &t.st.graphsWithMemberStatus).QueryContext(ctx, string(status))
	if err != nil {
		return nil, wrap("graphs with member status", err)
	}
	defer rows.Close()
	var gs []arn.ARN
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, wrap("graphs with member status", err)
		}
		a, err := arn.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("sqlite: graphs with member status: stored %w", err)
		}
		gs = append(gs, a)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("graphs with member status", err)
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
