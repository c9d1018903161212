package readmodel_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/detective-local/detective-local/internal/pgtest"
	"github.com/detective-local/detective-local/internal/postgres"
	"github.com/detective-local/detective-local/internal/readmodel"
	"github.com/detective-local/detective-local/internal/sqlite"
	"github.com/detective-local/detective-local/internal/storetest"
	"github.com/detective-local/detective-local/internal/world"
)

// readModelStore is a store with the read model in front of its Detective
// half, as internal/app wires it; the world half is the store's own.
type readModelStore struct {
	*readmodel.Store
	world world.Store
}

func (s readModelStore) World() world.Store { return s.world }

// The conformance suite reads back after every write it makes, so it
// holds the read model to the store's answers on both backends.
func TestConformanceSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "d.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return readModelStore{Store: readmodel.New(s, 0), world: s.World()}
	})
}

func TestConformancePostgres(t *testing.T) {
	dsn := pgtest.MustDSN(t)
	storetest.Run(t, func(t *testing.T) storetest.Store {
		s, err := postgres.Open(context.Background(), pgtest.Schema(t, dsn))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return readModelStore{Store: readmodel.New(s, 0), world: s.World()}
	})
}
