package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
)

// IngestedFile implements behavior.Store.
func (s *Store) IngestedFile(ctx context.Context, digest behavior.Digest) (behavior.File, error) {
	f := behavior.File{Digest: digest}
	var ingested int64
	qctx, cancel := context.WithTimeout(ctx, s.callTimeout)
	err := s.pool.QueryRow(qctx, `SELECT records, ingested FROM behavior_files WHERE digest = $1`, digest[:]).
		Scan(&f.Records, &ingested)
	cancel()
	if errors.Is(err, pgx.ErrNoRows) {
		return f, detective.NotFound("No file with this digest was ingested")
	}
	if err != nil {
		return f, wrap("ingested file", err)
	}
	f.Ingested = fromMS(ingested)
	var account, region, pkg string
	err = s.each(ctx, "ingested file", `SELECT account_id, region, package FROM behavior_file_routes
		WHERE digest = $1 ORDER BY account_id, region, package`, []any{digest[:]}, []any{&account, &region, &pkg},
		func() error {
			f.Routes = append(f.Routes, behavior.FileRoute{RouteKey: behavior.RouteKey{Account: detective.AccountID(account),
				Region: region, Package: detective.DatasourcePackage(pkg)}})
			return nil
		})
	if err != nil {
		return f, err
	}
	var g string
	err = s.each(ctx, "ingested file", `SELECT account_id, region, package, graph_arn FROM behavior_file_graphs
		WHERE digest = $1 ORDER BY graph_arn`, []any{digest[:]}, []any{&account, &region, &pkg, &g}, func() error {
		a, err := arn.Parse(g)
		if err != nil {
			return err
		}
		key := behavior.RouteKey{Account: detective.AccountID(account), Region: region, Package: detective.DatasourcePackage(pkg)}
		for i := range f.Routes {
			if f.Routes[i].RouteKey == key {
				f.Routes[i].Graphs = append(f.Routes[i].Graphs, a)
			}
		}
		return nil
	})
	return f, err
}

// PutIngestedFile implements behavior.Store.
func (s *Store) PutIngestedFile(ctx context.Context, f behavior.File) error {
	ctx, cancel := context.WithTimeout(ctx, s.callTimeout)
	defer cancel()
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO behavior_files (digest, records, ingested) VALUES ($1, $2, $3)
		ON CONFLICT (digest) DO UPDATE SET records = excluded.records, ingested = excluded.ingested`,
		f.Digest[:], f.Records, ms(f.Ingested))
	for _, r := range f.Routes {
		b.Queue(`INSERT INTO behavior_file_routes (digest, account_id, region, package) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, f.Digest[:], string(r.Account), r.Region, string(r.Package))
	}
	for _, r := range f.Routes {
		for _, g := range r.Graphs {
			b.Queue(`INSERT INTO behavior_file_graphs (digest, account_id, region, package, graph_arn)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, f.Digest[:], string(r.Account), r.Region,
				string(r.Package), g.String())
		}
	}
	// One implicit transaction: a batch outside one runs as one.
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return wrap("put ingested file", err)
	}
	return nil
}
