package sqlite

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
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
	rows, err := s.read.QueryContext(t.Context(), "SELECT version FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var applied []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		applied = append(applied, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(applied, vs) {
		t.Errorf("schema_migrations = %v, want %v", applied, vs)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "d.db")
	for range 3 {
		s, err := Open(t.Context(), path)
		if err != nil {
			t.Fatalf("Open: %v", err)
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
