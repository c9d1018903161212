package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

const sessionColumns = `access_key_id, secret_access_key, token, account_id, role_arn, session_name, source,
	created_time, expiration`

// Session returns the session of accessKeyID, or KindNotFound.
func (t *tx) Session(ctx context.Context, accessKeyID string) (world.Session, error) {
	var (
		s       world.Session
		account string
	)
	err := t.tx.QueryRow(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE access_key_id = $1`, accessKeyID).
		Scan(&s.AccessKeyID, &s.SecretAccessKey, &s.Token, &account, &s.RoleARN, &s.SessionName, &s.Source,
			&s.CreatedTime, &s.Expiration)
	if errors.Is(err, pgx.ErrNoRows) {
		return world.Session{}, detective.NotFound("No session has the access key %s", accessKeyID)
	}
	if err != nil {
		return world.Session{}, wrap("session", err)
	}
	s.Account, s.CreatedTime, s.Expiration = detective.AccountID(account), s.CreatedTime.UTC(), s.Expiration.UTC()
	return s, nil
}

// CreateSession inserts s, or returns KindConflict.
func (t *tx) CreateSession(ctx context.Context, s world.Session) error {
	tag, err := t.tx.Exec(ctx, `INSERT INTO sessions (`+sessionColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT DO NOTHING`,
		s.AccessKeyID, s.SecretAccessKey, s.Token, string(s.Account), s.RoleARN, s.SessionName, s.Source,
		storedTime(s.CreatedTime), storedTime(s.Expiration))
	if err != nil {
		return wrap("create session", err)
	}
	if tag.RowsAffected() == 0 {
		return detective.Conflict("A session with the access key %s exists", s.AccessKeyID)
	}
	return nil
}

// DeleteSessionsExpiredBefore removes sessions that expired before at.
func (t *tx) DeleteSessionsExpiredBefore(ctx context.Context, at time.Time) (int, error) {
	tag, err := t.tx.Exec(ctx, `DELETE FROM sessions WHERE expiration < $1`, storedTime(at))
	if err != nil {
		return 0, wrap("delete expired sessions", err)
	}
	return int(tag.RowsAffected()), nil
}
