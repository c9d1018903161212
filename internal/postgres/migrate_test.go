package postgres

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/migration"
)

// mustVersions returns the versions recorded in schema_migrations.
func mustVersions(tb testing.TB, s *Store) []int32 {
	tb.Helper()
	rows, _ := s.pool.Query(context.Background(), `SELECT version FROM schema_migrations ORDER BY version`)
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		tb.Fatalf("read schema_migrations: %v", err)
	}
	return vs
}

func wantVersions(tb testing.TB) []int32 {
	tb.Helper()
	ms, err := migrations()
	if err != nil {
		tb.Fatalf("migrations: %v", err)
	}
	vs := make([]int32, len(ms))
	for i, m := range ms {
		vs[i] = int32(m.Version)
	}
	return vs
}

func TestOpenConcurrentReplicas(t *testing.T) {
	t.Parallel()
	dsn := mustSchema(t)
	const replicas = 4
	stores := make([]*Store, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() { stores[i], errs[i] = Open(context.Background(), dsn) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: Open: %v", i, err)
		}
		t.Cleanup(func() { stores[i].Close() })
	}
	if diff := cmp.Diff(wantVersions(t), mustVersions(t, stores[0])); diff != "" {
		t.Errorf("schema_migrations (-want +got):\n%s", diff)
	}
	// Each replica sees what another wrote.
	mustCreateGraph(t, stores[0], testGraph())
	for i, s := range stores {
		err := s.Read(context.Background(), func(tx detective.Tx) error {
			_, err := tx.Graph(context.Background(), testGraph())
			return err
		})
		if err != nil {
			t.Errorf("replica %d: Graph: %v", i, err)
		}
	}
}

func TestMigrateTwiceIsNoOp(t *testing.T) {
	t.Parallel()
	dsn := mustSchema(t)
	s := mustOpen(t, dsn)
	mustCreateGraph(t, s, testGraph())
	if err := s.migrate(context.Background()); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	s.Close()
	s = mustOpen(t, dsn) // and a third, from a fresh process's point of view
	if diff := cmp.Diff(wantVersions(t), mustVersions(t, s)); diff != "" {
		t.Errorf("schema_migrations (-want +got):\n%s", diff)
	}
	err := s.Read(context.Background(), func(tx detective.Tx) error {
		_, err := tx.Graph(context.Background(), testGraph())
		return err
	})
	if err != nil {
		t.Errorf("Graph after reopening: %v", err)
	}
}

// TestSchemaCurrent checks the check that lets a restart skip the
// migration transaction: it holds for every version 1..n, with or without
// a newer build's versions, and for nothing less.
func TestSchemaCurrent(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, mustSchema(t))
	ctx := context.Background()
	n := len(wantVersions(t))
	exec := func(q string) {
		t.Helper()
		if _, err := s.pool.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if !s.schemaCurrent(ctx, n) {
		t.Fatalf("schemaCurrent of a migrated schema = false, want true")
	}
	exec(`INSERT INTO schema_migrations (version) VALUES (9999)`)
	if !s.schemaCurrent(ctx, n) {
		t.Errorf("schemaCurrent with a newer build's version 9999 = false, want true")
	}
	exec(`UPDATE schema_migrations SET version = 0 WHERE version = 1`)
	if s.schemaCurrent(ctx, n) {
		t.Errorf("schemaCurrent without version 1 = true, want false")
	}
	exec(`UPDATE schema_migrations SET version = 1 WHERE version = 0`)
	exec(`ALTER TABLE schema_migrations RENAME TO m`)
	if s.schemaCurrent(ctx, n) {
		t.Errorf("schemaCurrent without schema_migrations = true, want false")
	}
}

// TestMigrationsLockstep checks that this package's migrations and
// internal/sqlite's have the same version numbers. It reads the other
// package's files rather than importing it, which the layering forbids.
func TestMigrationsLockstep(t *testing.T) {
	ours, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := migration.Load(os.DirFS(filepath.Join("..", "sqlite")), "migrations")
	if err != nil {
		t.Fatalf("sqlite migrations: %v", err)
	}
	versions := func(ms []migration.Migration) (vs []int) {
		for _, m := range ms {
			vs = append(vs, m.Version)
		}
		return vs
	}
	if diff := cmp.Diff(versions(ours), versions(theirs)); diff != "" {
		t.Errorf("migration versions, postgres (-) vs sqlite (+):\n%s", diff)
	}
}
