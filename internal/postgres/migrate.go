package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/migration"
)

// migrationFS holds the schema, one file per version, numbered as
// internal/migration requires and in lockstep with internal/sqlite's.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

// migrationLockClass is the first key of the advisory lock that migrations
// take; the second is a hash of the schema. Any constant works as long as
// nothing else in the database uses it: it spells "DETE".
const migrationLockClass = 0x44455445

// migrations returns the embedded migrations in version order.
func migrations() ([]migration.Migration, error) {
	ms, err := migration.Load(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return ms, nil
}

// migrate applies the migrations the schema has not had, all in one
// transaction. Replicas that start together would race to create the same
// tables (CREATE TABLE IF NOT EXISTS is not safe against a concurrent
// create), so the transaction first takes an advisory lock: the second
// replica waits, then finds every version recorded and does nothing. The
// lock is keyed by schema so that separate schemas in one database, such as
// parallel tests', do not wait for each other. Being transaction-scoped, it
// is released even if this process dies mid-migration.
//
// A database migrated by a newer build has versions this one lacks; they
// are ignored, so that old replicas keep running during a rolling upgrade.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if s.schemaCurrent(ctx, len(ms)) {
		return nil
	}
	err = pgx.BeginFunc(ctx, s.pool, func(t pgx.Tx) error {
		if _, err := t.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(coalesce(current_schema(), '')))`, migrationLockClass); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		if _, err := t.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		rows, _ := t.Query(ctx, `SELECT version FROM schema_migrations`)
		versions, err := pgx.CollectRows(rows, pgx.RowTo[int32])
		if err != nil {
			return fmt.Errorf("read schema_migrations: %w", err)
		}
		applied := make(map[int]bool, len(versions))
		for _, v := range versions {
			applied[int(v)] = true
		}
		for _, m := range ms {
			if applied[m.Version] {
				continue
			}
			// Without arguments pgx uses the simple protocol, which runs
			// a file of several statements.
			if _, err := t.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("apply %s: %w", m.Name, err)
			}
			if _, err := t.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, m.Version); err != nil {
				return fmt.Errorf("record %s: %w", m.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}

// schemaCurrent reports whether the schema records every version 1..n, in
// one round trip (the simple protocol prepares nothing) and without the
// lock: a restart on a current schema, the usual case, then skips the
// migration transaction. Versions above n are a newer build's and are
// ignored, as migrate ignores them. Anything else (no table yet, a version
// missing, an error) is left to migrate's transaction.
func (s *Store) schemaCurrent(ctx context.Context, n int) bool {
	var count int
	// Versions are unique (the primary key), so n of them between 1 and
	// n are exactly 1..n.
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version BETWEEN 1 AND $1`,
		pgx.QueryExecModeSimpleProtocol, n).Scan(&count)
	return err == nil && count == n
}
