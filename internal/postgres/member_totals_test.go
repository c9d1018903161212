package postgres

import (
	"testing"

	"github.com/detective-local/detective-local/internal/storetest"
)

// TestMemberTotalsBackfill checks that migration 0007 totals the members a
// database already has: it is undone on a populated schema and applied
// again on the next open.
func TestMemberTotalsBackfill(t *testing.T) {
	dsn := mustSchema(t)
	g := testGraph()
	s := mustOpen(t, dsn)
	storetest.MustPopulateForTotals(t, s, g)
	for _, q := range []string{`DROP TABLE member_totals`, `DROP TRIGGER member_totals_insert_delete ON members`,
		`DROP TRIGGER member_totals_update ON members`, `DROP FUNCTION member_totals_follow()`,
		`DROP FUNCTION member_started_volume(text)`, `DELETE FROM schema_migrations WHERE version = 7`} {
		if _, err := s.pool.Exec(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.Close()
	storetest.CheckPopulatedTotals(t, mustOpen(t, dsn), g)
}
