package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

const accountColumns = `account_id, root_email, guardduty_disabled, volumes`

func scanAccount(row pgx.Row) (world.Account, error) {
	var (
		a       world.Account
		id      string
		volumes []byte
	)
	if err := row.Scan(&id, &a.RootEmail, &a.GuardDutyDisabled, &volumes); err != nil {
		return world.Account{}, err
	}
	a.ID = detective.AccountID(id)
	var v map[string]int64
	if err := json.Unmarshal(volumes, &v); err != nil {
		return world.Account{}, fmt.Errorf("volumes %q: %w", volumes, err)
	}
	if len(v) > 0 {
		a.Volume = v
	}
	return a, nil
}

func collectAccount(row pgx.CollectableRow) (world.Account, error) { return scanAccount(row) }

// Account returns what is known about id, or KindNotFound.
func (t *tx) Account(ctx context.Context, id detective.AccountID) (world.Account, error) {
	a, err := scanAccount(t.tx.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE account_id = $1`, string(id)))
	if errors.Is(err, pgx.ErrNoRows) {
		return world.Account{}, detective.NotFound("Nothing is known about account %s", id)
	}
	if err != nil {
		return world.Account{}, wrap("account", err)
	}
	return a, nil
}

// PutAccount inserts or replaces what is known about a.ID, every field.
// The volumes are one JSON object, so that Account stays one lookup.
func (t *tx) PutAccount(ctx context.Context, a world.Account) error {
	volumes := []byte("{}")
	if len(a.Volume) > 0 {
		var err error
		if volumes, err = json.Marshal(a.Volume); err != nil {
			return fmt.Errorf("postgres: put account: %w", err)
		}
	}
	if _, err := t.tx.Exec(ctx, `INSERT INTO accounts (`+accountColumns+`) VALUES ($1, $2, $3, $4)
		ON CONFLICT (account_id) DO UPDATE SET root_email = excluded.root_email,
			guardduty_disabled = excluded.guardduty_disabled, volumes = excluded.volumes`,
		string(a.ID), a.RootEmail, a.GuardDutyDisabled, string(volumes)); err != nil {
		return wrap("put account", err)
	}
	return nil
}

// AccountByEmail returns the account with the lowest ID whose root e-mail
// is email without regard to case, or KindNotFound.
func (t *tx) AccountByEmail(ctx context.Context, email string) (world.Account, error) {
	a, err := scanAccount(t.tx.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts
		WHERE lower(root_email) = lower($1) AND root_email <> '' ORDER BY account_id LIMIT 1`, email))
	if errors.Is(err, pgx.ErrNoRows) {
		return world.Account{}, detective.NotFound("No account has the root e-mail %s", email)
	}
	if err != nil {
		return world.Account{}, wrap("account by email", err)
	}
	return a, nil
}

// ListAccounts returns one page of the known accounts ordered by ID.
func (t *tx) ListAccounts(ctx context.Context, after detective.AccountID, n int) ([]world.Account, error) {
	rows, _ := t.tx.Query(ctx, `SELECT `+accountColumns+` FROM accounts WHERE account_id > $1
		ORDER BY account_id LIMIT $2`, string(after), limit(n))
	as, err := pgx.CollectRows(rows, collectAccount)
	if err != nil {
		return nil, wrap("list accounts", err)
	}
	return as, nil
}
