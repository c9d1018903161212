package apitest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/detective-local/detective-local/internal/behavior"
	domain "github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/pgtest"
	"github.com/detective-local/detective-local/internal/sqlite"
	"github.com/detective-local/detective-local/internal/world"
)

// Store is a store the server runs on: Detective's state, the behavior
// graphs' data, and through World the multi-account world, in one
// database.
type Store interface {
	domain.Store
	behavior.Store
	World() world.Store
}

// Backend is a kind of store the server can run on.
type Backend struct {
	Name string
	// Open returns a fresh, empty, migrated store private to t, closed with t.
	Open func(t testing.TB) Store
}

// Backends returns the backends to test: SQLite always, PostgreSQL when
// DETECTIVE_TEST_POSTGRES is set.
func Backends(t testing.TB) []Backend {
	bs := []Backend{{Name: "sqlite", Open: openSQLite}}
	if dsn := pgtest.DSN(t); dsn != "" {
		bs = append(bs, Backend{Name: "postgres", Open: func(t testing.TB) Store { return openPostgres(t, dsn) }})
	}
	return bs
}

func openSQLite(t testing.TB) Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "detective.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
