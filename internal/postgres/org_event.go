package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

const orgEventColumns = `org_id, seq, id, type, management, account_id, method, principal, event_time, processed_time`

func collectOrgEvent(row pgx.CollectableRow) (world.OrgEvent, error) {
	var (
		e                                world.OrgEvent
		typ, management, account, method string
		processed                        *time.Time
	)
	if err := row.Scan(&e.Org, &e.Seq, &e.ID, &typ, &management, &account, &method, &e.ServicePrincipal,
		&e.Time, &processed); err != nil {
		return world.OrgEvent{}, err
	}
	e.Type, e.Management, e.Account, e.Method = world.OrgEventType(typ), detective.AccountID(management),
		detective.AccountID(account), world.JoinedMethod(method)
	e.Time, e.ProcessedTime = e.Time.UTC(), fromOptionalTime(processed)
	return e, nil
}

// AppendOrgEvent records e, or returns KindConflict.
func (t *tx) AppendOrgEvent(ctx context.Context, e world.OrgEvent) error {
	tag, err := t.tx.Exec(ctx, `INSERT INTO org_events (`+orgEventColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT DO NOTHING`,
		e.Org, e.Seq, e.ID, string(e.Type), string(e.Management), string(e.Account), string(e.Method),
		e.ServicePrincipal, storedTime(e.Time), optionalTime(e.ProcessedTime))
	if err != nil {
		return wrap("append org event", err)
	}
	if tag.RowsAffected() == 0 {
		return detective.Conflict("Organization %s already has event %d", e.Org, e.Seq)
	}
	return nil
}

// ClaimOrgEvents locks the oldest unprocessed event of each organization,
// skipping those another transaction holds. An event whose predecessor is
// unprocessed is never a candidate, so two consumers can never take two
// events of one organization at once; once the holder commits its
// predecessor as processed, the next statement sees the successor.
func (t *tx) ClaimOrgEvents(ctx context.Context, n int) ([]world.OrgEvent, error) {
	rows, _ := t.tx.Query(ctx, `SELECT `+orgEventColumns+` FROM org_events AS e
		WHERE e.processed_time IS NULL AND NOT EXISTS (SELECT 1 FROM org_events AS p
			WHERE p.org_id = e.org_id AND p.seq < e.seq AND p.processed_time IS NULL)
		ORDER BY e.event_time, e.org_id, e.seq LIMIT $1
		FOR UPDATE SKIP LOCKED`, limit(n))
	es, err := pgx.CollectRows(rows, collectOrgEvent)
	if err != nil {
		return nil, wrap("claim org events", err)
	}
	return es, nil
}

// MarkOrgEventProcessed sets the processed time of (org, seq).
func (t *tx) MarkOrgEventProcessed(ctx context.Context, org string, seq int64, at time.Time) error {
	tag, err := t.tx.Exec(ctx, `UPDATE org_events SET processed_time = $3
		WHERE org_id = $1 AND seq = $2 AND processed_time IS NULL`, org, seq, storedTime(at))
	if err != nil {
		return wrap("mark org event processed", err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var exists bool
	if err := t.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM org_events WHERE org_id = $1 AND seq = $2)`, org, seq).Scan(&exists); err != nil {
		return wrap("mark org event processed", err)
	}
	if !exists {
		return detective.NotFound("Organization %s has no event %d", org, seq)
	}
	return detective.Conflict("Event %d of organization %s was processed already", seq, org)
}

// ListOrgEvents returns one page of the log in order.
func (t *tx) ListOrgEvents(ctx context.Context, p world.ListOrgEventsParams) ([]world.OrgEvent, error) {
	rows, _ := t.tx.Query(ctx, `SELECT `+orgEventColumns+` FROM org_events
		WHERE ($1 = '' OR org_id = $1) AND (NOT $2 OR processed_time IS NULL)
			AND ($3::timestamptz IS NULL OR (event_time, org_id, seq) > ($3, $4, $5))
		ORDER BY event_time, org_id, seq LIMIT $6`,
		p.Org, p.Unprocessed, optionalTime(p.After.Time), p.After.Org, p.After.Seq, limit(p.Limit))
	es, err := pgx.CollectRows(rows, collectOrgEvent)
	if err != nil {
		return nil, wrap("list org events", err)
	}
	return es, nil
}
