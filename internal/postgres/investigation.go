package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/columncodec"
	"github.com/detective-local/detective-local/internal/detective"
)

const investigationColumns = `graph_arn, id, entity_arn, entity_type, status, severity, state,
	created_time, scope_start, scope_end, completed_time`

func scanInvestigation(row pgx.CollectableRow) (detective.Investigation, error) {
	var (
		inv                                           detective.Investigation
		graph, entityType, status, severity, invState string
	)
	if err := row.Scan(&graph, &inv.ID, &inv.EntityARN, &entityType, &status, &severity, &invState,
		&inv.CreatedTime, &inv.ScopeStart, &inv.ScopeEnd, &inv.CompletedTime); err != nil {
		return detective.Investigation{}, err
	}
	g, err := arn.Parse(graph)
	if err != nil {
		return detective.Investigation{}, err
	}
	inv.Graph = g
	inv.EntityType, inv.Status = detective.EntityType(entityType), detective.InvestigationStatus(status)
	inv.Severity, inv.State = detective.Severity(severity), detective.InvestigationState(invState)
	// pgx returns timestamptz in the local zone; the domain works in UTC.
	inv.CreatedTime, inv.ScopeStart, inv.ScopeEnd = inv.CreatedTime.UTC(), inv.ScopeStart.UTC(), inv.ScopeEnd.UTC()
	inv.CompletedTime = inv.CompletedTime.UTC()
	return inv, nil
}

// CreateInvestigation inserts inv, or returns KindConflict if its ID exists
// in its graph. ON CONFLICT DO NOTHING, as in CreateGraph, keeps the
// transaction usable after a conflict, as it is on SQLite.
func (t *tx) CreateInvestigation(ctx context.Context, inv detective.Investigation) error {
	tag, err := t.tx.Exec(ctx,
		`INSERT INTO investigations (`+investigationColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
		inv.Graph.String(), inv.ID, inv.EntityARN, string(inv.EntityType), string(inv.Status),
		string(inv.Severity), string(inv.State), storedTime(inv.CreatedTime), storedTime(inv.ScopeStart),
		storedTime(inv.ScopeEnd), storedTime(inv.CompletedTime))
	if err != nil {
		return wrap("create investigation", err)
	}
	if tag.RowsAffected() == 0 {
		return detective.Conflict("The investigation %s already exists in the behavior graph %s", inv.ID, inv.Graph)
	}
	return nil
}

// Investigation returns the investigation id of graph, or KindNotFound.
func (t *tx) Investigation(ctx context.Context, graph arn.ARN, id string) (detective.Investigation, error) {
	rows, _ := t.tx.Query(ctx, `SELECT `+investigationColumns+` FROM investigations
		WHERE graph_arn = $1 AND id = $2`, graph.String(), id)
	inv, err := pgx.CollectExactlyOneRow(rows, scanInvestigation)
	if errors.Is(err, pgx.ErrNoRows) {
		return detective.Investigation{}, investigationNotFound(graph, id)
	}
	if err != nil {
		return detective.Investigation{}, wrap("investigation", err)
	}
	return inv, nil
}

// UpdateInvestigationState sets the State of an existing investigation, or
// returns KindNotFound.
func (t *tx) UpdateInvestigationState(ctx context.Context, graph arn.ARN, id string, state detective.InvestigationState) error {
	tag, err := t.tx.Exec(ctx, `UPDATE investigations SET state = $3 WHERE graph_arn = $1 AND id = $2`,
		graph.String(), id, string(state))
	if err != nil {
		return wrap("update investigation state", err)
	}
	if tag.RowsAffected() == 0 {
		return investigationNotFound(graph, id)
	}
	return nil
}

// ListInvestigations returns every investigation of graph by CreatedTime,
// then ID, along the investigations_created index.
func (t *tx) ListInvestigations(ctx context.Context, graph arn.ARN) ([]detective.Investigation, error) {
	rows, _ := t.tx.Query(ctx, `SELECT `+investigationColumns+` FROM investigations
		WHERE graph_arn = $1 ORDER BY created_time, id`, graph.String())
	out, err := pgx.CollectRows(rows, scanInvestigation)
	if err != nil {
		return nil, wrap("list investigations", err)
	}
	return out, nil
}

