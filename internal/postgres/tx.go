package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// tx is a detective.Tx, and a world.Tx, over one pgx transaction. Every query has a fixed
// text, so pgx prepares it once per connection and reuses it.
type tx struct {
	tx boundedTx
}

var (
	_ detective.Tx = (*tx)(nil)
	_ world.Tx     = (*tx)(nil)
)

// DeleteAll empties every table but schema_migrations. DELETE rather than
// TRUNCATE: TRUNCATE is not MVCC-safe, so a concurrent REPEATABLE READ
// reader could see the tables empty before the reset commits.
func (t *tx) DeleteAll(ctx context.Context) error {
	b := &pgx.Batch{}
	for _, table := range []string{"indicators", "investigations", "graph_packages",
		"members", "tags", "graphs", "accounts", "organization_admins",
		// What else belongs to an organization goes by ON DELETE CASCADE.
		"organizations", "sessions", "org_events",
		// The behavior graphs' data, as SQLite's reset empties it too.
		"behavior_keys", "behavior_api_calls", "behavior_entities", "behavior_links", "behavior_ips",
		"behavior_flows", "behavior_findings", "behavior_finding_entities", "behavior_k8s", "behavior_volume",
		"behavior_files", "behavior_file_routes", "behavior_file_graphs",
		// Which S3 objects were ingested goes with what they brought.
		"ingest_objects"} {
		b.Queue(`DELETE FROM ` + table)
	}
	if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
		return wrap("delete all", err)
	}
	return nil
}

const graphColumns = `arn, admin, region, created_time`

func scanGraph(row pgx.CollectableRow) (detective.Graph, error) {
	var (
		g        detective.Graph
		a, admin string
	)
	if err := row.Scan(&a, &admin, &g.Region, &g.CreatedTime); err != nil {
		return detective.Graph{}, err
	}
	parsed, err := arn.Parse(a)
	if err != nil {
		return detective.Graph{}, err
	}
	g.ARN, g.Admin, g.CreatedTime = parsed, detective.AccountID(admin), g.CreatedTime.UTC()
	return g, nil
}

// oneGraph returns the single graph query selects, or KindNotFound.
func (t *tx) oneGraph(ctx context.Context, op, what string, query string, args ...any) (detective.Graph, error) {
	rows, _ := t.tx.Query(ctx, query, args...)
	g, err := pgx.CollectExactlyOneRow(rows, scanGraph)
	if errors.Is(err, pgx.ErrNoRows) {
		return detective.Graph{}, detective.NotFound("The behavior graph %s does not exist", what)
	}
	if err != nil {
		return detective.Graph{}, wrap(op, err)
	}
	return g, nil
}

// Graph returns the graph with the given ARN, or KindNotFound.
func (t *tx) Graph(ctx context.Context, graph arn.ARN) (detective.Graph, error) {
	return t.oneGraph(ctx, "graph", graph.String(),
		`SELECT `+graphColumns+` FROM graphs WHERE arn = $1`, graph.String())
}

// LockGraph is Graph that also holds the row lock until the transaction
// ends. FOR UPDATE rather than FOR NO KEY UPDATE because DeleteGraph deletes
// the row under the same lock.
func (t *tx) LockGraph(ctx context.Context, graph arn.ARN) (detective.Graph, error) {
	return t.oneGraph(ctx, "lock graph", graph.String(),
		`SELECT `+graphColumns+` FROM graphs WHERE arn = $1 FOR UPDATE`, graph.String())
}

// ClaimGraph locks the graph's row unless another transaction holds it:
// SKIP LOCKED returns no row then, and a plain read tells a held graph
// (KindConflict) from a missing one (KindNotFound).
func (t *tx) ClaimGraph(ctx context.Context, graph arn.ARN) (detective.Graph, error) {
	g, err := t.oneGraph(ctx, "claim graph", graph.String(),
		`SELECT `+graphColumns+` FROM graphs WHERE arn = $1 FOR UPDATE SKIP LOCKED`, graph.String())
	if detective.KindOf(err) != detective.KindNotFound {
		return g, err
	}
	if _, err := t.Graph(ctx, graph); err != nil {
		return detective.Graph{}, err
	}
	return detective.Graph{}, detective.Conflict("The behavior graph %s is being changed by another request", graph)
}

