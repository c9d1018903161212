package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"

	"github.com/detective-local/detective-local/internal/migration"
)

// migrationFS holds the schema, one file per version, numbered as
// internal/migration requires; internal/postgres numbers its files the same
// way, version for version.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

// migrations returns the embedded migrations in version order.
func migrations() ([]migration.Migration, error) {
	ms, err := migration.Load(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return ms, nil
}

// migrate applies the migrations db lacks, all in one transaction, and
// records each in schema_migrations. It refuses a database that has a
// version this binary does not know: it was written by a newer release.
func migrate(ctx context.Context, db *sql.DB) (err error) {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if schemaCurrent(ctx, db, len(ms)) {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: two processes migrating take turns
	if err != nil {
		return wrap("migrate", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback() // err says why; the rollback cannot add to it
		}
	}()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER NOT NULL PRIMARY KEY,
		name    TEXT    NOT NULL
	) STRICT`); err != nil {
		return wrap("migrate", err)
	}
	applied, err := appliedVersions(ctx, tx)
	if err != nil {
		return err
	}
	known := make(map[int]bool, len(ms))
	for _, m := range ms {
		known[m.Version] = true
	}
	for v := range applied {
		if !known[v] {
			return fmt.Errorf("sqlite: database has schema version %d, which this binary does not know; it was written by a newer release", v)
		}
	}
	for _, m := range ms {
		if applied[m.Version] {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return wrap("migration "+m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", m.Version, m.Name); err != nil {
			return wrap("migration "+m.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return wrap("migrate", err)
	}
	return nil
}

// schemaCurrent reports whether db records exactly the versions 1..n, in
// one read and without the write lock: a restart on a current database,
// the usual case, then skips the migration transaction. Anything else
// (no table yet, a version missing, one this binary does not know, an
// error) is left to migrate's transaction to apply or refuse.
func schemaCurrent(ctx context.Context, db *sql.DB, n int) bool {
	var count, lowest, highest int
	err := db.QueryRowContext(ctx, "SELECT count(*), coalesce(min(version), 0), coalesce(max(version), 0) FROM schema_migrations").
		Scan(&count, &lowest, &highest)
	// Versions are unique (the primary key), so n of them from 1 to n
	// are exactly 1..n.
	return err == nil && count == n && lowest == 1 && highest == n
}

func appliedVersions(ctx context.Context, tx *sql.Tx) (map[int]bool, error) {
	rows, err := tx.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, wrap("migrate", err)
	}
	defer rows.Close()
	applied := make(map[int]bool)
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, wrap("migrate", err)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("migrate", err)
	}
	return applied, nil
}
