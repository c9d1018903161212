package apitest

import (
	"context"
	"testing"

	"github.com/detective-local/detective-local/internal/pgtest"
	"github.com/detective-local/detective-local/internal/postgres"
)

// openPostgres opens a store on a fresh schema of the test database.
func openPostgres(t testing.TB, dsn string) Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), pgtest.Schema(t, dsn))
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
