package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/columncodec"
	"github.com/detective-local/detective-local/internal/detective"
)

// investigationColumns are the columns scanInvestigation reads.
const investigationColumns = `graph_arn, id, entity_arn, entity_type, status, severity, state,
	created_time, scope_start, scope_end, completed_time`

const (
	createInvestigationQuery = `INSERT INTO investigations (` + investigationColumns + `)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	investigationQuery = `SELECT ` + investigationColumns + ` FROM investigations
		WHERE graph_arn = ? AND id = ?`
	updateInvestigationStateQuery = `UPDATE investigations SET state = ?3
		WHERE graph_arn = ?1 AND id = ?2`
	// listInvestigationsQuery walks the investigations_created index, so
	// the rows come in order without a sort.
	listInvestigationsQuery = `SELECT ` + investigationColumns + ` FROM investigations
		WHERE graph_arn = ? ORDER BY created_time, id`
	indicatorsQuery = `SELECT type, detail FROM indicators
		WHERE graph_arn = ? AND investigation_id = ? ORDER BY seq`
	deleteIndicatorsQuery = `DELETE FROM indicators WHERE graph_arn = ? AND investigation_id = ?`
	putIndicatorQuery     = `INSERT INTO indicators (graph_arn, investigation_id, seq, type, detail)
		VALUES (?, ?, ?, ?, ?)`
)

// CreateInvestigation inserts inv, or returns KindConflict if its ID exists
// in its graph. The transaction stays usable after a conflict.
func (t *tx) CreateInvestigation(ctx context.Context, inv detective.Investigation) error {
	_, err := t.stmt(ctx, &t.st.createInvestigation).ExecContext(ctx, inv.Graph.String(), inv.ID,
		inv.EntityARN, string(inv.EntityType), string(inv.Status), string(inv.Severity), string(inv.State),
		millis(inv.CreatedTime), millis(inv.ScopeStart), millis(inv.ScopeEnd), millis(inv.CompletedTime))
	if isConflict(err) {
		return &detective.Error{
			Kind:    detective.KindConflict,
			Message: fmt.Sprintf("The investigation %s already exists in the behavior graph %s", inv.ID, inv.Graph),
			Err:     err,
		}
	}
	if err != nil {
		return wrap("create investigation", err)
	}
	return nil
}

// Investigation returns the investigation id of graph, or KindNotFound.
func (t *tx) Investigation(ctx context.Context, graph arn.ARN, id string) (detective.Investigation, error) {
	inv, err := scanInvestigation(t.stmt(ctx, &t.st.investigation).QueryRowContext(ctx, graph.String(), id))
	if errors.Is(err, sql.ErrNoRows) {
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
	res, err := t.stmt(ctx, &t.st.updateInvestigationState).ExecContext(ctx, graph.String(), id, string(state))
	if err != nil {
		return wrap("update investigation state", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap("update investigation state", err)
	}
	if n == 0 {
		return investigationNotFound(graph, id)
	}
	return nil
}

// ListInvestigations returns every investigation of graph by CreatedTime,
// then ID.
func (t *tx) ListInvestigations(ctx context.Context, graph arn.ARN) ([]detective.Investigation, error) {
	rows, err := t.stmt(ctx, &t.st.listInvestigations).QueryContext(ctx, graph.String())
	if err != nil {
		return nil, wrap("list investigations", err)
	}
	defer rows.Close()
	var out []detective.Investigation
	for rows.Next() {
		inv, err := scanInvestigation(rows)
		if err != nil {
			return nil, wrap("list investigations", err)
		}
		out = append(out, inv)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("list investigations", err)
	}
	return out, nil
}

// Indicators returns the indicators of investigation id of graph in the
// order PutIndicators was given them; none if the investigation has none
// or does not exist. Detail values come back as decodeDetail describes.
func (t *tx) Indicators(ctx context.Context, graph arn.ARN, id string) ([]detective.Indicator, error) {
	rows, err := t.stmt(ctx, &t.st.indicators).QueryContext(ctx, graph.String(), id)
	if err != nil {
		return nil, wrap("indicators", err)
	}
	defer rows.Close()
	var out []detective.Indicator
	for rows.Next() {
		var (
			ind    detective.Indicator
			detail string
		)
		if err := rows.Scan((*string)(&ind.Type), &detail); err != nil {
			return nil, wrap("indicators", err)
		}
		if ind.Detail, err = columncodec.DecodeDetail(detail); err != nil {
			return nil, wrap("indicators: stored detail", err)
		}
		out = append(out, ind)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("indicators", err)
	}
	return out, nil
}

// PutIndicators replaces the indicators of investigation id of graph with
// inds, kept in their order. The investigation must exist: the schema's
// foreign key refuses indicators of an unknown one, an internal error.
func (t *tx) PutIndicators(ctx context.Context, graph arn.ARN, id string, inds []detective.Indicator) error {
	if _, err := t.stmt(ctx, &t.st.deleteIndicators).ExecContext(ctx, graph.String(), id); err != nil {
		return wrap("put indicators", err)
	}
	put := t.stmt(ctx, &t.st.putIndicator)
	for i, ind := range inds {
		detail, err := columncodec.EncodeDetail(ind.Detail)
		if err != nil {
			return wrap("put indicators", err)
		}
		if _, err := put.ExecContext(ctx, graph.String(), id, i, string(ind.Type), detail); err != nil {
			return wrap("put indicators", err)
		}
	}
	return nil
}

func investigationNotFound(graph arn.ARN, id string) error {
	return detective.NotFound("The investigation %s does not exist in the behavior graph %s", id, graph)
}

// scanInvestigation reads one row of investigationColumns from a *sql.Row
// or *sql.Rows.
func scanInvestigation(row interface{ Scan(...any) error }) (detective.Investigation, error) {
	var (
		inv                            detective.Investigation
		graph                          string
		created, start, end, completed int64
	)
	if err := row.Scan(&graph, &inv.ID, &inv.EntityARN, (*string)(&inv.EntityType), (*string)(&inv.Status),
		(*string)(&inv.Severity), (*string)(&inv.State), &created, &start, &end, &completed); err != nil {
		return detective.Investigation{}, err
	}
	a, err := arn.Parse(graph)
	if err != nil {
		return detective.Investigation{}, fmt.Errorf("stored %w", err)
	}
	inv.Graph = a
	inv.CreatedTime, inv.ScopeStart, inv.ScopeEnd = fromMillis(created), fromMillis(start), fromMillis(end)
	inv.CompletedTime = fromMillis(completed)
	return inv, nil
}

// ClaimInvestigation leases the oldest RUNNING investigation whose lease
// ended at or before now. The transaction is BEGIN IMMEDIATE, so no other
// writer can claim between the read and the update.
func (t *tx) ClaimInvestigation(ctx context.Context, now, until time.Time) (detective.Investigation, bool, error) {
	inv, err := scanInvestigation(t.tx.QueryRowContext(ctx, `UPDATE investigations SET lease_until = ?2
		WHERE (graph_arn, id) = (SELECT graph_arn, id FROM investigations
			WHERE status = 'RUNNING' AND lease_until <= ?1 ORDER BY lease_until, created_time LIMIT 1)
		RETURNING `+investigationColumns, millis(now), millis(until)))
	if errors.Is(err, sql.ErrNoRows) {
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
	res, err := t.tx.ExecContext(ctx, `UPDATE investigations
		SET status = ?3, severity = ?4, completed_time = ?5, explanation = ?6, lease_until = 0
		WHERE graph_arn = ?1 AND id = ?2 AND status = 'RUNNING'`,
		inv.Graph.String(), inv.ID, string(inv.Status), string(inv.Severity), millis(inv.CompletedTime), explanation)
	if err != nil {
		return wrap("complete investigation", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrap("complete investigation", err)
	} else if n == 1 {
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
	err := t.tx.QueryRowContext(ctx, `SELECT explanation FROM investigations WHERE graph_arn = ? AND id = ?`,
		graph.String(), id).Scan(&expl)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, investigationNotFound(graph, id)
	}
	if err != nil {
		return nil, wrap("investigation explanation", err)
	}
	return expl, nil
}
