package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
)

// IngestedFile implements behavior.Store.
func (s *Store) IngestedFile(ctx context.Context, digest behavior.Digest) (behavior.File, error) {
	f := behavior.File{Digest: digest}
	var ingested int64
	err := s.read.QueryRowContext(ctx, `SELECT records, ingested FROM behavior_files WHERE digest = ?`, digest[:]).
		Scan(&f.Records, &ingested)
	if errors.Is(err, sql.ErrNoRows) {
		return f, detective.NotFound("No file with this digest was ingested")
	}
	if err != nil {
		return f, fmt.Errorf("sqlite: ingested file: %w", err)
	}
	f.Ingested = fromMS(ingested)
	err = queryRows(ctx, s.read, "ingested file", `SELECT account_id, region, package FROM behavior_file_routes
		WHERE digest = ? ORDER BY account_id, region, package`, []any{digest[:]}, func(rows *sql.Rows) error {
		var r behavior.FileRoute
		var account, pkg string
		if err := rows.Scan(&account, &r.Region, &pkg); err != nil {
			return err
		}
		r.Account, r.Package = detective.AccountID(account), detective.DatasourcePackage(pkg)
		f.Routes = append(f.Routes, r)
		return nil
	})
	if err != nil {
		return f, err
	}
	err = queryRows(ctx, s.read, "ingested file", `SELECT account_id, region, package, graph_arn
		FROM behavior_file_graphs WHERE digest = ? ORDER BY graph_arn`, []any{digest[:]}, func(rows *sql.Rows) error {
		var account, region, pkg, g string
		if err := rows.Scan(&account, &region, &pkg, &g); err != nil {
			return err
		}
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
	t, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: put ingested file: %w", err)
	}
	defer func() { _ = t.Rollback() }() // after Commit a no-op; before it, the error says why
	if _, err := t.ExecContext(ctx, `INSERT INTO behavior_files (digest, records, ingested) VALUES (?, ?, ?)
		ON CONFLICT (digest) DO UPDATE SET records = excluded.records, ingested = excluded.ingested`,
		f.Digest[:], f.Records, ms(f.Ingested)); err != nil {
		return fmt.Errorf("sqlite: put ingested file: %w", err)
	}
	for _, r := range f.Routes {
		if _, err := t.ExecContext(ctx, `INSERT INTO behavior_file_routes (digest, account_id, region, package)
			VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, f.Digest[:], string(r.Account), r.Region, string(r.Package)); err != nil {
			return fmt.Errorf("sqlite: put ingested file: %w", err)
		}
	}
	for _, r := range f.Routes {
		for _, g := range r.Graphs {
			if _, err := t.ExecContext(ctx, `INSERT INTO behavior_file_graphs (digest, account_id, region, package,
				graph_arn) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, f.Digest[:], string(r.Account), r.Region,
				string(r.Package), g.String()); err != nil {
				return fmt.Errorf("sqlite: put ingested file: %w", err)
			}
		}
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("sqlite: put ingested file: %w", err)
	}
	return nil
}
