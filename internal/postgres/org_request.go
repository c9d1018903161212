package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

const handshakeColumns = `id, org_id, management, feature_set, target_type, target, notes, state,
	requested_time, expiration_time, account_id`

func scanHandshake(row pgx.Row) (world.Handshake, error) {
	var (
		h                                   world.Handshake
		management, fs, typ, state, account string
	)
	if err := row.Scan(&h.ID, &h.Org, &management, &fs, &typ, &h.Target, &h.Notes, &state,
		&h.RequestedTime, &h.ExpirationTime, &account); err != nil {
		return world.Handshake{}, err
	}
	h.Management, h.FeatureSet, h.TargetType, h.State = detective.AccountID(management), world.FeatureSet(fs),
		world.HandshakePartyType(typ), world.HandshakeState(state)
	h.RequestedTime, h.ExpirationTime, h.Account = h.RequestedTime.UTC(), h.ExpirationTime.UTC(), detective.AccountID(account)
	return h, nil
}

func collectHandshake(row pgx.CollectableRow) (world.Handshake, error) { return scanHandshake(row) }

// Handshake returns the handshake with the given ID, or KindNotFound.
func (t *tx) Handshake(ctx context.Context, id string) (world.Handshake, error) {
	h, err := scanHandshake(t.tx.QueryRow(ctx, `SELECT `+handshakeColumns+` FROM handshakes WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return world.Handshake{}, detective.NotFound("The handshake %s does not exist", id)
	}
	if err != nil {
		return world.Handshake{}, wrap("handshake", err)
	}
	return h, nil
}

// PutHandshake inserts or replaces h.
func (t *tx) PutHandshake(ctx context.Context, h world.Handshake) error {
	if _, err := t.tx.Exec(ctx, `INSERT INTO handshakes (`+handshakeColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, management = excluded.management,
			feature_set = excluded.feature_set, target_type = excluded.target_type, target = excluded.target,
			notes = excluded.notes, state = excluded.state, requested_time = excluded.requested_time,
			expiration_time = excluded.expiration_time, account_id = excluded.account_id`,
		h.ID, h.Org, string(h.Management), string(h.FeatureSet), string(h.TargetType), h.Target, h.Notes,
		string(h.State), storedTime(h.RequestedTime), storedTime(h.ExpirationTime), string(h.Account)); err != nil {
		return wrap("put handshake", err)
	}
	return nil
}

// ListHandshakes returns one page of the handshakes p selects.
func (t *tx) ListHandshakes(ctx context.Context, p world.ListHandshakesParams) ([]world.Handshake, error) {
	var rows pgx.Rows
	if p.Org != "" {
		rows, _ = t.tx.Query(ctx, `SELECT `+handshakeColumns+` FROM handshakes WHERE org_id = $1 AND id > $2
			ORDER BY id LIMIT $3`, p.Org, p.After, limit(p.Limit))
	} else {
		rows, _ = t.tx.Query(ctx, `SELECT `+handshakeColumns+` FROM handshakes
			WHERE ((target_type = 'ACCOUNT' AND target = $1) OR (target_type = 'EMAIL' AND $2 <> '' AND lower(target) = lower($2)))
				AND id > $3
			ORDER BY id LIMIT $4`, string(p.Account), p.Email, p.After, limit(p.Limit))
	}
	hs, err := pgx.CollectRows(rows, collectHandshake)
	if err != nil {
		return nil, wrap("list handshakes", err)
	}
	return hs, nil
}

const createAccountColumns = `id, org_id, account_name, email, state, failure_reason, account_id,
	requested_time, completed_time`

func scanCreateAccountStatus(row pgx.Row) (world.CreateAccountStatus, error) {
	var (
		s              world.CreateAccountStatus
		state, account string
		done           *time.Time
	)
	if err := row.Scan(&s.ID, &s.Org, &s.AccountName, &s.Email, &state, &s.FailureReason, &account,
		&s.RequestedTime, &done); err != nil {
		return world.CreateAccountStatus{}, err
	}
	s.State, s.Account = world.CreateAccountState(state), detective.AccountID(account)
	s.RequestedTime, s.CompletedTime = s.RequestedTime.UTC(), fromOptionalTime(done)
	return s, nil
}

// CreateAccountStatus returns the request with the given ID, or
// KindNotFound.
func (t *tx) CreateAccountStatus(ctx context.Context, id string) (world.CreateAccountStatus, error) {
	s, err := scanCreateAccountStatus(t.tx.QueryRow(ctx, `SELECT `+createAccountColumns+` FROM create_account_statuses WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return world.CreateAccountStatus{}, detective.NotFound("The CreateAccount request %s does not exist", id)
	}
	if err != nil {
		return world.CreateAccountStatus{}, wrap("create account status", err)
	}
	return s, nil
}

// PutCreateAccountStatus inserts or replaces s.
func (t *tx) PutCreateAccountStatus(ctx context.Context, s world.CreateAccountStatus) error {
	if _, err := t.tx.Exec(ctx, `INSERT INTO create_account_statuses (`+createAccountColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, account_name = excluded.account_name,
			email = excluded.email, state = excluded.state, failure_reason = excluded.failure_reason,
			account_id = excluded.account_id, requested_time = excluded.requested_time,
			completed_time = excluded.completed_time`,
		s.ID, s.Org, s.AccountName, s.Email, string(s.State), s.FailureReason, string(s.Account),
		storedTime(s.RequestedTime), optionalTime(s.CompletedTime)); err != nil {
		return wrap("put create account status", err)
	}
	return nil
}

// ListCreateAccountStatuses returns one page of org's requests by ID.
func (t *tx) ListCreateAccountStatuses(ctx context.Context, org, after string, n int) ([]world.CreateAccountStatus, error) {
	rows, _ := t.tx.Query(ctx, `SELECT `+createAccountColumns+` FROM create_account_statuses
		WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3`, org, after, limit(n))
	ss, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (world.CreateAccountStatus, error) {
		return scanCreateAccountStatus(row)
	})
	if err != nil {
		return nil, wrap("list create account statuses", err)
	}
	return ss, nil
}
