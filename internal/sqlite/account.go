package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

const (
	accountColumns  = `id, root_email, guardduty_disabled, volumes`
	accountQuery    = `SELECT ` + accountColumns + ` FROM accounts WHERE id = ?`
	putAccountQuery = `INSERT INTO accounts (` + accountColumns + `) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET root_email = excluded.root_email,
			guardduty_disabled = excluded.guardduty_disabled, volumes = excluded.volumes`
)

// Account returns what is known about id, or KindNotFound.
func (t *tx) Account(ctx context.Context, id detective.AccountID) (world.Account, error) {
	a, err := scanAccount(t.stmt(ctx, &t.st.account).QueryRowContext(ctx, string(id)))
	if errors.Is(err, sql.ErrNoRows) {
		return world.Account{}, detective.NotFound("Nothing is known about account %s", id)
	}
	if err != nil {
		return world.Account{}, wrap("account", err)
	}
	return a, nil
}

// PutAccount inserts or replaces what is known about a.ID.
func (t *tx) PutAccount(ctx context.Context, a world.Account) error {
	volumes, err := encodeVolumes(a.Volume)
	if err != nil {
		return wrap("put account", err)
	}
	if _, err := t.stmt(ctx, &t.st.putAccount).ExecContext(ctx, string(a.ID), a.RootEmail, a.GuardDutyDisabled, volumes); err != nil {
		return wrap("put account", err)
	}
	return nil
}

// AccountByEmail returns the account with the lowest ID whose root e-mail
// is email, compared without regard to ASCII case; or KindNotFound.
func (t *tx) AccountByEmail(ctx context.Context, email string) (world.Account, error) {
	a, err := scanAccount(t.tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts
		WHERE lower(root_email) = lower(?) AND root_email <> '' ORDER BY id LIMIT 1`, email))
	if errors.Is(err, sql.ErrNoRows) {
		return world.Account{}, detective.NotFound("No account has the root e-mail %s", email)
	}
	if err != nil {
		return world.Account{}, wrap("account by email", err)
	}
	return a, nil
}

// ListAccounts returns one page of the known accounts ordered by ID.
func (t *tx) ListAccounts(ctx context.Context, after detective.AccountID, n int) ([]world.Account, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id > ? ORDER BY id LIMIT ?`,
		string(after), limit(n))
	if err != nil {
		return nil, wrap("list accounts", err)
	}
	defer rows.Close()
	var as []world.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, wrap("list accounts", err)
		}
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("list accounts", err)
	}
	return as, nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanAccount(row scanner) (world.Account, error) {
	var (
		a       world.Account
		id      string
		volumes string
	)
	if err := row.Scan(&id, &a.RootEmail, &a.GuardDutyDisabled, &volumes); err != nil {
		return world.Account{}, err
	}
	a.ID = detective.AccountID(id)
	v, err := decodeVolumes(volumes)
	if err != nil {
		return world.Account{}, err
	}
	a.Volume = v
	return a, nil
}

// encodeVolumes stores an account's volumes as one JSON object, so that
// Account stays a single-row lookup.
func encodeVolumes(v map[string]int64) (string, error) {
	if len(v) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// decodeVolumes is the inverse of encodeVolumes; no volume is nil.
func decodeVolumes(s string) (map[string]int64, error) {
	var v map[string]int64
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, fmt.Errorf("volumes %q: %w", s, err)
	}
	if len(v) == 0 {
		return nil, nil
	}
	return v, nil
}
