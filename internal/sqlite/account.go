package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/detective-local/detective-local/internal/detective"
)

const (
	accountQuery    = `SELECT root_email FROM accounts WHERE id = ?`
	putAccountQuery = `INSERT INTO accounts (id, root_email) VALUES (?, ?)
		ON CONFLICT (id) DO UPDATE SET root_email = excluded.root_email`
)

// Account returns what is known about id, or KindNotFound.
func (t *tx) Account(ctx context.Context, id detective.AccountID) (detective.Account, error) {
	a := detective.Account{ID: id}
	err := t.stmt(ctx, t.st.account).QueryRowContext(ctx, string(id)).Scan(&a.RootEmail)
	if errors.Is(err, sql.ErrNoRows) {
		return detective.Account{}, detective.NotFound("Nothing is known about account %s", id)
	}
	if err != nil {
		return detective.Account{}, fmt.Errorf("sqlite: account: %w", err)
	}
	return a, nil
}

// PutAccount inserts or replaces what is known about a.ID.
func (t *tx) PutAccount(ctx context.Context, a detective.Account) error {
	if _, err := t.stmt(ctx, t.st.putAccount).ExecContext(ctx, string(a.ID), a.RootEmail); err != nil {
		return fmt.Errorf("sqlite: put account: %w", err)
	}
	return nil
}
