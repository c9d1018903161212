package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

const sessionColumns = `access_key_id, secret_access_key, token, account_id, role_arn, session_name, source,
	created_time, expiration`

// Session returns the session of accessKeyID, or KindNotFound.
func (t *tx) Session(ctx context.Context, accessKeyID string) (world.Session, error) {
	var (
		s                world.Session
		account          string
		created, expires int64
	)
	err := t.tx.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE access_key_id = ?`, accessKeyID).
		Scan(&s.AccessKeyID, &s.SecretAccessKey, &s.Token, &account, &s.RoleARN, &s.SessionName, &s.Source, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return world.Session{}, detective.NotFound("No session has the access key %s", accessKeyID)
	}
	if err != nil {
		return world.Session{}, wrap("session", err)
	}
	s.Account, s.CreatedTime, s.Expiration = detective.AccountID(account), fromMillis(created), fromMillis(expires)
	return s, nil
}

// CreateSession inserts s, or returns KindConflict.
func (t *tx) CreateSession(ctx context.Context, s world.Session) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO sessions (`+sessionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.AccessKeyID, s.SecretAccessKey, s.Token, string(s.Account), s.RoleARN, s.SessionName, s.Source,
		millis(s.CreatedTime), millis(s.Expiration))
	if isConflict(err) {
		return detective.Conflict("A session with the access key %s exists", s.AccessKeyID)
	}
	if err != nil {
		return wrap("create session", err)
	}
	return nil
}

// DeleteSessionsExpiredBefore removes sessions that expired before at.
func (t *tx) DeleteSessionsExpiredBefore(ctx context.Context, at time.Time) (int, error) {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM sessions WHERE expiration < ?`, millis(at))
	if err != nil {
		return 0, wrap("delete expired sessions", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrap("delete expired sessions", err)
	}
	return int(n), nil
}