// Indicators returns the indicators of investigation id of graph in the
// order PutIndicators was given them; none if the investigation has none
// or does not exist. Detail values come back as decodeDetail describes.
func (t *tx) Indicators(ctx context.Context, graph arn.ARN, id string) ([]detective.Indicator, error) {
	rows, _ := t.tx.Query(ctx, `SELECT type, detail FROM indicators
		WHERE graph_arn = $1 AND investigation_id = $2 ORDER BY seq`, graph.String(), id)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (detective.Indicator, error) {
		var typ, detail string
		if err := row.Scan(&typ, &detail); err != nil {
			return detective.Indicator{}, err
		}
		d, err := columncodec.DecodeDetail(detail)
		if err != nil {
			return detective.Indicator{}, fmt.Errorf("stored detail: %w", err)
		}
		return detective.Indicator{Type: detective.IndicatorType(typ), Detail: d}, nil
	})
	if err != nil {
		return nil, wrap("indicators", err)
	}
	return out, nil
}

// PutIndicators replaces the indicators of investigation id of graph with
// inds, kept in their order, in one round trip. The investigation must
// exist: the schema's foreign key refuses indicators of an unknown one, an
// internal error.
func (t *tx) PutIndicators(ctx context.Context, graph arn.ARN, id string, inds []detective.Indicator) error {
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM indicators WHERE graph_arn = $1 AND investigation_id = $2`, graph.String(), id)
	for i, ind := range inds {
		detail, err := columncodec.EncodeDetail(ind.Detail)
		if err != nil {
			return wrap("put indicators", err)
		}
		b.Queue(`INSERT INTO indicators (graph_arn, investigation_id, seq, type, detail)
			VALUES ($1, $2, $3, $4, $5)`, graph.String(), id, int32(i), string(ind.Type), detail)
	}
	if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
		return wrap("put indicators", err)
	}
	return nil
}

func investigationNotFound(graph arn.ARN, id string) error {
	return detective.NotFound("The investigation %s does not exist in the behavior graph %s", id, graph)
}

// ClaimInvestigation leases the oldest RUNNING investigation whose lease
// ended at or before now. SKIP LOCKED passes over a row another
// transaction is claiming or completing, so replicas never wait on each
// other or take the same one.
func (t *tx) ClaimInvestigation(ctx context.Context, now, until time.Time) (detective.Investigation, bool, error) {
	rows, _ := t.tx.Query(ctx, `UPDATE investigations SET lease_until = $2
		WHERE (graph_arn, id) = (SELECT graph_arn, id FROM investigations
			WHERE status = 'RUNNING' AND lease_until <= $1 ORDER BY lease_until, created_time LIMIT 1
			FOR UPDATE SKIP LOCKED)
		RETURNING `+investigationColumns, storedTime(now), storedTime(until))
	inv, err := pgx.CollectExactlyOneRow(rows, scanInvestigation)
	if errors.Is(err, pgx.ErrNoRows) {
		return detective.Investigation{}, false, nil
	}
	if err != nil {
		return detective.Investigation{}, false, wrap("claim investigation", err)
	}
	return inv, true, nil
}

// CompleteInvestigation stores the outcome of a RUNNING investigation, or
// returns KindNotFound (absent) or KindConflict (no longer RUNNING).
func (t *tx) CompleteInvestigation(ctx context.Context, inv detective.Investigation, explanation []byte) error {
	tag, err := t.tx.Exec(ctx, `UPDATE investigations
		SET status = $3, severity = $4, completed_time = $5, explanation = $6, lease_until = '-infinity'
		WHERE graph_arn = $1 AND id = $2 AND status = 'RUNNING'`,
		inv.Graph.String(), inv.ID, string(inv.Status), string(inv.Severity), storedTime(inv.CompletedTime), explanation)
	if err != nil {
		return wrap("complete investigation", err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	if _, err := t.Investigation(ctx, inv.Graph, inv.ID); err != nil {
		return err
	}
	return detective.Conflict("The investigation %s is no longer running", inv.ID)
}

// InvestigationExplanation returns the stored explanation of an
// investigation, or KindNotFound.
func (t *tx) InvestigationExplanation(ctx context.Context, graph arn.ARN, id string) ([]byte, error) {
	var expl []byte
	err := t.tx.QueryRow(ctx, `SELECT explanation FROM investigations WHERE graph_arn = $1 AND id = $2`,
		graph.String(), id).Scan(&expl)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, investigationNotFound(graph, id)
	}
	if err != nil {
		return nil, wrap("investigation explanation", err)
	}
	return expl, nil
}
