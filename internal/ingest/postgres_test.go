package ingest_test

import (
	"sync"
	"testing"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/pgtest"
	"github.com/detective-local/detective-local/internal/postgres"
)

// TestIngestConcurrentPostgres is TestIngestConcurrent with every ingest
// on a store (a connection pool) of its own, as replicas sharing one
// database are: together they count each record once.
func TestIngestConcurrentPostgres(t *testing.T) {
	t.Parallel()
	dsn := pgtest.Schema(t, pgtest.MustDSN(t))
	open := func() *postgres.Store {
		s, err := postgres.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	w := mustWorldOn(t, open(), detective.Config{})
	lines := apiLines(2000, admin)
	var wg sync.WaitGroup
	results := make([]ingest.Result, 3)
	for i := range results {
		replica := open()
		wg.Go(func() {
			p := ingest.New(replica, ingest.Config{BatchSize: 100, Now: w.clock.Now})
			results[i] = mustIngest(t, p, lines...)
		})
	}
	wg.Wait()
	var accepted int64
	for _, r := range results {
		accepted += r.Accepted
	}
	if accepted != 2000 {
		t.Errorf("three concurrent ingests accepted %d in all, want 2000", accepted)
	}
	if s, f := mustCalls(t, w); s != 1800 || f != 200 {
		t.Errorf("calls stored %d/%d, want 1800/200", s, f)
	}
}