// GraphByAdmin returns admin's graph in region, or KindNotFound.
func (t *tx) GraphByAdmin(ctx context.Context, admin detective.AccountID, region string) (detective.Graph, error) {
	return t.oneGraph(ctx, "graph by admin", fmt.Sprintf("of account %s in %s", admin, region),
		`SELECT `+graphColumns+` FROM graphs WHERE admin = $1 AND region = $2`, string(admin), region)
}

// CreateGraph inserts g, or returns KindConflict. ON CONFLICT DO NOTHING,
// rather than letting the insert fail with 23505, keeps the transaction
// usable after a conflict, as it is on SQLite. Against a concurrent insert
// of the same key it waits for that transaction and then reports the
// conflict if it committed.
func (t *tx) CreateGraph(ctx context.Context, g detective.Graph) error {
	tag, err := t.tx.Exec(ctx,
		`INSERT INTO graphs (`+graphColumns+`) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
		g.ARN.String(), string(g.Admin), g.Region, storedTime(g.CreatedTime))
	if err != nil {
		return wrap("create graph", err)
	}
	if tag.RowsAffected() == 0 {
		return detective.Conflict("Account %s already has a behavior graph in %s, or the graph %s exists", g.Admin, g.Region, g.ARN)
	}
	return nil
}

// DeleteGraph deletes the graph; its members, tags, package states,
// investigations and indicators go by ON DELETE CASCADE.
func (t *tx) DeleteGraph(ctx context.Context, graph arn.ARN) error {
	tag, err := t.tx.Exec(ctx, `DELETE FROM graphs WHERE arn = $1`, graph.String())
	if err != nil {
		return wrap("delete graph", err)
	}
	if tag.RowsAffected() == 0 {
		return detective.NotFound("The behavior graph %s does not exist", graph)
	}
	return nil
}

// ListGraphs returns one page of p.Admin's graphs in p.Region.
func (t *tx) ListGraphs(ctx context.Context, p detective.ListGraphsParams) ([]detective.Graph, error) {
	rows, _ := t.tx.Query(ctx,
		`SELECT `+graphColumns+` FROM graphs
		WHERE admin = $1 AND region = $2 AND arn > $3
		ORDER BY arn LIMIT $4`,
		string(p.Admin), p.Region, p.After, limit(p.Limit))
	gs, err := pgx.CollectRows(rows, scanGraph)
	if err != nil {
		return nil, wrap("list graphs", err)
	}
	return gs, nil
}

// Tags returns resource's tags; an empty map if it has none.
func (t *tx) Tags(ctx context.Context, resource arn.ARN) (map[string]string, error) {
	rows, err := t.tx.Query(ctx, `SELECT key, value FROM tags WHERE resource_arn = $1`, resource.String())
	if err != nil {
		return nil, wrap("tags", err)
	}
	tags := map[string]string{}
	var k, v string
	_, err = pgx.ForEachRow(rows, []any{&k, &v}, func() error {
		tags[k] = v
		return nil
	})
	if err != nil {
		return nil, wrap("tags", err)
	}
	return tags, nil
}

// PutTags upserts every tag in one round trip.
func (t *tx) PutTags(ctx context.Context, resource arn.ARN, tags map[string]string) error {
	if len(tags) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for k, v := range tags {
		b.Queue(`INSERT INTO tags (resource_arn, key, value) VALUES ($1, $2, $3)
			ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value`,
			resource.String(), k, v)
	}
	if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
		return wrap("put tags", err)
	}
	return nil
}

// DeleteTags removes the given keys from resource.
func (t *tx) DeleteTags(ctx context.Context, resource arn.ARN, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	if _, err := t.tx.Exec(ctx, `DELETE FROM tags WHERE resource_arn = $1 AND key = ANY($2)`,
		resource.String(), keys); err != nil {
		return wrap("delete tags", err)
	}
	return nil
}

// storedTime is t as stored: truncated to the millisecond that the wire and the
// SQLite store keep (timestamptz would keep microseconds), so both stores
// return the same value.
func storedTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Millisecond)
}

// limit is a page size as a LIMIT argument: NULL, meaning no limit, when
// the caller set none.
func limit(n int) *int64 {
	if n <= 0 {
		return nil
	}
	l := int64(n)
	return &l
}
