package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

const orgEventColumns = `org_id, seq, id, type, management, account_id, method, principal, event_time, processed_time`

func scanOrgEvent(row scanner) (world.OrgEvent, error) {
	var (
		e                                world.OrgEvent
		typ, management, account, method string
		at                               int64
		processed                        sql.NullInt64
	)
	if err := row.Scan(&e.Org, &e.Seq, &e.ID, &typ, &management, &account, &method, &e.ServicePrincipal,
		&at, &processed); err != nil {
		return world.OrgEvent{}, err
	}
	e.Type, e.Management, e.Account, e.Method = world.OrgEventType(typ), detective.AccountID(management),
		detective.AccountID(account), world.JoinedMethod(method)
	e.Time = fromMillis(at)
	if processed.Valid {
		e.ProcessedTime = fromMillis(processed.Int64)
	}
	return e, nil
}

// AppendOrgEvent records e, or returns KindConflict.
func (t *tx) AppendOrgEvent(ctx context.Context, e world.OrgEvent) error {
	var processed sql.NullInt64
	if !e.ProcessedTime.IsZero() {
		processed = sql.NullInt64{Int64: millis(e.ProcessedTime), Valid: true}
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO org_events (`+orgEventColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Org, e.Seq, e.ID, string(e.Type), string(e.Management), string(e.Account), string(e.Method),
		e.ServicePrincipal, millis(e.Time), processed)
	if isConflict(err) {
		return detective.Conflict("Organization %s already has event %d", e.Org, e.Seq)
	}
	if err != nil {
		return wrap("append org event", err)
	}
	return nil
}

// ClaimOrgEvents returns the oldest unprocessed event of each
// organization. Writes are serialized by the database's write lock, so
// within Write no other consumer can claim the same events.
func (t *tx) ClaimOrgEvents(ctx context.Context, n int) ([]world.OrgEvent, error) {
	return queryAll(ctx, t, "claim org events", scanOrgEvent,
		`SELECT `+orgEventColumns+` FROM org_events AS e
		WHERE e.processed_time IS NULL AND NOT EXISTS (SELECT 1 FROM org_events AS p
			WHERE p.org_id = e.org_id AND p.seq < e.seq AND p.processed_time IS NULL)
		ORDER BY e.event_time, e.org_id, e.seq LIMIT ?`, limit(n))
}

// MarkOrgEventProcessed sets the processed time of (org, seq).
func (t *tx) MarkOrgEventProcessed(ctx context.Context, org string, seq int64, at time.Time) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE org_events SET processed_time = ? WHERE org_id = ? AND seq = ?
		AND processed_time IS NULL`, millis(at), org, seq)
	if err != nil {
		return wrap("mark org event processed", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap("mark org event processed", err)
	}
	if n == 1 {
		return nil
	}
	var exists int
	if err := t.tx.QueryRowContext(ctx, `SELECT count(*) FROM org_events WHERE org_id = ? AND seq = ?`, org, seq).Scan(&exists); err != nil {
		return wrap("mark org event processed", err)
	}
	if exists == 0 {
		return detective.NotFound("Organization %s has no event %d", org, seq)
	}
	return detective.Conflict("Event %d of organization %s was processed already", seq, org)
}

// ListOrgEvents returns one page of the log in order.
func (t *tx) ListOrgEvents(ctx context.Context, p world.ListOrgEventsParams) ([]world.OrgEvent, error) {
	var after int64 = -1 << 62 // before any event: the zero key starts the log
	if !p.After.Time.IsZero() {
		after = millis(p.After.Time)
	}
	return queryAll(ctx, t, "list org events", scanOrgEvent,
		`SELECT `+orgEventColumns+` FROM org_events
		WHERE (?1 = '' OR org_id = ?1) AND (NOT ?2 OR processed_time IS NULL)
			AND (event_time, org_id, seq) > (?3, ?4, ?5)
		ORDER BY event_time, org_id, seq LIMIT ?6`,
		p.Org, p.Unprocessed, after, p.After.Org, p.After.Seq, limit(p.Limit))
}
