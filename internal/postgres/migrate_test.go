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
		vs[i] = int32(m.version)
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

// TestMigrationsLockstep checks that this package's migrations and
// internal/sqlite's have the same version numbers. It reads the other
// package's files rather than importing it, which the layering forbids.
func TestMigrationsLockstep(t *testing.T) {
	ours, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join("..", "sqlite", "migrations"))
	if err != nil {
		t.Fatalf("read sqlite migrations: %v", err)
	}
	var theirs []int
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".sql" {
			continue
		}
		v, err := migrationVersion(e.Name())
		if err != nil {
			t.Fatalf("sqlite: %v", err)
		}
		theirs = append(theirs, v)
	}
	var want []int
	for _, m := range ours {
		want = append(want, m.version)
	}
	if diff := cmp.Diff(want, theirs); diff != "" {
		t.Errorf("migration versions, postgres (-) vs sqlite (+):\n%s", diff)
	}
}

func TestMigrationVersion(t *testing.T) {
	tests := []struct {
		name string
		want int
		ok   bool
	}{
		{"0001_init.sql", 1, true},
		{"0012_add_things.sql", 12, true},
		{"init.sql", 0, false},
		{"0000_zero.sql", 0, false},
		{"0002_x.txt", 0, false},
	}
	for _, tc := range tests {
		got, err := migrationVersion(tc.name)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("migrationVersion(%q) = %d, %v; want %d, ok %v", tc.name, got, err, tc.want, tc.ok)
		}
	}
}
