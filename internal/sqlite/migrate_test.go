package sqlite

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

func TestMigrationVersions(t *testing.T) {
	t.Parallel()
	ms, err := migrations()
	if err != nil {
		t.Fatalf("migrations: %v", err)
	}
	var vs []int
	for _, m := range ms {
		vs = append(vs, m.Version)
	}

	s := mustOpen(t, filepath.Join(t.TempDir(), "d.db"))
	if applied := mustAppliedVersions(t, s); !slices.Equal(applied, vs) {
		t.Errorf("schema_migrations = %v, want %v", applied, vs)
	}
}

// mustAppliedVersions returns the migration versions recorded in s.
func mustAppliedVersions(tb testing.TB, s *Store) []int {
	tb.Helper()
	rows, err := s.read.QueryContext(tb.Context(), "SELECT version FROM schema_migrations ORDER BY version")
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var applied []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			tb.Fatal(err)
		}
		applied = append(applied, v)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return applied
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "d.db")
	ms, err := migrations()
	if err != nil {
		t.Fatalf("migrations: %v", err)
	}
	var want []int
	for _, m := range ms {
		want = append(want, m.Version)
	}
	g := detective.Graph{ARN: arn.Graph("us-east-1", "111111111111", "0123456789abcdef0123456789abcdef"),
		Admin: "111111111111", Region: "us-east-1", CreatedTime: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)}
	for i := range 3 {
		s, err := Open(t.Context(), path)
		if err != nil {
			t.Fatalf("Open #%d: %v", i+1, err)
		}
		// Each migration is recorded once, and reopening keeps the data:
		// a migration run again would fail or wipe its tables.
		if applied := mustAppliedVersions(t, s); !slices.Equal(applied, want) {
			t.Errorf("Open #%d: schema_migrations = %v, want %v", i+1, applied, want)
		}
		err = s.Write(t.Context(), func(tx detective.Tx) error {
			if i == 0 {
				return tx.CreateGraph(t.Context(), g)
			}
			_, err := tx.Graph(t.Context(), g.ARN)
			return err
		})
		if err != nil {
			t.Errorf("Open #%d: the graph written after the first open: %v", i+1, err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
}

// TestMigrateRefusesNewerSchema checks that an old binary does not run on
// a database a newer one has migrated: it would not know the schema.
func TestMigrateRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "d.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if _, err := s.write.ExecContext(t.Context(), "INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future.sql')"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s, err = Open(t.Context(), path)
	if err == nil {
		s.Close()
		t.Fatalf("Open of a database with schema version 9999 succeeded, want an error")
	}
	if !strings.Contains(err.Error(), "9999") {
		t.Errorf("Open error = %v, want it to name version 9999", err)
	}
}

// TestSchemaCurrent checks the check that lets a restart skip the
// migration transaction: it holds only for exactly the versions 1..n, so
// that a missing or unknown version still reaches migrate's transaction.
// Each case breaks one of its three conditions.
func TestSchemaCurrent(t *testing.T) {
	t.Parallel()
	ms, err := migrations()
	if err != nil {
		t.Fatalf("migrations: %v", err)
	}
	n := len(ms)
	if n < 2 {
		t.Skip("needs two migrations")
	}
	s := mustOpen(t, filepath.Join(t.TempDir(), "d.db"))
	ctx := t.Context()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := s.write.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if !schemaCurrent(ctx, s.write, n) {
		t.Fatalf("schemaCurrent of a migrated database = false, want true")
	}
	for _, tc := range []struct {
		name         string
		change, undo string
	}{
		{"version 2 missing", "DELETE FROM schema_migrations WHERE version = 2", "INSERT INTO schema_migrations (version, name) VALUES (2, 'x.sql')"},
		{"version 0 instead of 1", "UPDATE schema_migrations SET version = 0 WHERE version = 1", "UPDATE schema_migrations SET version = 1 WHERE version = 0"},
		{"an unknown version instead of the last", "UPDATE schema_migrations SET version = 9999 WHERE version = " + strconv.Itoa(n),
			"UPDATE schema_migrations SET version = " + strconv.Itoa(n) + " WHERE version = 9999"},
		{"no schema_migrations", "ALTER TABLE schema_migrations RENAME TO m", "ALTER TABLE m RENAME TO schema_migrations"},
	} {
		exec(tc.change)
		if schemaCurrent(ctx, s.write, n) {
			t.Errorf("schemaCurrent with %s = true, want false", tc.name)
		}
		exec(tc.undo)
	}
	if !schemaCurrent(ctx, s.write, n) {
		t.Fatalf("schemaCurrent once restored = false, want true")
	}
}
