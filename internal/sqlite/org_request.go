package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

const handshakeColumns = `id, org_id, management, feature_set, target_type, target, notes, state,
	requested_time, expiration_time, account_id`

func scanHandshake(row scanner) (world.Handshake, error) {
	var (
		h                                   world.Handshake
		management, fs, typ, state, account string
		requested, expiration               int64
	)
	if err := row.Scan(&h.ID, &h.Org, &management, &fs, &typ, &h.Target, &h.Notes, &state,
		&requested, &expiration, &account); err != nil {
		return world.Handshake{}, err
	}
	h.Management, h.FeatureSet, h.TargetType, h.State = detective.AccountID(management), world.FeatureSet(fs),
		world.HandshakePartyType(typ), world.HandshakeState(state)
	h.RequestedTime, h.ExpirationTime, h.Account = fromMillis(requested), fromMillis(expiration), detective.AccountID(account)
	return h, nil
}

// Handshake returns the handshake with the given ID, or KindNotFound.
func (t *tx) Handshake(ctx context.Context, id string) (world.Handshake, error) {
	h, err := scanHandshake(t.tx.QueryRowContext(ctx, `SELECT `+handshakeColumns+` FROM handshakes WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return world.Handshake{}, detective.NotFound("The handshake %s does not exist", id)
	}
	if err != nil {
		return world.Handshake{}, wrap("handshake", err)
	}
	return h, nil
}

// PutHandshake inserts or replaces h.
func (t *tx) PutHandshake(ctx context.Context, h world.Handshake) error {
	_, err := t.tx.ExecContext(ctx, `INSERT OR REPLACE INTO handshakes (`+handshakeColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		h.ID, h.Org, string(h.Management), string(h.FeatureSet), string(h.TargetType), h.Target, h.Notes,
		string(h.State), millis(h.RequestedTime), millis(h.ExpirationTime), string(h.Account))
	if err != nil {
		return wrap("put handshake", err)
	}
	return nil
}

// ListHandshakes returns one page of the handshakes p selects.
func (t *tx) ListHandshakes(ctx context.Context, p world.ListHandshakesParams) ([]world.Handshake, error) {
	if p.Org != "" {
		return queryAll(ctx, t, "list handshakes", scanHandshake,
			`SELECT `+handshakeColumns+` FROM handshakes WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?`,
			p.Org, p.After, limit(p.Limit))
	}
	return queryAll(ctx, t, "list handshakes", scanHandshake,
		`SELECT `+handshakeColumns+` FROM handshakes
		WHERE ((target_type = 'ACCOUNT' AND target = ?) OR (target_type = 'EMAIL' AND ? <> '' AND lower(target) = lower(?)))
			AND id > ?
		ORDER BY id LIMIT ?`,
		string(p.Account), p.Email, p.Email, p.After, limit(p.Limit))
}

const createAccountColumns = `id, org_id, account_name, email, state, failure_reason, account_id,
	requested_time, completed_time`

func scanCreateAccountStatus(row scanner) (world.CreateAccountStatus, error) {
	var (
		s               world.CreateAccountStatus
		state, account  string
		requested, done int64
	)
	if err := row.Scan(&s.ID, &s.Org, &s.AccountName, &s.Email, &state, &s.FailureReason, &account,
		&requested, &done); err != nil {
		return world.CreateAccountStatus{}, err
	}
	s.State, s.Account, s.RequestedTime = world.CreateAccountState(state), detective.AccountID(account), fromMillis(requested)
	if done != 0 {
		s.CompletedTime = fromMillis(done)
	}
	return s, nil
}

// CreateAccountStatus returns the request with the given ID, or
// KindNotFound.
func (t *tx) CreateAccountStatus(ctx context.Context, id string) (world.CreateAccountStatus, error) {
	s, err := scanCreateAccountStatus(t.tx.QueryRowContext(ctx,
		`SELECT `+createAccountColumns+` FROM create_account_statuses WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return world.CreateAccountStatus{}, detective.NotFound("The CreateAccount request %s does not exist", id)
	}
	if err != nil {
		return world.CreateAccountStatus{}, wrap("create account status", err)
	}
	return s, nil
}

// PutCreateAccountStatus inserts or replaces s.
func (t *tx) PutCreateAccountStatus(ctx context.Context, s world.CreateAccountStatus) error {
	var done int64 // zero time is stored as 0, not as the Unix time of year 1
	if !s.CompletedTime.IsZero() {
		done = millis(s.CompletedTime)
	}
	_, err := t.tx.ExecContext(ctx, `INSERT OR REPLACE INTO create_account_statuses (`+createAccountColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.Org, s.AccountName, s.Email, string(s.State), s.FailureReason, string(s.Account),
		millis(s.RequestedTime), done)
	if err != nil {
		return wrap("put create account status", err)
	}
	return nil
}

// ListCreateAccountStatuses returns one page of org's requests by ID.
func (t *tx) ListCreateAccountStatuses(ctx context.Context, org, after string, n int) ([]world.CreateAccountStatus, error) {
	return queryAll(ctx, t, "list create account statuses", scanCreateAccountStatus,
		`SELECT `+createAccountColumns+` FROM create_account_statuses WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?`,
		org, after, limit(n))
}
