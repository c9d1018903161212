package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

const (
	graphQuery        = `SELECT admin, region, created_time FROM graphs WHERE arn = ?`
	graphByAdminQuery = `SELECT arn, created_time FROM graphs WHERE admin = ? AND region = ?`
	createGraphQuery  = `INSERT INTO graphs (arn, admin, region, created_time) VALUES (?, ?, ?, ?)`
	deleteGraphQuery  = `DELETE FROM graphs WHERE arn = ?`
	listGraphsQuery   = `SELECT arn, created_time FROM graphs
		WHERE admin = ?1 AND region = ?2 AND arn > ?3
		ORDER BY arn LIMIT ?4`
)

// Graph returns the graph with the given ARN, or KindNotFound.
func (t *tx) Graph(ctx context.Context, graph arn.ARN) (detective.Graph, error) {
	g := detective.Graph{ARN: graph}
	var created int64
	err := t.stmt(ctx, &t.st.graph).QueryRowContext(ctx, graph.String()).Scan((*string)(&g.Admin), &g.Region, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return detective.Graph{}, detective.NotFound("The behavior graph %s does not exist", graph)
	}
	if err != nil {
		return detective.Graph{}, wrap("graph", err)
	}
	g.CreatedTime = fromMillis(created)
	return g, nil
}

// LockGraph is Graph: a Write holds SQLite's write lock from BEGIN
// IMMEDIATE on, so writes to the graph are serialized already.
func (t *tx) LockGraph(ctx context.Context, graph arn.ARN) (detective.Graph, error) {
	return t.Graph(ctx, graph)
}

// ClaimGraph is LockGraph: writes never run side by side on SQLite, so no
// other transaction can hold the graph.
func (t *tx) ClaimGraph(ctx context.Context, graph arn.ARN) (detective.Graph, error) {
	return t.LockGraph(ctx, graph)
}

// GraphByAdmin returns the graph administered by admin in region, or
// KindNotFound.
func (t *tx) GraphByAdmin(ctx context.Context, admin detective.AccountID, region string) (detective.Graph, error) {
	var (
		s       string
		created int64
	)
	err := t.stmt(ctx, &t.st.graphByAdmin).QueryRowContext(ctx, string(admin), region).Scan(&s, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return detective.Graph{}, detective.NotFound("Account %s has no behavior graph in %s", admin, region)
	}
	if err != nil {
		return detective.Graph{}, wrap("graph by admin", err)
	}
	a, err := arn.Parse(s)
	if err != nil {
		return detective.Graph{}, fmt.Errorf("sqlite: graph by admin: stored %w", err)
	}
	return detective.Graph{ARN: a, Admin: admin, Region: region, CreatedTime: fromMillis(created)}, nil
}

// CreateGraph inserts g, or returns KindConflict if its ARN exists or its
// administrator has a graph in its region.
func (t *tx) CreateGraph(ctx context.Context, g detective.Graph) error {
	_, err := t.stmt(ctx, &t.st.createGraph).ExecContext(ctx, g.ARN.String(), string(g.Admin), g.Region, millis(g.CreatedTime))
	if isConflict(err) {
		return &detective.Error{
			Kind:    detective.KindConflict,
			Message: fmt.Sprintf("The behavior graph %s exists, or account %s already has a behavior graph in %s", g.ARN, g.Admin, g.Region),
			Err:     err,
		}
	}
	if err != nil {
		return wrap("create graph", err)
	}
	return nil
}

// DeleteGraph removes the graph; the schema's ON DELETE CASCADE removes its
// members, tags, package states, investigations and indicators.
// KindNotFound if absent.
func (t *tx) DeleteGraph(ctx context.Context, graph arn.ARN) error {
	res, err := t.stmt(ctx, &t.st.deleteGraph).ExecContext(ctx, graph.String())
	if err != nil {
		return wrap("delete graph", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap("delete graph", err)
	}
	if n == 0 {
		return detective.NotFound("The behavior graph %s does not exist", graph)
	}
	return nil
}

// ListGraphs returns one page of p.Admin's graphs in p.Region, by ARN.
func (t *tx) ListGraphs(ctx context.Context, p detective.ListGraphsParams) ([]detective.Graph, error) {
	rows, err := t.stmt(ctx, &t.st.listGraphs).QueryContext(ctx, string(p.Admin), p.Region, p.After, limit(p.Limit))
	if err != nil {
		return nil, wrap("list graphs", err)
	}
	defer rows.Close()
	var gs []detective.Graph
	for rows.Next() {
		var (
			s       string
			created int64
		)
		if err := rows.Scan(&s, &created); err != nil {
			return nil, wrap("list graphs", err)
		}
		a, err := arn.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list graphs: stored %w", err)
		}
		gs = append(gs, detective.Graph{ARN: a, Admin: p.Admin, Region: p.Region, CreatedTime: fromMillis(created)})
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("list graphs", err)
	}
	return gs, nil
}
